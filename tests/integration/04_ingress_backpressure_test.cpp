// Rejected requests enqueue nothing; backpressure answers 503 once the queue is at its depth.
#include <doctest/doctest.h>

#include "tests/integration/helpers.h"

namespace rpmw::itest {

TEST_CASE("ingress: no rejected request reaches the queue") {
  RpmwServer server(with_env({{"RPMW_WORKERS", "0"}}));
  HttpClient client;
  const std::string url = server.webhook_url();
  const Headers json_only{{"Content-Type", "application/json"}};

  struct Sent {
    const char* what;
    HttpResponse response;
    long expected;
  };
  std::vector<Sent> sent;
  sent.push_back(
      {"no token", client.request("POST", url, json_only, webhook_body("r-1", "m-1")), 401});
  sent.push_back({"bad token",
                  client.request("POST", url, webhook_headers("bad"), webhook_body("r-1", "m-2")),
                  401});
  sent.push_back(
      {"text/plain",
       client.request("POST", url,
                      {{"X-Middleware-Token", kWebhookToken}, {"Content-Type", "text/plain"}},
                      webhook_body("r-1", "m-3")),
       415});
  const std::string big =
      R"({"ticket_id":"r-1","message_id":"m-4","pad":")" + std::string(40000, 'x') + "\"}";
  sent.push_back({"too large", post_webhook(client, server, big), 413});
  HttpRequest chunked;
  chunked.method = "POST";
  chunked.url = url;
  chunked.headers = webhook_headers();
  chunked.chunked = true;
  chunked.body = big;
  sent.push_back({"too large chunked", client.send(chunked), 413});
  sent.push_back({"invalid json", post_webhook(client, server, R"({"ticket_id":"r-1",)"), 400});
  sent.push_back({"not an object", post_webhook(client, server, R"(["r-1"])"), 400});
  std::string deep =
      R"({"ticket_id":"r-1","a":)" + std::string(40, '[') + std::string(40, ']') + "}";
  sent.push_back({"too deep", post_webhook(client, server, deep), 400});
  sent.push_back({"missing ticket", post_webhook(client, server, R"({"message_id":"m-5"})"), 400});
  sent.push_back({"invalid ticket", post_webhook(client, server, R"({"ticket_id":7})"), 400});
  sent.push_back({"unknown path",
                  client.request("POST", server.url("/webhooks/other"), webhook_headers(),
                                 webhook_body("r-1", "m-6")),
                  404});
  sent.push_back({"wrong method",
                  client.request("PUT", url, webhook_headers(), webhook_body("r-1", "m-7")), 405});
  for (const Sent& s : sent) {
    CAPTURE(s.what);
    CHECK(s.response.status == s.expected);
  }

  const std::string before = server.metrics_text();
  CHECK(metric_value(before, "rpmw_queue_depth") == 0.0);
  CHECK_FALSE(metric_value(before, "rpmw_ingress_requests_total{result=\"accepted\"}").value_or(0) >
              0);

  // The same check sees a real enqueue, so it can fail.
  const HttpResponse ok = post_webhook(client, server, webhook_body("r-1", "m-8"));
  CHECK(ok.status == 202);
  CHECK(server.metric("rpmw_queue_depth") == 1.0);
  // A duplicate is answered but not enqueued either.
  CHECK(post_webhook(client, server, webhook_body("r-1", "m-8")).status == 200);
  CHECK(server.metric("rpmw_queue_depth") == 1.0);
  CHECK(decision_count(server) == 0);  // RPMW_WORKERS=0: nothing consumes
}

TEST_CASE("ingress: backpressure answers 503 with Retry-After once the queue is at its depth") {
  RpmwServer server(with_env({{"RPMW_WORKERS", "0"},
                              {"RPMW_QUEUE_MAX_DEPTH", "3"},
                              {"RPMW_QUEUE_DEPTH_REFRESH_MS", "0"}}));
  HttpClient client;
  for (int i = 1; i <= 3; ++i) {
    CAPTURE(i);
    const HttpResponse r =
        post_webhook(client, server, webhook_body("bp-1", "m-" + std::to_string(i)));
    CHECK(r.status == 202);
    CHECK_FALSE(r.has_header("retry-after"));
  }
  const HttpResponse full = post_webhook(client, server, webhook_body("bp-1", "m-4"));
  CHECK(full.status == 503);
  CHECK(full.body == R"({"error":"queue_full","detail":"the queue is over its configured depth"})");
  CHECK(full.header("retry-after") == "5");
  CHECK(full.header("content-type").starts_with("application/json"));
  // Still full for a new ticket; earlier checks keep their precedence.
  CHECK(post_webhook(client, server, webhook_body("bp-2", "m-1")).status == 503);
  CHECK(post_webhook(client, server, "{").status == 400);
  CHECK(client
            .request("POST", server.webhook_url(), {{"Content-Type", "application/json"}},
                     webhook_body("bp-2", "m-2"))
            .status == 401);

  const std::string metrics = server.metrics_text();
  CHECK(metric_value(metrics, "rpmw_queue_depth") == 3.0);
  CHECK(metric_value(metrics, "rpmw_ingress_requests_total{result=\"queue_full\"}") == 2.0);
  CHECK(metric_value(metrics, "rpmw_ingress_requests_total{result=\"accepted\"}") == 3.0);
}

}  // namespace rpmw::itest
