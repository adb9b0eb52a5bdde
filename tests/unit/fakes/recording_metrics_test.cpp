#include "tests/fakes/recording_metrics.h"

#include <doctest/doctest.h>

TEST_CASE("fakes: RecordingMetrics keeps counters, gauges and observations per series") {
  rpmw::fakes::RecordingMetrics metrics;
  metrics.increment("rpmw_worker_jobs_total", {{"result", "processed"}});
  metrics.increment("rpmw_worker_jobs_total", {{"result", "processed"}}, 2);
  metrics.increment("rpmw_worker_jobs_total", {{"result", "retry"}});
  metrics.set_gauge("rpmw_queue_depth", 7);
  metrics.observe("rpmw_ingress_ack_seconds", 0.25);
  CHECK(metrics.counter("rpmw_worker_jobs_total", {{"result", "processed"}}) == 3);
  CHECK(metrics.counter("rpmw_worker_jobs_total", {{"result", "retry"}}) == 1);
  CHECK(metrics.counter("rpmw_worker_jobs_total") == 0);
  CHECK(metrics.gauge("rpmw_queue_depth") == 7);
  CHECK(metrics.observations("rpmw_ingress_ack_seconds") == std::vector<double>{0.25});
}
