#include "core/ingest/ingress.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "adapters/observability/prometheus_metrics.h"
#include "core/common/crypto.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/in_memory_queue.h"
#include "tests/fakes/recording_event_log.h"

namespace json = boost::json;
using rpmw::adapters::observability::PrometheusMetrics;
using rpmw::core::ErrorKind;
using rpmw::core::ingest::Authenticator;
using rpmw::core::ingest::AuthSettings;
using rpmw::core::ingest::Ingress;
using rpmw::core::ingest::IngressRequest;
using rpmw::core::ingest::IngressResponse;
using rpmw::core::ingest::IngressSettings;
using rpmw::core::ingest::RateLimiter;
using rpmw::core::ingest::RateLimitSettings;
using rpmw::fakes::FakeClock;
using rpmw::fakes::InMemoryEventQueue;
using rpmw::fakes::RecordingEventLog;
using rpmw::fakes::SeededRandom;

namespace {

constexpr std::string_view kToken = "ingress-test-token-0123456789";
constexpr std::string_view kBody = R"({"ticket_id":"t-1","message_id":"<m-1@mail>"})";

AuthSettings default_auth() {
  AuthSettings auth;
  auth.tokens = {std::string(kToken)};
  return auth;
}

struct Options {
  AuthSettings auth = default_auth();
  RateLimitSettings rate{};
  IngressSettings settings{};
};

struct Harness {
  explicit Harness(Options options = {})
      : limiter(options.rate, clock),
        ingress(options.settings, Authenticator(options.auth, clock), limiter, queue, clock, random,
                log, metrics) {}

  std::int64_t depth() {
    auto stats = queue.stats();
    REQUIRE(stats.has_value());
    return stats->depth;
  }
  double requests(const std::string& result) {
    return metrics.value("rpmw_ingress_requests_total", {{"result", result}});
  }

