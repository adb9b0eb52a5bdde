#include "app/runtime/vendor_call_log.h"

#include <string>

#include "core/common/trace_scope.h"

namespace rpmw::app {

adapters::http::VendorCallObserver vendor_call_log(core::EventLog& log, core::Metrics& metrics) {
  return [&log, &metrics](const adapters::http::VendorCallReport& report) {
    const bool ok = report.error_code.empty();
    const bool rate_limited = report.http_status == 429 ||
                              report.error_code.find("429") != std::string::npos ||
                              report.error_code.find("budget") != std::string::npos;
    metrics.increment("rpmw_vendor_requests_total", {{"vendor", report.vendor},
                                                     {"operation", report.operation},
                                                     {"status", ok ? "ok" : report.error_code}});
    metrics.observe("rpmw_vendor_latency_seconds", static_cast<double>(report.latency_ms) / 1000.0,
                    {{"vendor", report.vendor}});
    if (rate_limited)
      metrics.increment("rpmw_vendor_rate_limited_total", {{"vendor", report.vendor}});
    const core::LogLevel level = ok ? core::LogLevel::info : core::LogLevel::warn;
    if (!log.enabled(level)) return;
    core::LogEvent event(
        level, "vendor." + report.vendor + "." + report.operation + (ok ? ".success" : ".failed"));
    if (const std::string_view trace = core::TraceScope::current(); !trace.empty()) {
      event.trace(trace);
    }
    event.step("vendor")
        .latency_ms(static_cast<double>(report.latency_ms))
        .num("http_status", static_cast<std::int64_t>(report.http_status))
        .num("retry_count", static_cast<std::int64_t>(report.retries));
    if (report.rate_limit_remaining >= 0) {
      event.num("rate_limit_remaining", static_cast<std::int64_t>(report.rate_limit_remaining));
    }
    if (!ok) event.code("error", report.error_code);
    log.write(event);
  };
}

}  // namespace rpmw::app
