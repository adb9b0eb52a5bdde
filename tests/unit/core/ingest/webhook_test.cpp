#include "core/ingest/webhook.h"

#include <doctest/doctest.h>

#include <string>

using rpmw::core::ErrorKind;
using rpmw::core::ingest::decode_envelope;
using rpmw::core::ingest::encode_envelope;
using rpmw::core::ingest::Envelope;
using rpmw::core::ingest::ingress_dedup_key;
using rpmw::core::ingest::parse_webhook;
using rpmw::core::ingest::WebhookEvent;
using rpmw::core::ingest::WebhookLimits;

namespace {

std::string error_code(std::string_view body, const WebhookLimits& limits = {}) {
  auto parsed = parse_webhook(body, limits);
  if (parsed) return "ok";
  return parsed.error().code;
}

// A ticket object whose `nest` field holds `levels` nested arrays: total depth levels + 1.
std::string nested_body(int levels) {
  return R"({"ticket_id":"t-1","nest":)" + std::string(levels, '[') + std::string(levels, ']') +
         "}";
}

}  // namespace

TEST_CASE("core/ingest: parse_webhook rejects invalid JSON") {
  CHECK(error_code("") == "invalid_json");
  CHECK(error_code("{") == "invalid_json");
  CHECK(error_code(R"({"ticket_id":"t-1",})") == "invalid_json");
  CHECK(error_code("ticket_id=t-1") == "invalid_json");
  CHECK(error_code(R"({"ticket_id":"t-1"} trailing)") == "invalid_json");
  CHECK(error_code("{\"ticket_id\":\"t\x01\"}") == "invalid_json");  // raw control character
}

TEST_CASE("core/ingest: parse_webhook requires a JSON object") {
  CHECK(error_code("[]") == "not_an_object");
  CHECK(error_code(R"([{"ticket_id":"t-1"}])") == "not_an_object");
  CHECK(error_code(R"("t-1")") == "not_an_object");
  CHECK(error_code("42") == "not_an_object");
  CHECK(error_code("-1.5") == "not_an_object");
  CHECK(error_code("true") == "not_an_object");
  CHECK(error_code("null") == "not_an_object");
}

TEST_CASE("core/ingest: parse_webhook bounds the nesting depth") {
  WebhookLimits limits;
  REQUIRE(limits.max_depth == 16);
  CHECK(error_code(nested_body(15), limits) == "ok");        // depth 16: at the limit
  CHECK(error_code(nested_body(16), limits) == "too_deep");  // depth 17: one past it
  CHECK(error_code(nested_body(200), limits) == "too_deep");

  limits.max_depth = 3;
  CHECK(error_code(nested_body(2), limits) == "ok");
  CHECK(error_code(nested_body(3), limits) == "too_deep");
  CHECK(error_code(R"({"ticket_id":"t-1","a":{"b":{"c":1}}})", limits) == "ok");
  CHECK(error_code(R"({"ticket_id":"t-1","a":{"b":{"c":{}}}})", limits) == "too_deep");
}

TEST_CASE("core/ingest: parse_webhook requires a ticket id") {
  CHECK(error_code("{}") == "missing_ticket_id");
  CHECK(error_code(R"({"ticket":"t-1","message_id":"m"})") == "missing_ticket_id");
  CHECK(error_code(R"({"ticket_id":null})") == "missing_ticket_id");
  CHECK(error_code(R"({"conversation_id":null})") == "missing_ticket_id");
  CHECK(error_code(R"({"ticket_id":null,"conversation_id":null})") == "missing_ticket_id");
}

TEST_CASE("core/ingest: parse_webhook validates the ticket id") {
  CHECK(error_code(R"({"ticket_id":12345})") == "invalid_ticket_id");
  CHECK(error_code(R"({"ticket_id":1.5})") == "invalid_ticket_id");
  CHECK(error_code(R"({"ticket_id":true})") == "invalid_ticket_id");
  CHECK(error_code(R"({"ticket_id":["t-1"]})") == "invalid_ticket_id");
  CHECK(error_code(R"({"ticket_id":{"id":"t-1"}})") == "invalid_ticket_id");
  CHECK(error_code(R"({"ticket_id":""})") == "invalid_ticket_id");
  CHECK(error_code(R"({"conversation_id":7})") == "invalid_ticket_id");

  const std::string max_id(512, 'a');
  auto at_limit = parse_webhook(R"({"ticket_id":")" + max_id + R"("})", {});
  REQUIRE(at_limit.has_value());
  CHECK(at_limit->ticket_id == max_id);

  const std::string too_long(513, 'a');
  CHECK(error_code(R"({"ticket_id":")" + too_long + R"("})") == "invalid_ticket_id");
}

TEST_CASE("core/ingest: parse_webhook error details never echo the input") {
  const std::string secret = "jane.doe@example.com";
  for (const std::string& body :
       {std::string("{\"ticket_id\":\"") + secret, std::string("[\"") + secret + "\"]",
        std::string(R"({"ticket_id":")") + std::string(600, 'x') + secret + "\"}",
        std::string(R"({"customer_message":")") + secret + "\"}"}) {
    auto parsed = parse_webhook(body, {});
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().detail.find(secret) == std::string::npos);
    CHECK_FALSE(parsed.error().detail.empty());
  }
}