  FakeClock clock;
  SeededRandom random{1};
  InMemoryEventQueue queue{clock, random};
  RecordingEventLog log;
  PrometheusMetrics metrics;
  RateLimiter limiter;
  Ingress ingress;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// `body` must outlive the request (IngressRequest holds a view).
IngressRequest request(std::string_view body,
                       Headers headers = {{"content-type", "application/json"},
                                          {"x-middleware-token", std::string(kToken)}}) {
  IngressRequest r;
  r.source = "10.0.0.1";
  r.headers = std::move(headers);
  r.body = body;
  return r;
}

json::object body_of(const IngressResponse& response) {
  json::value v = json::parse(response.body);
  REQUIRE(v.is_object());
  return v.as_object();
}

std::string error_of(const IngressResponse& response) {
  auto obj = body_of(response);
  REQUIRE(obj.contains("error"));
  return std::string(obj.at("error").as_string());
}

}  // namespace

TEST_CASE("core/ingest: Ingress accepts a valid webhook with 202 after a durable enqueue") {
  Harness h;
  const IngressResponse response = h.ingress.handle(request(kBody));
  CHECK(response.status == 202);
  CHECK(response.result == "accepted");
  CHECK_FALSE(response.retry_after_s.has_value());
  auto body = body_of(response);
  CHECK(body.at("status").as_string() == "accepted");
  CHECK(std::string(body.at("event_id").as_string()) == response.event_id);
  CHECK(std::string(body.at("trace_id").as_string()) == response.trace_id);
  CHECK(response.event_id.rfind("evt_", 0) == 0);
  CHECK(response.trace_id.rfind("trc_", 0) == 0);
  CHECK(response.trace_id.size() == 30);

  CHECK(h.depth() == 1);
  auto received = h.queue.receive(10, std::chrono::seconds(30), std::chrono::milliseconds(0));
  REQUIRE(received.has_value());
  REQUIRE(received->size() == 1);
  const auto& message = received->front();
  CHECK(message.group == "t-1");
  CHECK(message.event_id == response.event_id);
  CHECK(message.trace_id == response.trace_id);
  CHECK(message.dedup_key.rfind("msg:", 0) == 0);
  auto envelope = rpmw::core::ingest::decode_envelope(message.body);
  REQUIRE(envelope.has_value());
  CHECK(envelope->webhook.ticket_id == "t-1");
  CHECK(envelope->webhook.message_id == "<m-1@mail>");
  CHECK(envelope->trace_id == response.trace_id);
  CHECK(envelope->received_at_ms == rpmw::core::to_epoch_ms(h.clock.now()));

  CHECK(h.requests("accepted") == 1);
  CHECK(h.log.count("ingress.enqueue.success") == 1);
  CHECK(h.log.count("ingress.request.rejected") == 0);
}

TEST_CASE("core/ingest: Ingress answers 200 duplicate and enqueues nothing the second time") {
  Harness h;
  const IngressResponse first = h.ingress.handle(request(kBody));
  REQUIRE(first.status == 202);
  // The same message again, with other fields: still the same message id on the same ticket.
  const IngressResponse second = h.ingress.handle(
      request(R"({"ticket_id":"t-1","message_id":"<m-1@mail>","trigger":"resent"})"));
  CHECK(second.status == 200);
  CHECK(second.result == "duplicate");
  auto body = body_of(second);
  CHECK(body.at("status").as_string() == "duplicate");
  CHECK(std::string(body.at("event_id").as_string()) == first.event_id);
  CHECK(second.event_id == first.event_id);
  CHECK(h.depth() == 1);
  CHECK(h.requests("accepted") == 1);
  CHECK(h.requests("duplicate") == 1);
  auto logged = h.log.find("system.idempotency.duplicate_event_detected");
  REQUIRE(logged.has_value());
  CHECK(rpmw::fakes::field_text(*logged, "step") == "ingress");
  CHECK(rpmw::fakes::field_text(*logged, "event_id") == first.event_id);

  // The same message id on another ticket is another event.
  const IngressResponse other =
      h.ingress.handle(request(R"({"ticket_id":"t-2","message_id":"<m-1@mail>"})"));
  CHECK(other.status == 202);
  CHECK(h.depth() == 2);
}

TEST_CASE("core/ingest: Ingress answers 400 with the validation code") {
  struct Case {
    std::string body;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"{not json", "invalid_json"},
      {"", "invalid_json"},
      {R"(["t-1"])", "not_an_object"},
      {R"("t-1")", "not_an_object"},
      {"12", "not_an_object"},
      {R"({"a":)" + std::string(40, '[') + std::string(40, ']') + "}", "too_deep"},
      {R"({"message_id":"m"})", "missing_ticket_id"},
      {R"({"ticket_id":null})", "missing_ticket_id"},
      {R"({"ticket_id":5})", "invalid_ticket_id"},
      {R"({"ticket_id":""})", "invalid_ticket_id"},
      {R"({"ticket_id":")" + std::string(513, 'x') + R"("})", "invalid_ticket_id"},
  };
  Harness h;
  for (const Case& c : cases) {
    CAPTURE(c.code);
    const IngressResponse response = h.ingress.handle(request(c.body));
    CHECK(response.status == 400);
    CHECK(response.result == c.code);
    CHECK(error_of(response) == c.code);
    CHECK(body_of(response).contains("detail"));
    CHECK_FALSE(response.retry_after_s.has_value());
  }
  CHECK(h.depth() == 0);
  CHECK(h.requests("invalid_json") == 2);
  CHECK(h.requests("not_an_object") == 3);
  CHECK(h.requests("too_deep") == 1);
  CHECK(h.requests("missing_ticket_id") == 2);
  CHECK(h.requests("invalid_ticket_id") == 3);
  CHECK(h.log.count("ingress.request.rejected") == cases.size());
}

