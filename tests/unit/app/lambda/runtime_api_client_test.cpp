// RuntimeApiClient against the in-process fake Runtime API (tests/fakes/fake_lambda_runtime).
#include "app/lambda/runtime_api_client.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "tests/fakes/fake_lambda_runtime.h"

using rpmw::app::lambda::RuntimeApiClient;
using rpmw::fakes::FakeLambdaRuntime;

TEST_CASE("lambda runtime api: next, response, error, init error") {
  FakeLambdaRuntime api;
  RuntimeApiClient client(api.address());
  const std::string first = api.enqueue(R"({"n":1})", 1767225600000, "Root=1-abc;Sampled=1");
  const std::string second = api.enqueue(R"({"n":2})");

  auto invocation = client.next();
  REQUIRE(invocation.has_value());
  CHECK(invocation->request_id == first);
  CHECK(invocation->deadline_ms == 1767225600000);
  CHECK(invocation->trace_id == "Root=1-abc;Sampled=1");
  CHECK(invocation->function_arn.find("arn:aws:lambda:") == 0);
  CHECK(invocation->payload == R"({"n":1})");
  REQUIRE(client.respond(first, R"({"ok":true})").has_value());
  // A second answer for the same request is refused by the Runtime API.
  CHECK_FALSE(client.respond(first, "{}").has_value());

  auto next = client.next();
  REQUIRE(next.has_value());
  CHECK(next->request_id == second);
  REQUIRE(client.fail(second, "Runtime.InvalidEvent", "sqs_event_invalid").has_value());

  const auto outcomes = api.outcomes();
  REQUIRE(outcomes.size() == 2);
  CHECK(outcomes[0].kind == "response");
  CHECK(outcomes[0].body == R"({"ok":true})");
  CHECK(outcomes[1].kind == "error");
  CHECK(outcomes[1].error_type == "Runtime.InvalidEvent");
  const auto body = boost::json::parse(outcomes[1].body);
  CHECK(body.at("errorMessage").as_string() == "sqs_event_invalid");
  CHECK(body.at("errorType").as_string() == "Runtime.InvalidEvent");
  CHECK(body.at("stackTrace").as_array().empty());

  REQUIRE(client.init_error("Runtime.ConfigInvalid", "bad config").has_value());
  const auto init = api.wait_init_error(std::chrono::seconds(1));
  REQUIRE(init.has_value());
  CHECK(init->error_type == "Runtime.ConfigInvalid");
  CHECK(api.next_calls() == 2);
}

TEST_CASE("lambda runtime api: an unreachable Runtime API is an error, not a hang") {
  std::string address;
  {
    FakeLambdaRuntime api;  // a port that was just free, closed again
    address = api.address();
  }
  RuntimeApiClient client(address);
  auto next = client.next();
  REQUIRE_FALSE(next.has_value());
  CHECK(next.error().code == "connect_failed");
}
