// SsmFlagStore paging and SecretsManagerSecretStore against moto.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "adapters/aws/secrets_manager_secret_store.h"
#include "adapters/aws/ssm_flag_store.h"
#include "tests/aws/moto_server.h"
#include "tests/fakes/fake_clock.h"

using rpmw::adapters::aws::AwsJsonClient;
using rpmw::adapters::aws::SecretsManagerSecretStore;
using rpmw::adapters::aws::SsmFlagStore;
using rpmw::core::ErrorKind;
using rpmw::testing::shared_moto;
using rpmw::testing::test_credentials;
using rpmw::testing::unique_name;

namespace aws = rpmw::adapters::aws;

TEST_CASE("aws/ssm: list pages through more than one page and ignores other prefixes") {
  AwsJsonClient ssm(aws::ssm_service(), shared_moto().endpoint(), test_credentials());
  const std::string env = unique_name("env");
  SsmFlagStore flags(ssm, "/rpmw/" + env + "/flags");
  CHECK(flags.prefix() == "/rpmw/" + env + "/flags/");
  SsmFlagStore neighbour(ssm, "/rpmw/" + env + "/flagsx/");
  REQUIRE(neighbour.set("safe_mode", "true").has_value());

  std::map<std::string, std::string> expected;
  for (int i = 0; i < 23; ++i) {  // MaxResults is 10: three pages
    const std::string name = "template.t_" + std::to_string(i) + ".enabled";
    const std::string value = i % 2 == 0 ? "true" : "false";
    REQUIRE(flags.set(name, value).has_value());
    expected[name] = value;
  }
  auto all = flags.list();
  REQUIRE_MESSAGE(all.has_value(), all.error().code);
  CHECK(*all == expected);

  auto bad = flags.set("has space", "x");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().kind == ErrorKind::invalid_input);
}

TEST_CASE("aws/secrets: a JSON token list, a plain string, and a missing secret") {
  AwsJsonClient client(aws::secrets_manager_service(), shared_moto().endpoint(),
                       test_credentials());
  const std::string prefix = "rpmw/" + unique_name("env") + "/";
  REQUIRE(client
              .call("CreateSecret", {{"Name", prefix + "webhook_tokens"},
                                     {"SecretString", R"({"active_tokens":["tok-1","tok-2"]})"}})
              .has_value());
  REQUIRE(client
              .call("CreateSecret",
                    {{"Name", prefix + "richpanel_api_key"}, {"SecretString", "rp-key-123"}})
              .has_value());

  rpmw::fakes::FakeClock clock;
  SecretsManagerSecretStore secrets(client, clock, {prefix, std::chrono::seconds(30)});
  auto tokens = secrets.get("webhook_tokens");
  REQUIRE_MESSAGE(tokens.has_value(), tokens.error().code);
  CHECK(aws::webhook_tokens_from_secret(*tokens) == std::vector<std::string>{"tok-1", "tok-2"});
  auto key = secrets.get("richpanel_api_key");
  REQUIRE(key.has_value());
  CHECK(*key == "rp-key-123");

  // moto answers 404 here, AWS 400: both are not_found because the adapter keys on __type.
  auto missing = secrets.get("llm_api_key");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().kind == ErrorKind::not_found);
  CHECK(missing.error().code == "aws_ResourceNotFoundException");

  // A rotation shows up once the cached value has expired.
  REQUIRE(client
              .call("PutSecretValue",
                    {{"SecretId", prefix + "richpanel_api_key"}, {"SecretString", "rp-key-456"}})
              .has_value());
  CHECK(*secrets.get("richpanel_api_key") == "rp-key-123");
  clock.advance(std::chrono::seconds(30));
  CHECK(*secrets.get("richpanel_api_key") == "rp-key-456");
}
