// The Lambda ingress handler and the HTTP server answer the same request with the same status,
// body and Retry-After: both sides get identical, identically seeded ingress stacks.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "adapters/observability/prometheus_metrics.h"
#include "app/lambda/ingress_handler.h"
#include "app/server/routes.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/in_memory_queue.h"
#include "tests/fakes/recording_event_log.h"

using rpmw::app::lambda::ApiGatewayRequest;
using rpmw::app::lambda::ApiGatewayResponse;
using rpmw::app::lambda::IngressHandler;
using rpmw::core::ingest::Authenticator;
using rpmw::core::ingest::AuthSettings;
using rpmw::core::ingest::Ingress;
using rpmw::core::ingest::IngressSettings;
using rpmw::core::ingest::RateLimiter;

namespace {

constexpr const char* kToken = "parity-token-0123456789abcdef";

// Counts the queue calls, so the test can show an unauthenticated request makes none (on Lambda
// every queue call is an SQS call).
class CountingQueue final : public rpmw::core::EventQueue {
 public:
  explicit CountingQueue(rpmw::core::EventQueue& inner) : inner_(inner) {}
  int calls = 0;
  using Ms = std::chrono::milliseconds;
  rpmw::core::Result<rpmw::core::EnqueueResult> enqueue(
      const rpmw::core::EnqueueRequest& r) override {
    ++calls;
    return inner_.enqueue(r);
  }
  rpmw::core::Result<std::vector<rpmw::core::QueuedEvent>> receive(int m, Ms v, Ms w) override {
    ++calls;
    return inner_.receive(m, v, w);
  }
  rpmw::core::Status ack(const std::string& r) override {
    ++calls;
    return inner_.ack(r);
  }
  rpmw::core::Status retry_later(const std::string& r, Ms d, const std::string& why) override {
    ++calls;
    return inner_.retry_later(r, d, why);
  }
  rpmw::core::Status dead_letter(const std::string& r, const std::string& why) override {
    ++calls;
    return inner_.dead_letter(r, why);
  }
  rpmw::core::Result<std::vector<rpmw::core::DeadLetter>> list_dead_letters(int n) override {
    ++calls;
    return inner_.list_dead_letters(n);
  }
  rpmw::core::Status redrive(const std::string& id) override {
    ++calls;
    return inner_.redrive(id);
  }
  rpmw::core::Result<rpmw::core::DeadLetter> get_dead_letter(const std::string& id) override {
    ++calls;
    return inner_.get_dead_letter(id);
  }
  rpmw::core::Status purge_dead_letter(const std::string& id) override {
    ++calls;
    return inner_.purge_dead_letter(id);
  }
  rpmw::core::Result<rpmw::core::QueueStats> stats() override {
    ++calls;
    return inner_.stats();
  }

