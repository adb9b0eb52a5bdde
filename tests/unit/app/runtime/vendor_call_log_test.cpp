#include "app/runtime/vendor_call_log.h"

#include <doctest/doctest.h>

#include "core/common/trace_scope.h"
#include "tests/fakes/recording_event_log.h"
#include "tests/fakes/recording_metrics.h"

using rpmw::adapters::http::VendorCallReport;

TEST_CASE("app/runtime: vendor call reports become vendor.* events and metrics") {
  rpmw::fakes::RecordingEventLog log;
  rpmw::fakes::RecordingMetrics metrics;
  const auto observe = rpmw::app::vendor_call_log(log, metrics);

  observe(VendorCallReport{"richpanel", "add_tags", 200, 42, 0, "", 17});
  observe(VendorCallReport{"richpanel", "send_message", 429, 1200, 2, "richpanel_429", 0});

  CHECK(metrics.counter("rpmw_vendor_requests_total",
                        {{"vendor", "richpanel"}, {"operation", "add_tags"}, {"status", "ok"}}) ==
        1);
  CHECK(metrics.counter("rpmw_vendor_requests_total", {{"vendor", "richpanel"},
                                                       {"operation", "send_message"},
                                                       {"status", "richpanel_429"}}) == 1);
  CHECK(metrics.counter("rpmw_vendor_rate_limited_total", {{"vendor", "richpanel"}}) == 1);
  CHECK(metrics.observations("rpmw_vendor_latency_seconds", {{"vendor", "richpanel"}}).size() == 2);
  auto ok = log.find("vendor.richpanel.add_tags.success");
  REQUIRE(ok.has_value());
  auto failed = log.find("vendor.richpanel.send_message.failed");
  REQUIRE(failed.has_value());
  CHECK(rpmw::fakes::field_text(*failed, "error") == "richpanel_429");
}

TEST_CASE("app/runtime: vendor call events carry the trace id of the event being worked on") {
  rpmw::fakes::RecordingEventLog log;
  rpmw::fakes::RecordingMetrics metrics;
  const auto observe = rpmw::app::vendor_call_log(log, metrics);
  CHECK(rpmw::core::TraceScope::current().empty());
  {
    const rpmw::core::TraceScope outer("trc_OUTER");
    {
      const rpmw::core::TraceScope inner("trc_INNER");
      observe(VendorCallReport{"richpanel", "get_ticket", 200, 5, 0, "", -1});
    }
    CHECK(rpmw::core::TraceScope::current() == "trc_OUTER");
  }
  CHECK(rpmw::core::TraceScope::current().empty());
  auto line = log.find("vendor.richpanel.get_ticket.success");
  REQUIRE(line.has_value());
  CHECK(rpmw::fakes::field_text(*line, "trace_id") == "trc_INNER");
}