TEST_CASE("core/ingest: Ingress answers 401 without hinting which check failed") {
  Harness h;
  const std::string wrong = "wrong-token-but-long-enough-000";
  for (const Headers& headers :
       {Headers{{"content-type", "application/json"}},
        Headers{{"content-type", "application/json"}, {"x-middleware-token", wrong}},
        Headers{{"content-type", "application/json"}, {"x-middleware-token", ""}},
        Headers{{"content-type", "application/json"}, {"authorization", std::string(kToken)}}}) {
    const IngressResponse response = h.ingress.handle(request(kBody, headers));
    CHECK(response.status == 401);
    CHECK(response.result == "unauthorized");
    CHECK(response.body == R"({"error":"unauthorized"})");
  }
  CHECK(h.depth() == 0);
  CHECK(h.requests("unauthorized") == 4);
  CHECK(h.metrics.value("rpmw_auth_failures_total") == 4);
  // The presented token is never logged.
  for (const auto& event : h.log.events()) {
    for (const auto& field : event.fields()) {
      if (const auto* s = std::get_if<std::string>(&field.value)) {
        CHECK(s->find(wrong) == std::string::npos);
      }
    }
  }
}

TEST_CASE("core/ingest: Ingress accepts x-richpanel-webhook-token next to a custom header") {
  Options options;
  options.auth.token_header = "x-custom-token";
  Harness h(options);
  const std::string t(kToken);
  CHECK(h.ingress
            .handle(request(R"({"ticket_id":"t-1"})",
                            {{"content-type", "application/json"}, {"x-custom-token", t}}))
            .status == 202);
  CHECK(h.ingress
            .handle(request(R"({"ticket_id":"t-2"})", {{"content-type", "application/json"},
                                                       {"x-richpanel-webhook-token", t}}))
            .status == 202);
  // The default name is not looked at once another one is configured.
  CHECK(h.ingress
            .handle(request(R"({"ticket_id":"t-3"})",
                            {{"content-type", "application/json"}, {"x-middleware-token", t}}))
            .status == 401);
  // A wrong custom header does not hide a good Richpanel one.
  CHECK(h.ingress
            .handle(request(R"({"ticket_id":"t-4"})", {{"content-type", "application/json"},
                                                       {"x-custom-token", "nope"},
                                                       {"x-richpanel-webhook-token", t}}))
            .status == 202);
  CHECK(h.depth() == 3);
}

TEST_CASE("core/ingest: Ingress query token only when enabled, percent-decoded") {
  Options options;
  options.auth.tokens = {"query+token/with=odd&chars"};
  SUBCASE("enabled") {
    options.auth.query_token_enabled = true;
    Harness h(options);
    IngressRequest r = request(kBody, {{"content-type", "application/json"}});
    r.query = "a=1&token=query%2Btoken%2Fwith%3Dodd%26chars&b=2";
    CHECK(h.ingress.handle(r).status == 202);
    r.query = "token=wrong";
    CHECK(h.ingress.handle(r).status == 401);
  }
  SUBCASE("disabled") {
    Harness h(options);
    IngressRequest r = request(kBody, {{"content-type", "application/json"}});
    r.query = "token=query%2Btoken%2Fwith%3Dodd%26chars";
    CHECK(h.ingress.handle(r).status == 401);
    CHECK(h.depth() == 0);
  }
}

TEST_CASE("core/ingest: query_param finds and decodes one parameter") {
  using rpmw::core::ingest::query_param;
  CHECK(query_param("token=abc", "token") == "abc");
  CHECK(query_param("a=1&token=x%20y+z&token=second", "token") == "x y z");
  CHECK(query_param("tokens=1&xtoken=2", "token") == "");
  CHECK(query_param("token", "token") == "");
  CHECK(query_param("", "token") == "");
  CHECK(query_param("token=%zz%4", "token") == "%zz%4");  // bad escapes stay as they are
}

