#pragma once
// SecretStore on AWS Secrets Manager: GetSecretValue of `<prefix><name>` (e.g.
// "rpmw/prod/" + "webhook_tokens"), its SecretString, cached for `ttl` so a Lambda does not call
// Secrets Manager on every invocation. When a refresh fails with a retryable error the last value
// is served (a secret rotation is then picked up one TTL later); a missing secret is not_found.
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/aws/aws_json_client.h"
#include "core/ports/clock.h"
#include "core/ports/secret_store.h"

namespace rpmw::adapters::aws {

struct SecretsManagerOptions {
  std::string prefix;  // "rpmw/<env>/"
  std::chrono::milliseconds ttl{std::chrono::minutes(5)};
};

class SecretsManagerSecretStore final : public core::SecretStore {
 public:
  // `secrets` (an AwsJsonClient for secrets_manager_service()) and `clock` outlive the store.
  SecretsManagerSecretStore(AwsJsonCaller& secrets, const core::Clock& clock,
                            SecretsManagerOptions options);

  core::Result<std::string> get(const std::string& name) override;

 private:
  struct Cached {
    std::string value;
    core::TimePoint fetched_at;
  };
  AwsJsonCaller& secrets_;
  const core::Clock& clock_;
  SecretsManagerOptions options_;
  std::mutex mutex_;
  std::map<std::string, Cached> cache_;
};

// The active webhook tokens in a secret: `{"active_tokens":["a","b"]}`, or a plain string (one
// token, or several separated by commas as in RPMW_WEBHOOK_TOKENS). Blank entries are dropped;
// an object without a usable "active_tokens" list gives no tokens.
std::vector<std::string> webhook_tokens_from_secret(std::string_view secret);

}  // namespace rpmw::adapters::aws
