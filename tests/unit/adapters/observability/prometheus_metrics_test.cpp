#include "adapters/observability/prometheus_metrics.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace obs = rpmw::adapters::observability;
using obs::PrometheusMetrics;

namespace {

std::vector<std::string> lines_starting_with(const std::string& text, std::string_view prefix) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) out.push_back(line);
  }
  return out;
}

}  // namespace

TEST_CASE("prometheus_metrics: renders exact exposition text for a small registry") {
  PrometheusMetrics metrics({1, 0.125});  // unsorted on purpose
  metrics.increment("rpmw_ingress_requests_total", {{"result", "rejected"}});
  metrics.increment("rpmw_ingress_requests_total", {{"result", "accepted"}});
  metrics.increment("rpmw_ingress_requests_total", {{"result", "accepted"}});
  metrics.set_gauge("rpmw_queue_depth", 7);
  metrics.set_gauge("rpmw_queue_depth", 5);
  for (double v : {0.0625, 0.125, 0.5, 3.0}) metrics.observe("rpmw_ingress_ack_seconds", v);
  metrics.increment("rpmw_llm_tokens_total", {{"direction", "in"}}, 1.5);
  metrics.set_gauge("custom_gauge", -0.25);

  CHECK(metrics.render() ==
        "# HELP custom_gauge rpmw application metric.\n"
        "# TYPE custom_gauge gauge\n"
        "custom_gauge -0.25\n"
        "# HELP rpmw_ingress_ack_seconds Time to acknowledge a webhook request.\n"
        "# TYPE rpmw_ingress_ack_seconds histogram\n"
        "rpmw_ingress_ack_seconds_bucket{le=\"0.125\"} 2\n"
        "rpmw_ingress_ack_seconds_bucket{le=\"1\"} 3\n"
        "rpmw_ingress_ack_seconds_bucket{le=\"+Inf\"} 4\n"
        "rpmw_ingress_ack_seconds_sum 3.6875\n"
        "rpmw_ingress_ack_seconds_count 4\n"
        "# HELP rpmw_ingress_requests_total Webhook requests received by ingress, by result.\n"
        "# TYPE rpmw_ingress_requests_total counter\n"
        "rpmw_ingress_requests_total{result=\"accepted\"} 2\n"
        "rpmw_ingress_requests_total{result=\"rejected\"} 1\n"
        "# HELP rpmw_llm_tokens_total LLM tokens used, by direction.\n"
        "# TYPE rpmw_llm_tokens_total counter\n"
        "rpmw_llm_tokens_total{direction=\"in\"} 1.5\n"
        "# HELP rpmw_queue_depth Messages in the event queue (ready and in flight).\n"
        "# TYPE rpmw_queue_depth gauge\n"
        "rpmw_queue_depth 5\n");
}

TEST_CASE("prometheus_metrics: empty registry renders nothing") {
  PrometheusMetrics metrics;
  CHECK(metrics.render().empty());
  CHECK(metrics.value("rpmw_queue_depth") == 0);
  CHECK_FALSE(metrics.has("rpmw_queue_depth"));
}

