#include "app/lambda/lambda_events.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

namespace json = boost::json;
using rpmw::app::lambda::ApiGatewayResponse;
using rpmw::app::lambda::base64_decode;
using rpmw::app::lambda::batch_item_failures;
using rpmw::app::lambda::parse_api_gateway_v2;
using rpmw::app::lambda::parse_sqs_event;
using rpmw::app::lambda::serialize_api_gateway_response;
using rpmw::app::lambda::to_ingress_request;

TEST_CASE("lambda events: base64 decoding") {
  CHECK(base64_decode("") == std::string());
  CHECK(base64_decode("eyJhIjoxfQ==") == std::string(R"({"a":1})"));
  CHECK(base64_decode("eyJhIjoxfQ") == std::string(R"({"a":1})"));  // unpadded
  CHECK(base64_decode("YWI=") == std::string("ab"));
  CHECK(base64_decode("YQ==") == std::string("a"));
  CHECK(base64_decode("+/8=") == std::string("\xfb\xff", 2));
  CHECK_FALSE(base64_decode("YQ=").has_value());    // padded but misaligned
  CHECK_FALSE(base64_decode("Y").has_value());      // one char left over
  CHECK_FALSE(base64_decode("YW J").has_value());   // whitespace
  CHECK_FALSE(base64_decode("YW=J").has_value());   // padding inside
  CHECK_FALSE(base64_decode("YQ===").has_value());  // too much padding
  CHECK_FALSE(base64_decode("-_==").has_value());   // URL alphabet is not accepted
}

TEST_CASE("lambda events: API Gateway v2 request") {
  const std::string event = R"({
    "version":"2.0","routeKey":"POST /webhooks/richpanel","rawPath":"/webhooks/richpanel",
    "rawQueryString":"token=a%20b&x=1",
    "headers":{"Content-Type":"application/json","X-Middleware-Token":"tok","accept":"*/*",
               "x-multi":"a,b"},
    "requestContext":{"http":{"method":"POST","path":"/webhooks/richpanel",
                              "sourceIp":"203.0.113.9"}},
    "body":"eyJ0aWNrZXRfaWQiOiJ0LTEifQ==","isBase64Encoded":true})";
  auto parsed = parse_api_gateway_v2(event);
  REQUIRE(parsed.has_value());
  CHECK(parsed->method == "POST");
  CHECK(parsed->path == "/webhooks/richpanel");
  CHECK(parsed->raw_query == "token=a%20b&x=1");
  CHECK(parsed->source == "203.0.113.9");
  CHECK(parsed->body == R"({"ticket_id":"t-1"})");
  CHECK_FALSE(parsed->body_invalid);
  const auto in = to_ingress_request(*parsed);
  CHECK(in.header("content-type") == "application/json");
  CHECK(in.header("x-middleware-token") == "tok");
  CHECK(in.header("x-multi") == "a,b");
  CHECK(in.body == parsed->body);
  CHECK(in.query == "token=a%20b&x=1");
  CHECK(in.source == "203.0.113.9");

  SUBCASE("plain body, path from requestContext when rawPath is missing") {
    auto plain = parse_api_gateway_v2(
        R"({"requestContext":{"http":{"method":"GET","path":"/webhook"}},"body":"{}"})");
    REQUIRE(plain.has_value());
    CHECK(plain->path == "/webhook");
    CHECK(plain->method == "GET");
    CHECK(plain->body == "{}");
    CHECK(plain->headers.empty());
  }
  SUBCASE("a body that is not base64 is flagged, not guessed") {
    auto bad = parse_api_gateway_v2(
        R"({"requestContext":{"http":{"method":"POST"}},"body":"{not base64}","isBase64Encoded":true})");
    REQUIRE(bad.has_value());
    CHECK(bad->body_invalid);
    CHECK(bad->body.empty());
  }
  SUBCASE("not an API Gateway event") {
    for (const char* text : {"", "[]", "{}", "nul", R"({"requestContext":1})", "{\"a\":"}) {
      auto r = parse_api_gateway_v2(text);
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error().code == "apigw_event_invalid");
    }
  }
}

TEST_CASE("lambda events: API Gateway v2 response") {
  ApiGatewayResponse response;
  response.status = 429;
  response.headers = {{"content-type", "application/json"}, {"retry-after", "2"}};
  response.body = R"({"error":"rate_limited"})";
  const json::value v = json::parse(serialize_api_gateway_response(response));
  CHECK(v.at("statusCode").as_int64() == 429);
  CHECK(v.at("headers").at("content-type").as_string() == "application/json");
  CHECK(v.at("headers").at("retry-after").as_string() == "2");
  CHECK(v.at("body").as_string() == R"({"error":"rate_limited"})");
  CHECK(v.at("isBase64Encoded").as_bool() == false);
}

TEST_CASE("lambda events: SQS records") {
  const std::string event = R"({"Records":[
    {"messageId":"m-1","receiptHandle":"rh-1","body":"{\"v\":1}",
     "attributes":{"ApproximateReceiveCount":"3","SentTimestamp":"1767225600123",
                   "MessageGroupId":"<t-1@mail>","MessageDeduplicationId":"d-1",
                   "SequenceNumber":"1"},
     "messageAttributes":{"rpmw_trace_id":{"stringValue":"trc_A","dataType":"String"},
                          "rpmw_event_id":{"stringValue":"evt_A","dataType":"String"}},
     "eventSource":"aws:sqs"},
    {"messageId":"m-2","body":"x","attributes":{"ApproximateReceiveCount":"many",
     "SentTimestamp":"9223372036854775807"}}]})";
  auto parsed = parse_sqs_event(event);
  REQUIRE(parsed.has_value());
  REQUIRE(parsed->size() == 2);
  const auto& first = (*parsed)[0];
  CHECK(first.message_id == "m-1");
  CHECK(first.event.event_id == "evt_A");
  CHECK(first.event.trace_id == "trc_A");
  CHECK(first.event.receipt == "rh-1");
  CHECK(first.event.group == "<t-1@mail>");
  CHECK(first.event.dedup_key == "d-1");
  CHECK(first.event.body == R"({"v":1})");
  CHECK(first.event.receive_count == 3);
  CHECK(rpmw::core::to_epoch_ms(first.event.enqueued_at) == 1767225600123);
  const auto& second = (*parsed)[1];
  CHECK(second.event.event_id == "m-2");  // no event_id attribute: the message id
  CHECK(second.event.trace_id.empty());
  CHECK(second.event.receive_count == 0);  // unparsable count
  CHECK(second.event.receipt.empty());
  // Found by fuzz_lambda_events: a huge timestamp overflowed the conversion to nanoseconds.
  CHECK(rpmw::core::to_epoch_ms(second.event.enqueued_at) == 4'102'444'800'000);

  CHECK(parse_sqs_event(R"({"Records":[]})")->empty());
  for (const char* text : {"", "{}", R"({"Records":{}})", R"({"Records":[{"body":"x"}]})",
                           R"({"Records":[1]})", R"({"Records":[{"messageId":7}]})"}) {
    auto r = parse_sqs_event(text);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == "sqs_event_invalid");
  }
}

TEST_CASE("lambda events: batch item failures") {
  CHECK(batch_item_failures({}) == R"({"batchItemFailures":[]})");
  CHECK(batch_item_failures({"m-2", "m-3"}) ==
        R"({"batchItemFailures":[{"itemIdentifier":"m-2"},{"itemIdentifier":"m-3"}]})");
}
