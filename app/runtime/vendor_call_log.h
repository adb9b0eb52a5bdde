#pragma once
// Turns the vendor adapters' call reports into the spec/06 events and metrics:
// vendor.<vendor>.<operation>.success|failed (http_status, retry_count, latency_ms, error),
// rpmw_vendor_requests_total{vendor,operation,status}, rpmw_vendor_latency_seconds and
// rpmw_vendor_rate_limited_total{vendor}.
#include "adapters/http/vendor_call_report.h"
#include "core/ports/event_log.h"
#include "core/ports/metrics.h"

namespace rpmw::app {

// `log` and `metrics` must outlive every adapter holding the observer.
adapters::http::VendorCallObserver vendor_call_log(core::EventLog& log, core::Metrics& metrics);

}  // namespace rpmw::app
