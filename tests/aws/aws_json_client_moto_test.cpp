// AwsJsonClient against moto: real JSON-protocol calls of the four services and their errors.
#include <doctest/doctest.h>

#include <string>

#include "adapters/aws/aws_json_client.h"
#include "tests/aws/moto_server.h"

using rpmw::adapters::aws::AwsJsonClient;
using rpmw::core::ErrorKind;
using rpmw::testing::shared_moto;
using rpmw::testing::test_credentials;
using rpmw::testing::unique_name;

namespace aws = rpmw::adapters::aws;

TEST_CASE("aws/moto: SQS CreateQueue and GetQueueUrl round-trip; a missing queue is not_found") {
  AwsJsonClient sqs(aws::sqs_service(), shared_moto().endpoint(), test_credentials());
  const std::string name = unique_name("core") + ".fifo";
  const auto created =
      sqs.call("CreateQueue", {{"QueueName", name}, {"Attributes", {{"FifoQueue", "true"}}}});
  REQUIRE_MESSAGE(created.has_value(), created.error().code);
  const std::string url(created->at("QueueUrl").as_string());
  CHECK(url.find(name) != std::string::npos);

  const auto found = sqs.call("GetQueueUrl", {{"QueueName", name}});
  REQUIRE(found.has_value());
  CHECK(found->at("QueueUrl").as_string() == url);

  const auto missing = sqs.call("GetQueueUrl", {{"QueueName", unique_name("absent")}});
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().kind == ErrorKind::not_found);
  CHECK(missing.error().code.starts_with("aws_"));
}

TEST_CASE("aws/moto: a missing secret and a missing parameter are not_found") {
  AwsJsonClient secrets(aws::secrets_manager_service(), shared_moto().endpoint(),
                        test_credentials());
  const auto secret = secrets.call("GetSecretValue", {{"SecretId", unique_name("rpmw/absent")}});
  REQUIRE_FALSE(secret.has_value());
  CHECK(secret.error().kind == ErrorKind::not_found);
  CHECK(secret.error().code == "aws_ResourceNotFoundException");

  AwsJsonClient ssm(aws::ssm_service(), shared_moto().endpoint(), test_credentials());
  const auto parameter = ssm.call("GetParameter", {{"Name", "/" + unique_name("absent")}});
  REQUIRE_FALSE(parameter.has_value());
  CHECK(parameter.error().kind == ErrorKind::not_found);
  CHECK(parameter.error().code == "aws_ParameterNotFound");
}

TEST_CASE("aws/moto: an invalid request is a permanent error with the service's type") {
  AwsJsonClient ssm(aws::ssm_service(), shared_moto().endpoint(), test_credentials());
  const auto put = ssm.call(
      "PutParameter", {{"Name", "/" + unique_name("p")}, {"Value", "v"}, {"Type", "NotAType"}});
  REQUIRE_FALSE(put.has_value());
  CHECK(put.error().kind == ErrorKind::permanent);
  CHECK(put.error().code.starts_with("aws_"));
}