TEST_CASE("prometheus_metrics: default buckets are cumulative, in seconds, with labels before le") {
  PrometheusMetrics metrics;
  const rpmw::core::MetricLabels labels = {{"vendor", "richpanel"}};
  for (double v : {0.0004, 0.0005, 0.003, 0.2, 0.2, 7.0, 59.0, 61.0, 1e9}) {
    metrics.observe("rpmw_vendor_latency_seconds", v, labels);
  }
  const std::string text = metrics.render();
  const auto buckets = lines_starting_with(text, "rpmw_vendor_latency_seconds_bucket");
  const std::vector<std::string> expected = {
      R"(rpmw_vendor_latency_seconds_bucket{vendor="richpanel",le="0.0005"} 2)",
      R"(rpmw_vendor_latency_seconds_bucket{vendor="richpanel",le="0.001"} 2)",
      R"(rpmw_vendor_latency_seconds_bucket{vendor="richpanel",le="0.0025"} 2)",
      R"(rpmw_vendor_latency_seconds_bucket{vendor="richpanel",le="0.005"} 3)",
      R"(rpmw_vendor_latency_seconds_bucket{vendor="richpanel",le="0.01"} 3)",
      R"(rpmw_vendor_latency_seconds_bucket{vendor="richpanel",le="0.025"} 3)",
      R"(rpmw_vendor_latency_seconds_bucket{vendor="richpanel",le="0.05"} 3)",
      R"(rpmw_vendor_latency_seconds_bucket{vendor="richpanel",le="0.1"} 3)",
      R"(rpmw_vendor_latency_seconds_bucket{vendor="richpanel",le="0.25"} 5)",
      R"(rpmw_vendor_latency_seconds_bucket{vendor="richpanel",le="0.5"} 5)",
      R"(rpmw_vendor_latency_seconds_bucket{vendor="richpanel",le="1"} 5)",
      R"(rpmw_vendor_latency_seconds_bucket{vendor="richpanel",le="2.5"} 5)",
      R"(rpmw_vendor_latency_seconds_bucket{vendor="richpanel",le="5"} 5)",
      R"(rpmw_vendor_latency_seconds_bucket{vendor="richpanel",le="10"} 6)",
      R"(rpmw_vendor_latency_seconds_bucket{vendor="richpanel",le="30"} 6)",
      R"(rpmw_vendor_latency_seconds_bucket{vendor="richpanel",le="60"} 7)",
      R"(rpmw_vendor_latency_seconds_bucket{vendor="richpanel",le="+Inf"} 9)",
  };
  CHECK(buckets == expected);
  CHECK(lines_starting_with(text, "rpmw_vendor_latency_seconds_count") ==
        std::vector<std::string>{R"(rpmw_vendor_latency_seconds_count{vendor="richpanel"} 9)"});
  CHECK(metrics.value("rpmw_vendor_latency_seconds", labels) == 9);
}

TEST_CASE("prometheus_metrics: label values are escaped and label order does not matter") {
  PrometheusMetrics metrics;
  metrics.increment("rpmw_automation_blocked_total", {{"z", "1"}, {"reason", "a\\b\"c\nd"}});
  metrics.increment("rpmw_automation_blocked_total", {{"reason", "a\\b\"c\nd"}, {"z", "1"}});
  CHECK(lines_starting_with(metrics.render(), "rpmw_automation_blocked_total{") ==
        std::vector<std::string>{R"(rpmw_automation_blocked_total{reason="a\\b\"c\nd",z="1"} 2)"});
  CHECK(metrics.value("rpmw_automation_blocked_total", {{"z", "1"}, {"reason", "a\\b\"c\nd"}}) ==
        2);
}

TEST_CASE("prometheus_metrics: label values that look like key separators stay distinct") {
  PrometheusMetrics metrics;
  metrics.increment("m_total", {{"a",
                                 "1\x1f"
                                 "b=1:2"}});
  metrics.increment("m_total", {{"a", "1"}, {"b", "2"}});
  CHECK(metrics.value("m_total", {{"a",
                                   "1\x1f"
                                   "b=1:2"}}) == 1);
  CHECK(metrics.value("m_total", {{"a", "1"}, {"b", "2"}}) == 1);
}

TEST_CASE("prometheus_metrics: invalid metric and label names are sanitized") {
  PrometheusMetrics metrics;
  metrics.increment("9bad name-x", {{"label-name", "v"}});
  CHECK(lines_starting_with(metrics.render(), "_9bad") ==
        std::vector<std::string>{R"(_9bad_name_x{label_name="v"} 1)"});
}

