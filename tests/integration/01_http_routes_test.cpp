// Non-webhook routes: health, readiness, metrics, unknown paths and wrong methods.
#include <doctest/doctest.h>

#include "tests/integration/helpers.h"

namespace rpmw::itest {

namespace {
bool is_json(const HttpResponse& r) {
  return r.header("content-type").starts_with("application/json");
}
}  // namespace

TEST_CASE("http: health, readiness, metrics, 404 and 405 answer with exact bodies") {
  RpmwServer server;
  HttpClient client;

  const HttpResponse health = client.get(server.url("/healthz"));
  CHECK(health.status == 200);
  CHECK(health.body == R"({"status":"ok"})");
  CHECK(is_json(health));

  const HttpResponse ready = client.get(server.url("/readyz"));
  CHECK(ready.status == 200);
  CHECK(ready.body == R"({"status":"ready"})");
  CHECK(is_json(ready));

  for (const char* path : {"/", "/nope", "/webhooks", "/webhooks/richpanel/extra", "/healthz/x"}) {
    CAPTURE(path);
    const HttpResponse r = client.get(server.url(path));
    CHECK(r.status == 404);
    CHECK(r.body == R"({"error":"not_found"})");
    CHECK(is_json(r));
  }
  const HttpResponse post_unknown =
      client.request("POST", server.url("/unknown"), webhook_headers(), R"({"ticket_id":"t"})");
  CHECK(post_unknown.status == 404);
  CHECK(post_unknown.body == R"({"error":"not_found"})");

  struct Case {
    const char* method;
    const char* path;
  };
  for (const Case c :
       {Case{"GET", "/webhooks/richpanel"}, Case{"PUT", "/webhooks/richpanel"},
        Case{"DELETE", "/webhook"}, Case{"GET", "/webhook"}, Case{"POST", "/healthz"},
        Case{"POST", "/readyz"}, Case{"DELETE", "/metrics"}}) {
    CAPTURE(c.method);
    CAPTURE(c.path);
    HttpRequest req;
    req.method = c.method;
    req.url = server.url(c.path);
    req.headers = webhook_headers();
    if (std::string(c.method) != "GET") {
      req.body = R"({"ticket_id":"t-405"})";
      req.send_body = true;
    }
    const HttpResponse r = client.send(req);
    CHECK(r.status == 405);
    CHECK(r.body == R"({"error":"method_not_allowed"})");
    CHECK(is_json(r));
  }

  // Produce one accepted request and one auth failure so the labelled series exist.
  CHECK(post_webhook(client, server, webhook_body("t-metrics", "m-1")).status == 202);
  CHECK(client
            .request("POST", server.webhook_url(), {{"Content-Type", "application/json"}},
                     webhook_body("t-metrics", "m-2"))
            .status == 401);

  const HttpResponse metrics = client.get(server.url("/metrics"));
  CHECK(metrics.status == 200);
  CHECK(metrics.header("content-type").starts_with("text/plain"));
  for (const char* series :
       {"rpmw_ingress_requests_total{result=\"accepted\"}",
        "rpmw_ingress_requests_total{result=\"unauthorized\"}", "rpmw_auth_failures_total",
        "rpmw_queue_depth", "rpmw_queue_oldest_age_seconds", "rpmw_dlq_depth"}) {
    CAPTURE(series);
    CHECK(metric_value(metrics.body, series).has_value());
  }
  CHECK(metric_value(metrics.body, "rpmw_ingress_requests_total{result=\"accepted\"}") == 1.0);
  CHECK(metric_value(metrics.body, "rpmw_ingress_requests_total{result=\"unauthorized\"}") == 1.0);
  CHECK(metric_value(metrics.body, "rpmw_auth_failures_total") == 1.0);
  CHECK(metric_value(metrics.body, "rpmw_dlq_depth") == 0.0);
  // The worker handles the accepted event: rpmw_worker_jobs_total appears with some result label.
  CHECK(poll_until(deadline_in(kPollTimeout), [&] {
    return server.metrics_text().find("rpmw_worker_jobs_total{") != std::string::npos;
  }));
}

}  // namespace rpmw::itest
