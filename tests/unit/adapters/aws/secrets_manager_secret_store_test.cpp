// SecretsManagerSecretStore: the request, the TTL cache, stale-on-error, and the token list.
#include "adapters/aws/secrets_manager_secret_store.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/fakes/fake_clock.h"
#include "tests/unit/adapters/aws/scripted_aws_caller.h"

using rpmw::adapters::aws::SecretsManagerSecretStore;
using rpmw::adapters::aws::webhook_tokens_from_secret;
using rpmw::core::ErrorKind;
using rpmw::testing::ScriptedAwsCaller;
using namespace std::chrono_literals;

namespace {

boost::json::value secret_answer(const char* value) {
  return boost::json::object{{"Name", "rpmw/dev/x"}, {"SecretString", value}};
}

}  // namespace

TEST_CASE("adapters/aws: secrets are read under the prefix and cached for the TTL") {
  ScriptedAwsCaller caller;
  rpmw::fakes::FakeClock clock;
  SecretsManagerSecretStore store(caller, clock, {"rpmw/dev/", 60s});
  caller.answer(secret_answer("v1"));
  auto first = store.get("richpanel_api_key");
  REQUIRE(first.has_value());
  CHECK(*first == "v1");
  REQUIRE(caller.calls.size() == 1);
  CHECK(caller.calls[0].first == "GetSecretValue");
  CHECK(caller.calls[0].second.at("SecretId").as_string() == "rpmw/dev/richpanel_api_key");

  clock.advance(59s);
  CHECK(*store.get("richpanel_api_key") == "v1");
  CHECK(caller.calls.size() == 1);  // served from the cache

  clock.advance(1s);
  caller.answer(secret_answer("v2"));
  CHECK(*store.get("richpanel_api_key") == "v2");
  CHECK(caller.calls.size() == 2);
}

TEST_CASE("adapters/aws: a failed refresh serves the last value only when retryable") {
  ScriptedAwsCaller caller;
  rpmw::fakes::FakeClock clock;
  SecretsManagerSecretStore store(caller, clock, {"p/", 10s});
  caller.answer(secret_answer("kept"));
  REQUIRE(store.get("k").has_value());
  clock.advance(11s);
  caller.answer(rpmw::core::fail(ErrorKind::transient, "timeout"));
  auto stale = store.get("k");
  REQUIRE(stale.has_value());
  CHECK(*stale == "kept");

  caller.answer(rpmw::core::fail(ErrorKind::not_found, "aws_ResourceNotFoundException"));
  auto gone = store.get("k");
  REQUIRE_FALSE(gone.has_value());
  CHECK(gone.error().kind == ErrorKind::not_found);

  caller.answer(rpmw::core::fail(ErrorKind::transient, "timeout"));
  CHECK_FALSE(store.get("k").has_value());  // the deleted secret is not served from the cache

  caller.answer(boost::json::object{{"Name", "p/bin"}, {"SecretBinary", "AAAA"}});
  auto binary = store.get("bin");
  REQUIRE_FALSE(binary.has_value());
  CHECK(binary.error().code == "secret_not_string");
}

TEST_CASE("adapters/aws: webhook tokens from a JSON list or a plain string") {
  using Tokens = std::vector<std::string>;
  CHECK(webhook_tokens_from_secret(R"({"active_tokens":["tok-a"," tok-b ",""]})") ==
        Tokens{"tok-a", "tok-b"});
  CHECK(webhook_tokens_from_secret("  single-token\n") == Tokens{"single-token"});
  CHECK(webhook_tokens_from_secret("a,b , ,c") == Tokens{"a", "b", "c"});
  CHECK(webhook_tokens_from_secret(R"({"tokens":["x"]})").empty());
  CHECK(webhook_tokens_from_secret(R"({"active_tokens":"x"})").empty());
  CHECK(webhook_tokens_from_secret("{not json").empty());
  CHECK(webhook_tokens_from_secret("").empty());
}