TEST_CASE("core/ingest: Ingress accepts HMAC-signed requests") {
  Options options;
  options.auth.tokens.clear();
  options.auth.hmac_secrets = {"hmac-secret"};
  Harness h(options);
  const std::string ts = std::to_string(rpmw::core::to_epoch_ms(h.clock.now()) / 1000);
  const std::string body(kBody);
  const std::string sig = "sha256=" + rpmw::core::hmac_sha256_hex("hmac-secret", ts + "." + body);
  CHECK(h.ingress
            .handle(request(
                body,
                {{"content-type", "application/json"}, {"x-timestamp", ts}, {"x-signature", sig}}))
            .status == 202);
  h.clock.advance(std::chrono::seconds(301));  // replayed later: outside the window
  CHECK(h.ingress
            .handle(request(
                body,
                {{"content-type", "application/json"}, {"x-timestamp", ts}, {"x-signature", sig}}))
            .status == 401);
}

TEST_CASE("core/ingest: Ingress checks the media type (415)") {
  Harness h;
  const std::string t(kToken);
  auto with_type = [&](std::string type) {
    return h.ingress.handle(
        request(kBody, {{"content-type", std::move(type)}, {"x-middleware-token", t}}));
  };
  for (const char* bad : {"text/plain", "application/jsonx", "application/x-www-form-urlencoded",
                          "", "json", "application/json-patch+json"}) {
    CAPTURE(bad);
    const IngressResponse response = with_type(bad);
    CHECK(response.status == 415);
    CHECK(error_of(response) == "unsupported_media_type");
  }
  const IngressResponse missing = h.ingress.handle(request(kBody, {{"x-middleware-token", t}}));
  CHECK(missing.status == 415);
  CHECK(h.depth() == 0);
  CHECK(h.requests("unsupported_media_type") == 7);

  CHECK(with_type("application/json; charset=utf-8").status == 202);
  CHECK(h.depth() == 1);
  // Same message id: a duplicate, but the media type check passed.
  CHECK(with_type("Application/JSON").status == 200);
  CHECK(with_type(" application/json ;charset=UTF-8").status == 200);
}

TEST_CASE("core/ingest: Ingress refuses bodies over the limit (413)") {
  Options options;
  options.settings.limits.max_body_bytes = 64;
  Harness h(options);
  const std::string big = R"({"ticket_id":"t-1","pad":")" + std::string(64, 'x') + R"("})";
  const IngressResponse response = h.ingress.handle(request(big));
  CHECK(response.status == 413);
  CHECK(error_of(response) == "payload_too_large");
  CHECK(h.depth() == 0);

  // Exactly at the limit is fine.
  std::string exact = R"({"ticket_id":"t-1","pad":")";
  exact += std::string(64 - exact.size() - 2, 'x') + R"("})";
  REQUIRE(exact.size() == 64);
  CHECK(h.ingress.handle(request(exact)).status == 202);

  const IngressResponse early = h.ingress.reject_too_large("10.0.0.9");
  CHECK(early.status == 413);
  CHECK(error_of(early) == "payload_too_large");
  CHECK(early.trace_id.rfind("trc_", 0) == 0);
  CHECK(h.requests("payload_too_large") == 2);
  CHECK(h.depth() == 1);
}

