#include "adapters/observability/emf_metrics.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "tests/fakes/fake_clock.h"

namespace obs = rpmw::adapters::observability;
namespace json = boost::json;
using obs::EmfMetrics;

namespace {

obs::EmfContext context() {
  return obs::EmfContext{"rpmw", "dev", "1.2.3+abc", "rpmw-dev-ingress"};
}

constexpr const char* kHead =
    R"({"ts":"2026-01-01T00:00:00.000Z","level":"info","event":"system.metrics.emf",)"
    R"("_aws":{"Timestamp":1767225600000,"CloudWatchMetrics":[{"Namespace":"rpmw",)";
constexpr const char* kContext =
    R"("env":"dev","release":"1.2.3+abc","function":"rpmw-dev-ingress")";

}  // namespace

TEST_CASE("emf_metrics: exact lines for a known set of deltas, one line per label set") {
  rpmw::fakes::FakeClock clock;
  EmfMetrics metrics(context(), clock);
  metrics.increment("rpmw_ingress_requests_total", {{"result", "accepted"}});
  metrics.increment("rpmw_ingress_requests_total", {{"result", "accepted"}});
  metrics.increment("rpmw_ingress_requests_total", {{"result", "unauthorized"}});
  metrics.increment("rpmw_auth_failures_total");
  metrics.observe("rpmw_ingress_ack_seconds", 0.25);
  metrics.observe("rpmw_ingress_ack_seconds", 0.0005);
  metrics.increment("rpmw_decisions_total", {{"tier", "tier_2"}, {"action", "route_and_reply"}});
  metrics.set_gauge("rpmw_queue_depth", 3);
  metrics.set_gauge("rpmw_queue_depth", 7);

  const std::vector<std::string> lines = metrics.take_lines();
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == std::string(kHead) +
                        R"("Dimensions":[["env"]],"Metrics":[)"
                        R"({"Name":"rpmw_auth_failures_total","Unit":"Count"},)"
                        R"({"Name":"rpmw_ingress_ack_seconds","Unit":"Seconds"},)"
                        R"({"Name":"rpmw_queue_depth","Unit":"Count"}]}]},)" +
                        kContext +
                        R"(,"rpmw_auth_failures_total":1,"rpmw_ingress_ack_seconds":[0.25,0.0005],)"
                        R"("rpmw_queue_depth":7})"
                        "\n");
  // Labels sorted by name, as in the Prometheus output.
  CHECK(lines[1] == std::string(kHead) +
                        R"("Dimensions":[["env","action","tier"]],"Metrics":[)"
                        R"({"Name":"rpmw_decisions_total","Unit":"Count"}]}]},)" +
                        kContext +
                        R"(,"action":"route_and_reply","tier":"tier_2","rpmw_decisions_total":1})"
                        "\n");
  CHECK(lines[2] == std::string(kHead) +
                        R"("Dimensions":[["env","result"]],"Metrics":[)"
                        R"({"Name":"rpmw_ingress_requests_total","Unit":"Count"}]}]},)" +
                        kContext +
                        R"(,"result":"accepted","rpmw_ingress_requests_total":2})"
                        "\n");
  CHECK(lines[3].find(R"("result":"unauthorized","rpmw_ingress_requests_total":1})") !=
        std::string::npos);
  for (const std::string& line : lines) {
    CHECK(line.ends_with("}\n"));
    CHECK(line.find('\n') == line.size() - 1);
    std::error_code ec;
    const json::value v = json::parse(line, ec);
    REQUIRE_FALSE(ec);
    CHECK(v.at("_aws").at("CloudWatchMetrics").as_array().size() == 1);
  }

  // Taken means forgotten: the next invocation starts from zero.
  CHECK(metrics.take_lines().empty());
  metrics.increment("rpmw_ingress_requests_total", {{"result", "accepted"}});
  const std::vector<std::string> next = metrics.take_lines();
  REQUIRE(next.size() == 1);
  CHECK(next[0].find(R"("rpmw_ingress_requests_total":1})") != std::string::npos);
}

TEST_CASE("emf_metrics: nothing emitted when nothing changed") {
  rpmw::fakes::FakeClock clock;
  EmfMetrics metrics(context(), clock);
  obs::MemoryLineSink sink;
  CHECK(metrics.flush(sink) == 0);
  CHECK(sink.size() == 0);
  // Increments of zero, negative or NaN and non-finite observations change nothing.
  metrics.increment("rpmw_replies_total", {{"template", "order_status_v1"}}, 0);
  metrics.increment("rpmw_replies_total", {}, -1);
  metrics.increment("rpmw_replies_total", {}, std::nan(""));
  metrics.observe("rpmw_vendor_latency_seconds", std::numeric_limits<double>::infinity());
  metrics.set_gauge("rpmw_queue_depth", std::nan(""));
  CHECK(metrics.flush(sink) == 0);
  CHECK(sink.size() == 0);
}

TEST_CASE("emf_metrics: free text in a label value never reaches a line") {
  rpmw::fakes::FakeClock clock;
  EmfMetrics metrics(context(), clock);
  metrics.increment("rpmw_automation_blocked_total", {{"reason", "jane.doe+pii@example.com x"}});
  metrics.increment("rpmw_automation_blocked_total", {{"reason", std::string(65, 'a')}});
  metrics.increment("rpmw_automation_blocked_total", {{"reason", "+1 415-555-0199"}});
  metrics.increment("rpmw_vendor_requests_total",
                    {{"vendor", "richpanel"}, {"operation", "get_ticket"}, {"status", "http_429"}});
  const std::vector<std::string> lines = metrics.take_lines();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].find(R"("operation":"get_ticket","status":"http_429","vendor":"richpanel")") !=
        std::string::npos);
  CHECK(lines[1].find(R"("reason":"other","rpmw_automation_blocked_total":3})") !=
        std::string::npos);
  for (const std::string& line : lines) {
    CHECK(line.find("example.com") == std::string::npos);
    CHECK(line.find("555") == std::string::npos);
  }
}

TEST_CASE("emf_metrics: EMF limits and name collisions") {
  rpmw::fakes::FakeClock clock;
  EmfMetrics metrics(context(), clock);
  // 250 observations: three lines of at most 100 values; the counter only on the first.
  for (int i = 0; i < 250; ++i)
    metrics.observe("rpmw_vendor_latency_seconds", i, {{"vendor", "x"}});
  metrics.increment("rpmw_vendor_rate_limited_total", {{"vendor", "x"}});
  // A label named like a reserved member is renamed; a type conflict is dropped.
  metrics.increment("rpmw_odd_total", {{"env", "prod"}});
  metrics.observe("rpmw_odd_total", 1, {{"env", "prod"}});
  CHECK(metrics.type_conflicts() == 1);

  const std::vector<std::string> lines = metrics.take_lines();
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].find(R"("Dimensions":[["env","label_env"]])") != std::string::npos);
  CHECK(lines[0].find(R"("env":"dev")") != std::string::npos);
  CHECK(lines[0].find(R"("label_env":"prod","rpmw_odd_total":1})") != std::string::npos);
  std::size_t values = 0;
  for (std::size_t i = 1; i < 4; ++i) {
    const json::object line = json::parse(lines[i]).as_object();
    const std::size_t n = line.at("rpmw_vendor_latency_seconds").as_array().size();
    CHECK(n <= EmfMetrics::kMaxValuesPerLine);
    values += n;
    CHECK(line.contains("rpmw_vendor_rate_limited_total") == (i == 1));
  }
  CHECK(values == 250);
}