TEST_CASE("core/ingest: parse_webhook accepts conversation_id as the ticket id") {
  auto parsed = parse_webhook(R"({"conversation_id":"conv-9"})", {});
  REQUIRE(parsed.has_value());
  CHECK(parsed->ticket_id == "conv-9");

  auto both = parse_webhook(R"({"ticket_id":"t-1","conversation_id":"conv-9"})", {});
  REQUIRE(both.has_value());
  CHECK(both->ticket_id == "t-1");

  auto null_primary = parse_webhook(R"({"ticket_id":null,"conversation_id":"conv-9"})", {});
  REQUIRE(null_primary.has_value());
  CHECK(null_primary->ticket_id == "conv-9");
}

TEST_CASE("core/ingest: parse_webhook keeps Message-ID ticket ids byte for byte") {
  for (const std::string id : {"<CAF1x9Qp7=abc+x@mail.gmail.com>", "<a.b-c_d/e%20f@[127.0.0.1]>",
                               "  spaced id  ", "caf\xc3\xa9-\xe2\x9c\x93"}) {
    // Build the JSON with the id escaped only where JSON requires it (none of these need it).
    auto parsed = parse_webhook(R"({"ticket_id":")" + id + R"("})", {});
    REQUIRE(parsed.has_value());
    CHECK(parsed->ticket_id == id);
  }
  // JSON escapes decode to the characters they stand for.
  auto escaped = parse_webhook(R"({"ticket_id":"<a\"b\\c\u00e9@x>"})", {});
  REQUIRE(escaped.has_value());
  CHECK(escaped->ticket_id == "<a\"b\\c\xc3\xa9@x>");
}

TEST_CASE("core/ingest: parse_webhook reads the optional fields") {
  auto parsed = parse_webhook(R"({
    "ticket_id": "t-1",
    "message_id": "<m-1@mail>",
    "event_type": "customer_message",
    "ticket_url": "https://app.richpanel.com/t/1",
    "ticket_number": "1001",
    "channel": "email",
    "customer_message": "Where is my order?",
    "sent_at": "2026-01-01T00:00:00Z"
  })",
                              {});
  REQUIRE(parsed.has_value());
  CHECK(parsed->ticket_id == "t-1");
  CHECK(parsed->message_id == "<m-1@mail>");
  CHECK(parsed->event_type == "customer_message");
  CHECK(parsed->ticket_url == "https://app.richpanel.com/t/1");
  CHECK(parsed->ticket_number == "1001");
  CHECK(parsed->channel == "email");
  CHECK(parsed->customer_message == "Where is my order?");
  CHECK(parsed->sent_at == "2026-01-01T00:00:00Z");

  auto minimal = parse_webhook(R"({"ticket_id":"t-2"})", {});
  REQUIRE(minimal.has_value());
  CHECK(minimal->message_id.empty());
  CHECK(minimal->event_type.empty());
  CHECK(minimal->ticket_url.empty());
  CHECK(minimal->ticket_number.empty());
  CHECK(minimal->channel.empty());
  CHECK(minimal->customer_message.empty());
  CHECK(minimal->sent_at.empty());
}

TEST_CASE("core/ingest: parse_webhook accepts the trigger and message aliases") {
  auto aliases =
      parse_webhook(R"({"ticket_id":"t-1","trigger":"customer_message","message":"hi"})", {});
  REQUIRE(aliases.has_value());
  CHECK(aliases->event_type == "customer_message");
  CHECK(aliases->customer_message == "hi");

  auto primary_wins = parse_webhook(
      R"({"ticket_id":"t-1","event_type":"a","trigger":"b","customer_message":"c","message":"d"})",
      {});
  REQUIRE(primary_wins.has_value());
  CHECK(primary_wins->event_type == "a");
  CHECK(primary_wins->customer_message == "c");

  auto empty_primary = parse_webhook(R"({"ticket_id":"t-1","event_type":"","trigger":"b"})", {});
  REQUIRE(empty_primary.has_value());
  CHECK(empty_primary->event_type == "b");
}

TEST_CASE("core/ingest: parse_webhook takes numbers as text and ignores unknown fields") {
  auto parsed = parse_webhook(R"({
    "ticket_id": "t-1",
    "ticket_number": 12345,
    "message_id": 18446744073709551615,
    "unknown": {"deep": [1, 2, {"x": null}]},
    "channel": null,
    "sent_at": false,
    "extra": "ignored"
  })",
                              {});
  REQUIRE(parsed.has_value());
  CHECK(parsed->ticket_number == "12345");
  CHECK(parsed->message_id == "18446744073709551615");
  CHECK(parsed->channel.empty());
  CHECK(parsed->sent_at.empty());

  auto negative = parse_webhook(R"({"ticket_id":"t-1","ticket_number":-7})", {});
  REQUIRE(negative.has_value());
  CHECK(negative->ticket_number == "-7");
}

