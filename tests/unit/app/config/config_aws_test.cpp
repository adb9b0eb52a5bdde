// The AWS profile keys: derived defaults, the region fallback, and the profile=aws checks.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include "app/config/config.h"

using rpmw::app::ConfigResult;
using rpmw::app::load_config;

namespace {

rpmw::app::EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

bool has_error(const ConfigResult& result, const std::string& start) {
  return std::any_of(result.errors.begin(), result.errors.end(),
                     [&](const std::string& e) { return e.starts_with(start); });
}

constexpr const char* kQueue =
    "https://sqs.eu-west-1.amazonaws.com/123456789012/rpmw-dev-events.fifo";

}  // namespace

TEST_CASE("app/config: AWS names default from the environment name") {
  auto result = load_config("", env_of({{"RPMW_ENV", "staging"}}));
  REQUIRE(result.ok());
  const auto& c = result.config;
  CHECK(c.ddb_events_table == "rpmw-staging-events");
  CHECK(c.ddb_conversations_table == "rpmw-staging-conversations");
  CHECK(c.ssm_prefix == "/rpmw/staging/flags/");
  CHECK(c.secrets_prefix == "rpmw/staging/");
  CHECK(c.sqs_queue_url.empty());
  CHECK(c.sqs_dlq_url.empty());
  CHECK(c.aws_region.empty());

  auto local = load_config("", env_of({}));
  REQUIRE(local.ok());  // the local profile needs none of the AWS settings
  CHECK(local.config.ddb_events_table == "rpmw-local-events");
}

TEST_CASE("app/config: explicit AWS names win over the defaults") {
  auto result = load_config("", env_of({{"RPMW_ENV", "prod"},
                                        {"RPMW_DDB_EVENTS_TABLE", "ev"},
                                        {"RPMW_DDB_CONVERSATIONS_TABLE", "conv"},
                                        {"RPMW_SSM_PREFIX", "/custom/flags/"},
                                        {"RPMW_SECRETS_PREFIX", "custom/"},
                                        {"RPMW_SQS_DLQ_URL", "http://127.0.0.1:5000/1/dlq.fifo"},
                                        {"RPMW_AWS_ENDPOINT_URL", "http://127.0.0.1:5000"}}));
  REQUIRE(result.ok());
  CHECK(result.config.ddb_events_table == "ev");
  CHECK(result.config.ddb_conversations_table == "conv");
  CHECK(result.config.ssm_prefix == "/custom/flags/");
  CHECK(result.config.secrets_prefix == "custom/");
  CHECK(result.config.sqs_dlq_url == "http://127.0.0.1:5000/1/dlq.fifo");
  CHECK(result.config.aws_endpoint_url == "http://127.0.0.1:5000");
}

TEST_CASE("app/config: the region falls back to AWS_REGION, then AWS_DEFAULT_REGION") {
  CHECK(load_config("", env_of({{"AWS_DEFAULT_REGION", "us-west-2"}})).config.aws_region ==
        "us-west-2");
  CHECK(load_config("", env_of({{"AWS_REGION", "eu-west-1"}, {"AWS_DEFAULT_REGION", "us-west-2"}}))
            .config.aws_region == "eu-west-1");
  CHECK(load_config("", env_of({{"RPMW_AWS_REGION", "ap-south-1"}, {"AWS_REGION", "eu-west-1"}}))
            .config.aws_region == "ap-south-1");
}

TEST_CASE("app/config: profile aws requires a region and a FIFO queue URL") {
  auto bare = load_config("", env_of({{"RPMW_PROFILE", "aws"}}));
  CHECK_FALSE(bare.ok());
  CHECK(bare.errors.size() == 2);
  CHECK(has_error(bare, "aws_region: required when profile is aws"));
  CHECK(has_error(bare, "sqs_queue_url: required when profile is aws (RPMW_SQS_QUEUE_URL)"));

  auto ok = load_config("", env_of({{"RPMW_PROFILE", "aws"},
                                    {"AWS_REGION", "eu-west-1"},
                                    {"RPMW_SQS_QUEUE_URL", kQueue}}));
  CHECK(ok.ok());
  CHECK(ok.config.sqs_queue_url == kQueue);

  auto standard = load_config("", env_of({{"RPMW_PROFILE", "aws"},
                                          {"AWS_REGION", "eu-west-1"},
                                          {"RPMW_SQS_QUEUE_URL", "https://sqs/1/events"}}));
  CHECK(has_error(standard, "sqs_queue_url: expected the URL of a FIFO queue"));
}

TEST_CASE("app/config: malformed AWS settings are reported in any profile") {
  auto bad = load_config("", env_of({{"RPMW_AWS_ENDPOINT_URL", "127.0.0.1:5000"},
                                     {"RPMW_SSM_PREFIX", "rpmw/flags/"},
                                     {"RPMW_SQS_DLQ_URL", "https://sqs/1/dlq"}}));
  CHECK(bad.errors.size() == 3);
  CHECK(has_error(bad, "aws_endpoint_url: must start with https://"));
  CHECK(has_error(bad, "ssm_prefix: must start with '/'"));
  CHECK(has_error(bad, "sqs_dlq_url: expected the URL of a FIFO queue"));
}

TEST_CASE("app/config: print_config shows the derived AWS names") {
  auto result = load_config("", env_of({{"RPMW_ENV", "dev"}}));
  REQUIRE(result.ok());
  const std::string printed = rpmw::app::print_config(result.config);
  CHECK(printed.find("ddb_events_table: \"rpmw-dev-events\"") != std::string::npos);
  CHECK(printed.find("ssm_prefix: \"/rpmw/dev/flags/\"") != std::string::npos);
}