TEST_CASE("core/ingest: Ingress throttles with 429 and a Retry-After") {
  Options options;
  options.rate.global_rate = 0;
  options.rate.per_source_rate = 0.5;
  options.rate.per_source_burst = 1;
  Harness h(options);
  CHECK(h.ingress.handle(request(R"({"ticket_id":"t-1"})")).status == 202);
  const IngressResponse throttled = h.ingress.handle(request(R"({"ticket_id":"t-2"})"));
  CHECK(throttled.status == 429);
  CHECK(error_of(throttled) == "rate_limited");
  REQUIRE(throttled.retry_after_s.has_value());
  CHECK(*throttled.retry_after_s == 2);
  CHECK(h.depth() == 1);
  CHECK(h.requests("rate_limited") == 1);

  h.clock.advance(std::chrono::milliseconds(1500));
  const IngressResponse sooner = h.ingress.handle(request(R"({"ticket_id":"t-2"})"));
  REQUIRE(sooner.retry_after_s.has_value());
  CHECK(*sooner.retry_after_s == 1);  // 500 ms rounds up to one second, never 0

  h.clock.advance(std::chrono::milliseconds(500));
  CHECK(h.ingress.handle(request(R"({"ticket_id":"t-2"})")).status == 202);

  // Another source is not affected.
  IngressRequest other = request(R"({"ticket_id":"t-3"})");
  other.source = "10.0.0.2";
  CHECK(h.ingress.handle(other).status == 202);
}

TEST_CASE("core/ingest: Ingress answers 503 queue_full over the configured depth") {
  Options options;
  options.settings.max_queue_depth = 2;
  options.settings.depth_refresh = std::chrono::milliseconds(0);
  options.settings.backpressure_retry_after = std::chrono::seconds(7);
  Harness h(options);
  CHECK(h.ingress.handle(request(R"({"ticket_id":"t-1"})")).status == 202);
  CHECK(h.ingress.handle(request(R"({"ticket_id":"t-2"})")).status == 202);
  const IngressResponse full = h.ingress.handle(request(R"({"ticket_id":"t-3"})"));
  CHECK(full.status == 503);
  CHECK(error_of(full) == "queue_full");
  REQUIRE(full.retry_after_s.has_value());
  CHECK(*full.retry_after_s == 7);
  CHECK(h.depth() == 2);
  CHECK(h.requests("queue_full") == 1);

  // Draining one message makes room again (refresh 0: the depth is read every time).
  auto received = h.queue.receive(1, std::chrono::seconds(30), std::chrono::milliseconds(0));
  REQUIRE(received.has_value());
  REQUIRE(received->size() == 1);
  REQUIRE(h.queue.ack(received->front().receipt).has_value());
  CHECK(h.ingress.handle(request(R"({"ticket_id":"t-3"})")).status == 202);
}

TEST_CASE("core/ingest: Ingress caches the queue depth for depth_refresh") {
  Options options;
  options.settings.max_queue_depth = 1;
  options.settings.depth_refresh = std::chrono::milliseconds(250);
  Harness h(options);
  CHECK(h.ingress.handle(request(R"({"ticket_id":"t-1"})")).status == 202);
  // The cached depth (0) is still fresh: the next one is admitted too.
  CHECK(h.ingress.handle(request(R"({"ticket_id":"t-2"})")).status == 202);
  h.clock.advance(std::chrono::milliseconds(250));
  CHECK(h.ingress.handle(request(R"({"ticket_id":"t-3"})")).status == 503);
}

TEST_CASE("core/ingest: Ingress answers 503 enqueue_failed when the queue fails") {
  Harness h;
  h.queue.fail_next(rpmw::core::Error{ErrorKind::unavailable, "sqlite_full", {}}, "enqueue");
  const IngressResponse response = h.ingress.handle(request(kBody));
  CHECK(response.status == 503);
  CHECK(error_of(response) == "enqueue_failed");
  REQUIRE(response.retry_after_s.has_value());
  CHECK(*response.retry_after_s == 5);
  CHECK(h.depth() == 0);
  CHECK(h.requests("enqueue_failed") == 1);
  auto logged = h.log.find("ingress.enqueue.failed");
  REQUIRE(logged.has_value());
  CHECK(logged->level() == rpmw::core::LogLevel::error);
  CHECK(rpmw::fakes::field_text(*logged, "result") == "sqlite_full");

  // The failure is not remembered: a retry by the sender succeeds and is not a duplicate.
  CHECK(h.ingress.handle(request(kBody)).status == 202);
}

