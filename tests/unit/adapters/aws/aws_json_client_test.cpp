// AwsJsonClient against a scripted loopback server: the request shape and the error mapping.
#include "adapters/aws/aws_json_client.h"

#include <doctest/doctest.h>

#include <mutex>
#include <string>
#include <vector>

#include "tests/fakes/fake_http_server.h"

using rpmw::adapters::aws::AwsCredentials;
using rpmw::adapters::aws::AwsEndpoint;
using rpmw::adapters::aws::AwsJsonClient;
using rpmw::core::ErrorKind;
using rpmw::fakes::FakeHttpReply;
using rpmw::fakes::FakeHttpRequest;
using rpmw::fakes::FakeHttpServer;

namespace {

struct ScriptedAws {
  explicit ScriptedAws(FakeHttpReply reply)
      : server(0, [this, reply](const FakeHttpRequest& request) {
          std::lock_guard lock(mutex);
          seen.push_back(request);
          return reply;
        }) {}
  AwsEndpoint endpoint() const {
    AwsEndpoint e;
    e.region = "eu-west-1";
    e.endpoint_url = "http://127.0.0.1:" + std::to_string(server.port());
    e.timeout_ms = 3000;
    return e;
  }
  std::mutex mutex;
  std::vector<FakeHttpRequest> seen;
  FakeHttpServer server;
};

AwsCredentials creds() {
  return {"AKIDEXAMPLE", "secret", ""};
}

rpmw::core::Error error_for(unsigned status, std::string body) {
  ScriptedAws aws(FakeHttpReply{status, {}, std::move(body)});
  AwsJsonClient client(rpmw::adapters::aws::dynamodb_service(), aws.endpoint(), creds());
  const auto result = client.call("GetItem", {});
  REQUIRE_FALSE(result.has_value());
  return result.error();
}

}  // namespace

TEST_CASE("adapters/aws: a call is POST / with the JSON protocol headers, signed") {
  ScriptedAws aws(FakeHttpReply{200, {}, R"({"Parameter":{"Value":"on"}})"});
  AwsJsonClient client(rpmw::adapters::aws::ssm_service(), aws.endpoint(), creds());
  boost::json::object request{{"Name", "/rpmw/dev/flags/safe_mode"}};
  const auto result = client.call("GetParameter", request);
  REQUIRE(result.has_value());
  CHECK(result->at("Parameter").at("Value").as_string() == "on");

  REQUIRE(aws.seen.size() == 1);
  const FakeHttpRequest& seen = aws.seen[0];
  CHECK(seen.method() == boost::beast::http::verb::post);
  CHECK(seen.target() == "/");
  CHECK(seen[boost::beast::http::field::content_type] == "application/x-amz-json-1.1");
  CHECK(seen["x-amz-target"] == "AmazonSSM.GetParameter");
  CHECK(std::string(seen[boost::beast::http::field::authorization]).find("/eu-west-1/ssm/") !=
        std::string::npos);
  CHECK(boost::json::parse(seen.body()) == boost::json::value(request));
}

TEST_CASE("adapters/aws: errors map by __type (stripped through '#'), not by status") {
  auto e = error_for(
      400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"})");
  CHECK(e.kind == ErrorKind::conflict);
  CHECK(e.code == "aws_ConditionalCheckFailedException");

  // moto answers a missing secret with 404, AWS with 400: both are not_found by type.
  CHECK(error_for(404, R"({"__type":"ResourceNotFoundException"})").kind == ErrorKind::not_found);
  CHECK(error_for(400, R"({"__type":"ResourceNotFoundException"})").kind == ErrorKind::not_found);
  CHECK(error_for(400, R"({"__type":"ParameterNotFound"})").kind == ErrorKind::not_found);
  CHECK(error_for(400, R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist"})").kind ==
        ErrorKind::not_found);

  e = error_for(400, R"({"__type":"com.amazonaws.ssm#ThrottlingException","message":"x"})");
  CHECK(e.kind == ErrorKind::rate_limited);
  CHECK(e.code == "aws_ThrottlingException");
  CHECK(error_for(400, R"({"__type":"ProvisionedThroughputExceededException"})").kind ==
        ErrorKind::rate_limited);

  e = error_for(403, R"({"__type":"UnrecognizedClientException"})");
  CHECK(e.kind == ErrorKind::permanent);
  CHECK(e.code == "aws_UnrecognizedClientException");
  CHECK(error_for(400, R"({"__type":"ValidationException"})").kind == ErrorKind::permanent);

  e = error_for(500, R"({"__type":"InternalFailure"})");
  CHECK(e.kind == ErrorKind::transient);
  CHECK(e.code == "aws_InternalFailure");
  e = error_for(503, "<html>busy</html>");
  CHECK(e.kind == ErrorKind::transient);
  CHECK(e.code == "aws_http_503");
  CHECK(error_for(429, "").kind == ErrorKind::rate_limited);
}

TEST_CASE("adapters/aws: the error type is read from x-amzn-ErrorType when the body has none") {
  ScriptedAws aws(FakeHttpReply{
      400, {{"x-amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/"}}, ""});
  AwsJsonClient client(rpmw::adapters::aws::secrets_manager_service(), aws.endpoint(), creds());
  const auto result = client.call("GetSecretValue", {});
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().kind == ErrorKind::not_found);
  CHECK(result.error().code == "aws_ResourceNotFoundException");
}

TEST_CASE("adapters/aws: only the endpoint's host is reachable; a bad answer is transient") {
  ScriptedAws aws(FakeHttpReply{200, {}, "not json"});
  AwsJsonClient client(rpmw::adapters::aws::sqs_service(), aws.endpoint(), creds());
  auto result = client.call("ListQueues", {});
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().kind == ErrorKind::transient);
  CHECK(result.error().code == "aws_invalid_response");

  AwsEndpoint no_region = aws.endpoint();
  no_region.region.clear();
  AwsJsonClient unsigned_client(rpmw::adapters::aws::sqs_service(), no_region, creds());
  result = unsigned_client.call("ListQueues", {});
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().kind == ErrorKind::invalid_input);
  CHECK(aws.seen.size() == 1);  // the refused call sent nothing
}

TEST_CASE("adapters/aws: an XML auth error (query-protocol form) keeps its code") {
  const auto e = error_for(403,
                           "<?xml version=\"1.0\"?><ErrorResponse><Errors><Error><Code>"
                           "SignatureDoesNotMatch</Code><Message>m</Message></Error></Errors>"
                           "</ErrorResponse>");
  CHECK(e.kind == ErrorKind::permanent);
  CHECK(e.code == "aws_SignatureDoesNotMatch");
}