 private:
  rpmw::core::EventQueue& inner_;
};

struct Stack {
  Stack()
      : queue(clock, random),
        limiter({}, clock),
        ingress(settings(), Authenticator(auth(), clock), limiter, queue, clock, random, log,
                metrics) {}
  static AuthSettings auth() {
    AuthSettings a;
    a.tokens = {kToken};
    return a;
  }
  static IngressSettings settings() {
    IngressSettings s;
    s.max_queue_depth = 4;  // the fifth accepted request meets backpressure (503 + Retry-After)
    s.depth_refresh = std::chrono::milliseconds(0);
    return s;
  }
  rpmw::fakes::FakeClock clock;
  rpmw::fakes::SeededRandom random{11};
  rpmw::fakes::InMemoryEventQueue queue;
  rpmw::fakes::RecordingEventLog log;
  rpmw::adapters::observability::PrometheusMetrics metrics;
  RateLimiter limiter;
  Ingress ingress;
};

struct Case {
  std::string name;
  std::string method = "POST";
  std::string path = "/webhooks/richpanel";
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int expected_status = 0;
};

std::vector<std::pair<std::string, std::string>> good_headers() {
  return {{"content-type", "application/json"}, {"x-middleware-token", kToken}};
}

struct Answer {
  int status = 0;
  std::string body;
  std::string retry_after;
  std::string allow;
};

std::string header_of(const std::vector<std::pair<std::string, std::string>>& headers,
                      const std::string& lower_name) {
  for (const auto& [name, value] : headers) {
    std::string n = name;
    for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (n == lower_name) return value;
  }
  return {};
}

// What the Beast server would answer: precheck on Content-Length first, then the routes.
Answer via_server(rpmw::app::ServiceRoutes& routes, const Case& c) {
  rpmw::app::HttpRequest request;
  request.method = c.method;
  request.path = c.path;
  request.query = c.query;
  request.target = c.query.empty() ? c.path : c.path + "?" + c.query;
  request.source = "198.51.100.7";
  request.headers = c.headers;
  request.body = c.body;
  auto pre = routes.precheck(request, c.body.size());
  const rpmw::app::HttpResponse response = pre ? *pre : routes.handle(request);
  return {response.status, response.body, header_of(response.headers, "retry-after"),
          header_of(response.headers, "allow")};
}

Answer via_lambda(IngressHandler& handler, const Case& c) {
  ApiGatewayRequest request;
  request.method = c.method;
  request.path = c.path;
  request.raw_query = c.query;
  request.source = "198.51.100.7";
  request.headers = c.headers;
  request.body = c.body;
  const ApiGatewayResponse response = handler.respond(request);
  CHECK(header_of(response.headers, "content-type") == "application/json");
  return {response.status, response.body, header_of(response.headers, "retry-after"),
          header_of(response.headers, "allow")};
}

}  // namespace

TEST_CASE("lambda ingress: same status codes and bodies as the HTTP server") {
  Stack server_stack;
  Stack lambda_stack;
  rpmw::app::ServiceRoutes routes(rpmw::app::ServiceRoutesDeps{
      server_stack.ingress, server_stack.queue, server_stack.metrics, [] { return std::string(); },
      [] { return true; }, nullptr, nullptr});
  IngressHandler handler(lambda_stack.ingress, lambda_stack.metrics);

  const std::string body = R"({"ticket_id":"t-1","message_id":"<m-1@mail>"})";
  const std::vector<Case> cases = {
      {"accepted", "POST", "/webhooks/richpanel", "", good_headers(), body, 202},
      {"duplicate", "POST", "/webhooks/richpanel", "", good_headers(), body, 200},
      {"alias path", "POST", "/webhook", "", good_headers(), R"({"ticket_id":"t-2"})", 202},
      {"no token",
       "POST",
       "/webhooks/richpanel",
       "",
       {{"content-type", "application/json"}},
       body,
       401},
      {"wrong token",
       "POST",
       "/webhooks/richpanel",
       "",
       {{"content-type", "application/json"}, {"x-middleware-token", "nope"}},
       body,
       401},
      {"query token is off by default",
       "POST",
       "/webhooks/richpanel",
       std::string("token=") + kToken,
       {{"content-type", "application/json"}},
       body,
       401},
      {"alternate header name",
       "POST",
       "/webhooks/richpanel",
       "",
       {{"content-type", "application/json"}, {"x-richpanel-webhook-token", kToken}},
       R"({"ticket_id":"t-3"})",
       202},
      {"not json content type",
       "POST",
       "/webhooks/richpanel",
       "",
       {{"content-type", "text/plain"}, {"x-middleware-token", kToken}},
       body,
       415},
      {"invalid json", "POST", "/webhooks/richpanel", "", good_headers(), "{\"ticket_id\":", 400},
      {"not an object", "POST", "/webhooks/richpanel", "", good_headers(), "[1]", 400},
      {"missing ticket id", "POST", "/webhooks/richpanel", "", good_headers(), R"({"a":1})", 400},
      {"too large", "POST", "/webhooks/richpanel", "", good_headers(),
       R"({"ticket_id":"t-9","pad":")" + std::string(33 * 1024, 'x') + "\"}", 413},
      {"too large, no token",
       "POST",
       "/webhooks/richpanel",
       "",
       {{"content-type", "application/json"}},
       std::string(40 * 1024, 'x'),
       413},
      {"wrong method", "GET", "/webhooks/richpanel", "", good_headers(), "", 405},
      {"unknown path", "POST", "/nope", "", good_headers(), body, 404},
      {"accepted again", "POST", "/webhooks/richpanel", "", good_headers(),
       R"({"ticket_id":"t-4"})", 202},
      {"backpressure", "POST", "/webhooks/richpanel", "", good_headers(), R"({"ticket_id":"t-5"})",
       503},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const Answer server = via_server(routes, c);
    const Answer lambda = via_lambda(handler, c);
    CHECK(server.status == c.expected_status);
    CHECK(lambda.status == server.status);
    CHECK(lambda.body == server.body);
    CHECK(lambda.retry_after == server.retry_after);
    CHECK(lambda.allow == server.allow);
    server_stack.clock.advance(std::chrono::milliseconds(10));
    lambda_stack.clock.advance(std::chrono::milliseconds(10));
  }
  CHECK(server_stack.queue.stats()->depth == lambda_stack.queue.stats()->depth);
}

