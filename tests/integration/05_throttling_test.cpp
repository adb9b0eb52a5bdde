// Token-bucket throttling: global and per source address, answered with 429 + Retry-After.
#include <doctest/doctest.h>

#include "tests/integration/helpers.h"

namespace rpmw::itest {

namespace {
HttpResponse post_from(HttpClient& client, const RpmwServer& server, const std::string& source,
                       const std::string& body, const Headers& headers = webhook_headers()) {
  HttpRequest r;
  r.method = "POST";
  r.url = server.webhook_url();
  r.headers = headers;
  r.body = body;
  r.source_address = source;
  return client.send(r);
}

void check_rate_limited(const HttpResponse& r) {
  CHECK(r.status == 429);
  CHECK(r.body == R"({"error":"rate_limited","detail":"too many requests; retry later"})");
  const std::string retry_after = r.header("retry-after");
  CAPTURE(retry_after);
  REQUIRE_FALSE(retry_after.empty());
  CHECK(retry_after.find_first_not_of("0123456789") == std::string::npos);
  const int seconds = std::atoi(retry_after.c_str());
  CHECK(seconds >= 1);
  CHECK(seconds <= 2);  // one token at 1 req/s
}
}  // namespace

TEST_CASE("throttling: global bucket (rate 1/s, burst 3) answers the 4th request with 429") {
  RpmwServer server(
      with_env({{"RPMW_INGRESS_RATE", "1"}, {"RPMW_INGRESS_BURST", "3"}, {"RPMW_WORKERS", "0"}}));
  HttpClient client;
  for (int i = 1; i <= 3; ++i) {
    CAPTURE(i);
    CHECK(post_from(client, server, "127.0.0.1", webhook_body("rl-1", "m-" + std::to_string(i)))
              .status == 202);
  }
  check_rate_limited(post_from(client, server, "127.0.0.1", webhook_body("rl-1", "m-4")));
  // Global: another source address is throttled as well; the limit applies before auth.
  check_rate_limited(post_from(client, server, "127.0.0.2", webhook_body("rl-1", "m-5")));
  check_rate_limited(post_from(client, server, "127.0.0.1", webhook_body("rl-1", "m-6"),
                               {{"Content-Type", "application/json"}}));
  CHECK(server.metric("rpmw_ingress_requests_total{result=\"rate_limited\"}") == 3.0);
  CHECK(server.metric("rpmw_auth_failures_total").value_or(0) == 0.0);
  CHECK(server.metric("rpmw_queue_depth") == 3.0);

  // The bucket refills at 1 token/s.
  long last = 0;
  CHECK(poll_until(
      deadline_in(std::chrono::seconds(5)),
      [&] {
        last = post_from(client, server, "127.0.0.1", webhook_body("rl-1", "m-7")).status;
        return last == 202;
      },
      std::chrono::milliseconds(200)));
  CHECK(last == 202);
}

TEST_CASE("throttling: per-source bucket (rate 1/s, burst 2) is kept per address") {
  RpmwServer server(with_env({{"RPMW_INGRESS_RATE", "0"},
                              {"RPMW_INGRESS_SOURCE_RATE", "1"},
                              {"RPMW_INGRESS_SOURCE_BURST", "2"},
                              {"RPMW_WORKERS", "0"}}));
  HttpClient client;
  CHECK(post_from(client, server, "127.0.0.1", webhook_body("rs-1", "m-1")).status == 202);
  CHECK(post_from(client, server, "127.0.0.1", webhook_body("rs-1", "m-2")).status == 202);
  check_rate_limited(post_from(client, server, "127.0.0.1", webhook_body("rs-1", "m-3")));
  // A second source address has its own bucket.
  CHECK(post_from(client, server, "127.0.0.2", webhook_body("rs-2", "rs-2-m-1")).status == 202);
  CHECK(post_from(client, server, "127.0.0.2", webhook_body("rs-2", "rs-2-m-2")).status == 202);
  check_rate_limited(post_from(client, server, "127.0.0.2", webhook_body("rs-2", "rs-2-m-3")));
  check_rate_limited(post_from(client, server, "127.0.0.1", webhook_body("rs-1", "m-4")));
  CHECK(server.metric("rpmw_queue_depth") == 4.0);
}

}  // namespace rpmw::itest