TEST_CASE(
    "prometheus_metrics: counters ignore negative and NaN increments; gauges take any value") {
  PrometheusMetrics metrics;
  metrics.increment("rpmw_replies_total", {{"template", "t1"}}, 2);
  metrics.increment("rpmw_replies_total", {{"template", "t1"}}, -1);
  metrics.increment("rpmw_replies_total", {{"template", "t1"}},
                    std::numeric_limits<double>::quiet_NaN());
  CHECK(metrics.value("rpmw_replies_total", {{"template", "t1"}}) == 2);

  metrics.set_gauge("rpmw_queue_oldest_age_seconds", -3);
  CHECK(metrics.value("rpmw_queue_oldest_age_seconds") == -3);
  metrics.set_gauge("rpmw_queue_oldest_age_seconds", std::numeric_limits<double>::infinity());
  CHECK(lines_starting_with(metrics.render(), "rpmw_queue_oldest_age_seconds ") ==
        std::vector<std::string>{"rpmw_queue_oldest_age_seconds +Inf"});

  metrics.observe("rpmw_event_end_to_end_seconds", std::numeric_limits<double>::quiet_NaN());
  CHECK_FALSE(metrics.has("rpmw_event_end_to_end_seconds"));
}

TEST_CASE("prometheus_metrics: a name keeps the type it was first used with") {
  PrometheusMetrics metrics;
  metrics.increment("rpmw_dlq_depth");
  metrics.set_gauge("rpmw_dlq_depth", 10);
  metrics.observe("rpmw_dlq_depth", 1);
  CHECK(metrics.value("rpmw_dlq_depth") == 1);
  CHECK(metrics.type_conflicts() == 2);
  // Another label set of the same name used as a gauge: left out of the exposition.
  metrics.set_gauge("rpmw_dlq_depth", 4, {{"queue", "x"}});
  const std::string text = metrics.render();
  CHECK(lines_starting_with(text, "# TYPE rpmw_dlq_depth") ==
        std::vector<std::string>{"# TYPE rpmw_dlq_depth counter"});
  CHECK(lines_starting_with(text, "rpmw_dlq_depth") ==
        std::vector<std::string>{"rpmw_dlq_depth 1"});
}

TEST_CASE("prometheus_metrics: every spec/06 metric has its own help text") {
  for (const char* name :
       {"rpmw_ingress_requests_total", "rpmw_ingress_ack_seconds", "rpmw_auth_failures_total",
        "rpmw_queue_depth", "rpmw_queue_oldest_age_seconds", "rpmw_dlq_depth",
        "rpmw_worker_jobs_total", "rpmw_event_end_to_end_seconds", "rpmw_vendor_requests_total",
        "rpmw_vendor_latency_seconds", "rpmw_vendor_rate_limited_total", "rpmw_decisions_total",
        "rpmw_automation_blocked_total", "rpmw_replies_total", "rpmw_llm_tokens_total",
        "rpmw_redaction_failures_total"}) {
    CAPTURE(name);
    CHECK(PrometheusMetrics::help_for(name) != PrometheusMetrics::help_for("unknown_metric"));
  }
}

TEST_CASE("prometheus_metrics: concurrent updates are all counted") {
  PrometheusMetrics metrics;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&metrics, t] {
      const rpmw::core::MetricLabels own = {{"result", "t" + std::to_string(t)}};
      for (int i = 0; i < kPerThread; ++i) {
        metrics.increment("rpmw_worker_jobs_total", {{"result", "done"}});
        metrics.increment("rpmw_worker_jobs_total", own);
        metrics.observe("rpmw_event_end_to_end_seconds", 0.01);
        if (i % 1000 == 0) (void)metrics.render();  // rendering while writing is safe
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(metrics.value("rpmw_worker_jobs_total", {{"result", "done"}}) == kThreads * kPerThread);
  for (int t = 0; t < kThreads; ++t) {
    CHECK(metrics.value("rpmw_worker_jobs_total", {{"result", "t" + std::to_string(t)}}) ==
          kPerThread);
  }
  CHECK(metrics.value("rpmw_event_end_to_end_seconds") == kThreads * kPerThread);
  CHECK(
      lines_starting_with(metrics.render(), "rpmw_event_end_to_end_seconds_bucket{le=\"0.01\"}") ==
      std::vector<std::string>{"rpmw_event_end_to_end_seconds_bucket{le=\"0.01\"} 40000"});
}