TEST_CASE("core/ingest: envelope encode/decode round trip keeps every field") {
  Envelope envelope;
  envelope.webhook.ticket_id = "<CAF1x9Qp7=abc+x@mail.gmail.com>";
  envelope.webhook.message_id = "<m-1@mail>";
  envelope.webhook.event_type = "customer_message";
  envelope.webhook.ticket_url = "https://app.richpanel.com/t/1";
  envelope.webhook.ticket_number = "1001";
  envelope.webhook.channel = "email";
  envelope.webhook.customer_message = "Hello \"there\"\nline two \xc3\xa9";
  envelope.webhook.sent_at = "2026-01-01T00:00:00Z";
  envelope.trace_id = "trc_01ARZ3NDEKTSV4RRFFQ69G5FAV";
  envelope.received_at_ms = 1'767'225'600'123;

  auto decoded = decode_envelope(encode_envelope(envelope));
  REQUIRE(decoded.has_value());
  CHECK(decoded->trace_id == envelope.trace_id);
  CHECK(decoded->received_at_ms == envelope.received_at_ms);
  const WebhookEvent& w = decoded->webhook;
  CHECK(w.ticket_id == envelope.webhook.ticket_id);
  CHECK(w.message_id == envelope.webhook.message_id);
  CHECK(w.event_type == envelope.webhook.event_type);
  CHECK(w.ticket_url == envelope.webhook.ticket_url);
  CHECK(w.ticket_number == envelope.webhook.ticket_number);
  CHECK(w.channel == envelope.webhook.channel);
  CHECK(w.customer_message == envelope.webhook.customer_message);
  CHECK(w.sent_at == envelope.webhook.sent_at);

  Envelope minimal;
  minimal.webhook.ticket_id = "t-2";
  const std::string encoded = encode_envelope(minimal);
  CHECK(encoded.find("message_id") == std::string::npos);  // empty fields are left out
  auto minimal_back = decode_envelope(encoded);
  REQUIRE(minimal_back.has_value());
  CHECK(minimal_back->webhook.ticket_id == "t-2");
  CHECK(minimal_back->webhook.customer_message.empty());
}

TEST_CASE("core/ingest: decode_envelope rejects garbage as a permanent error") {
  for (const char* text : {"", "not json", "[]", "\"text\"", "{\"ticket_id\":"}) {
    auto decoded = decode_envelope(text);
    REQUIRE_FALSE(decoded.has_value());
    CHECK(decoded.error().kind == ErrorKind::permanent);
    CHECK(decoded.error().code == "envelope_invalid_json");
  }
  for (const char* text :
       {"{}", R"({"v":1,"trace_id":"trc_x"})", R"({"ticket_id":""})", R"({"ticket_id":null})"}) {
    auto decoded = decode_envelope(text);
    REQUIRE_FALSE(decoded.has_value());
    CHECK(decoded.error().kind == ErrorKind::permanent);
    CHECK(decoded.error().code == "envelope_missing_ticket_id");
  }
}

TEST_CASE("core/ingest: ingress_dedup_key scopes message ids to the ticket") {
  WebhookEvent a;
  a.ticket_id = "t-1";
  a.message_id = "<m-1@mail>";
  WebhookEvent b = a;
  b.ticket_id = "t-2";

  const std::string key_a = ingress_dedup_key(a, R"({"ticket_id":"t-1"})");
  CHECK(key_a.rfind("msg:", 0) == 0);
  CHECK(key_a.size() == 4 + 64);
  CHECK(key_a != ingress_dedup_key(b, R"({"ticket_id":"t-2"})"));
  // With a message id the body does not matter: a resend with other fields is the same message.
  CHECK(key_a == ingress_dedup_key(a, R"({"ticket_id":"t-1","trigger":"again"})"));
  // Another message on the same ticket is another key.
  WebhookEvent c = a;
  c.message_id = "<m-2@mail>";
  CHECK(key_a != ingress_dedup_key(c, R"({"ticket_id":"t-1"})"));
}

TEST_CASE("core/ingest: ingress_dedup_key without a message id depends on ticket and body") {
  WebhookEvent a;
  a.ticket_id = "t-1";
  const std::string body = R"({"ticket_id":"t-1","customer_message":"hi"})";
  const std::string key = ingress_dedup_key(a, body);
  CHECK(key.rfind("sha:", 0) == 0);
  CHECK(key.size() == 4 + 64);
  CHECK(key == ingress_dedup_key(a, body));
  CHECK(key != ingress_dedup_key(a, R"({"ticket_id":"t-1","customer_message":"hi again"})"));
  WebhookEvent other = a;
  other.ticket_id = "t-9";
  CHECK(key != ingress_dedup_key(other, body));
  // The raw body is never part of the key in clear text.
  CHECK(key.find("hi") == std::string::npos);
}