TEST_CASE("core/ingest: Ingress checks in order: throttle, auth, media type, size, body") {
  SUBCASE("unauthenticated with a bad content type gets 401") {
    Harness h;
    const auto r = h.ingress.handle(request(kBody, {{"content-type", "text/plain"}}));
    CHECK(r.status == 401);
  }
  SUBCASE("unauthenticated, too large and invalid gets 401") {
    Options options;
    options.settings.limits.max_body_bytes = 8;
    Harness h(options);
    const auto r = h.ingress.handle(request("{{{{{{{{{{{{{{", {{"content-type", "text/plain"}}));
    CHECK(r.status == 401);
  }
  SUBCASE("a throttled request gets 429 before auth") {
    Options options;
    options.rate.global_rate = 1;
    options.rate.global_burst = 1;
    Harness h(options);
    CHECK(h.ingress.handle(request(kBody)).status == 202);
    const auto r = h.ingress.handle(request(kBody, {{"content-type", "text/plain"}}));
    CHECK(r.status == 429);
    CHECK(h.metrics.value("rpmw_auth_failures_total") == 0);
  }
  SUBCASE("bad media type before size and JSON") {
    Options options;
    options.settings.limits.max_body_bytes = 8;
    Harness h(options);
    const auto r =
        h.ingress.handle(request("{{{{{{{{{{{{{{", {{"content-type", "text/plain"},
                                                    {"x-middleware-token", std::string(kToken)}}));
    CHECK(r.status == 415);
  }
  SUBCASE("size before JSON") {
    Options options;
    options.settings.limits.max_body_bytes = 8;
    Harness h(options);
    CHECK(h.ingress.handle(request("{{{{{{{{{{{{{{")).status == 413);
  }
  SUBCASE("JSON before queue depth") {
    Options options;
    options.settings.max_queue_depth = 1;
    options.settings.depth_refresh = std::chrono::milliseconds(0);
    Harness h(options);
    CHECK(h.ingress.handle(request(kBody)).status == 202);
    CHECK(h.ingress.handle(request("[]")).status == 400);
    CHECK(h.ingress.handle(request(R"({"ticket_id":"t-9"})")).status == 503);
  }
}

TEST_CASE("core/ingest: Ingress logs no customer data") {
  const std::string email = "jane.doe@example.com";
  const std::string phone = "+1 (555) 867-5309";
  const std::string street = "742 Evergreen Terrace";
  const std::string name = "Jane Doe";
  const std::string body = R"({"ticket_id":"t-1","message_id":"<m-1@mail>","channel":"email",)"
                           R"("customer_message":"Hi, I am )" +
                           name + ", write to " + email + " or call " + phone + ", I live at " +
                           street + R"( Springfield","sent_at":"2026-01-01T00:00:00Z"})";
  Harness h;
  CHECK(h.ingress.handle(request(body)).status == 202);
  CHECK(h.ingress.handle(request(body)).status == 200);  // duplicate path
  h.queue.fail_next(rpmw::core::Error{ErrorKind::transient, "busy", {}}, "enqueue");
  const std::string other = R"({"ticket_id":"t-2","message":")" + email + " " + phone + R"("})";
  CHECK(h.ingress.handle(request(other)).status == 503);  // failure path
  CHECK(h.ingress.handle(request(other, {{"content-type", "application/json"}})).status == 401);

  const auto events = h.log.events();
  REQUIRE(events.size() >= 4);
  for (const auto& event : events) {
    CAPTURE(event.event());
    for (const auto& field : event.fields()) {
      CAPTURE(field.key);
      if (const auto* s = std::get_if<std::string>(&field.value)) {
        for (const std::string& needle :
             {email, phone, street, name, std::string("867-5309"), std::string("Evergreen"),
              std::string("jane.doe"), std::string("Springfield")}) {
          CHECK(s->find(needle) == std::string::npos);
        }
      }
    }
  }
}