TEST_CASE("lambda ingress: a base64 body is decoded before the checks") {
  Stack stack;
  IngressHandler handler(stack.ingress, stack.metrics);
  auto answer = handler.handle(R"({"version":"2.0","rawPath":"/webhooks/richpanel",
    "headers":{"Content-Type":"application/json","X-Middleware-Token":")" +
                               std::string(kToken) + R"("},
    "requestContext":{"http":{"method":"POST","sourceIp":"192.0.2.1"}},
    "body":"eyJ0aWNrZXRfaWQiOiJ0LTEifQ==","isBase64Encoded":true})");
  REQUIRE(answer.has_value());
  const auto v = boost::json::parse(*answer);
  CHECK(v.at("statusCode").as_int64() == 202);
  CHECK(stack.queue.stats()->depth == 1);

  auto invalid = handler.handle(R"({"rawPath":"/webhooks/richpanel",
    "headers":{"content-type":"application/json","x-middleware-token":")" +
                                std::string(kToken) + R"("},
    "requestContext":{"http":{"method":"POST"}},"body":"%%%","isBase64Encoded":true})");
  REQUIRE(invalid.has_value());
  CHECK(boost::json::parse(*invalid).at("statusCode").as_int64() == 400);
  CHECK(stack.queue.stats()->depth == 1);

  auto not_an_event = handler.handle("[]");
  REQUIRE_FALSE(not_an_event.has_value());
  CHECK(not_an_event.error().code == "apigw_event_invalid");
}

TEST_CASE("lambda ingress: the webhook token is checked before any queue call") {
  rpmw::fakes::FakeClock clock;
  rpmw::fakes::SeededRandom random{2};
  rpmw::fakes::InMemoryEventQueue inner(clock, random);
  CountingQueue queue(inner);
  rpmw::fakes::RecordingEventLog log;
  rpmw::adapters::observability::PrometheusMetrics metrics;
  RateLimiter limiter({}, clock);
  Ingress ingress(Stack::settings(), Authenticator(Stack::auth(), clock), limiter, queue, clock,
                  random, log, metrics);
  IngressHandler handler(ingress, metrics);
  ApiGatewayRequest request;
  request.method = "POST";
  request.path = "/webhooks/richpanel";
  request.headers = {{"content-type", "application/json"}, {"x-middleware-token", "wrong"}};
  request.body = R"({"ticket_id":"t-1"})";
  CHECK(handler.respond(request).status == 401);
  CHECK(queue.calls == 0);
  request.headers = good_headers();
  CHECK(handler.respond(request).status == 202);
  CHECK(queue.calls > 0);
}
