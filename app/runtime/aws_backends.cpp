#include "app/runtime/aws_backends.h"

namespace rpmw::app {
namespace aws = adapters::aws;

namespace {

constexpr std::string_view kPlaceholder = "CHANGE_ME";

bool is_unset(const std::string& value) {
  return value.empty() || value == kPlaceholder;
}

}  // namespace

AwsBackends::AwsBackends(const Config& config, const core::Clock& clock, core::Random& random)
    : config_(config), clock_(clock), random_(random), credentials_(aws::credentials_from_env()) {
  endpoint_.region = config.aws_region;
  endpoint_.endpoint_url = config.aws_endpoint_url;
  endpoint_.ca_bundle_path = config.ca_bundle;
}

aws::AwsJsonClient& AwsBackends::client(std::unique_ptr<aws::AwsJsonClient>& slot,
                                        const aws::AwsService& service) {
  if (!slot) slot = std::make_unique<aws::AwsJsonClient>(service, endpoint_, credentials_);
  return *slot;
}

std::unique_ptr<aws::SqsEventQueue> AwsBackends::make_queue() {
  aws::SqsEventQueueOptions options;
  options.queue_url = config_.sqs_queue_url;
  options.dlq_url = config_.sqs_dlq_url;
  options.max_receives = config_.queue_max_receives;
  return std::make_unique<aws::SqsEventQueue>(client(sqs_, aws::sqs_service()), clock_, random_,
                                              options);
}

std::unique_ptr<aws::DynamoDbStateStore> AwsBackends::make_state() {
  aws::DynamoDbStateStoreOptions options;
  options.events_table = config_.ddb_events_table;
  options.conversations_table = config_.ddb_conversations_table;
  return std::make_unique<aws::DynamoDbStateStore>(client(dynamodb_, aws::dynamodb_service()),
                                                   clock_, options);
}

std::unique_ptr<aws::SsmFlagStore> AwsBackends::make_flag_store() {
  return std::make_unique<aws::SsmFlagStore>(client(ssm_, aws::ssm_service()), config_.ssm_prefix);
}

aws::SecretsManagerSecretStore& AwsBackends::secrets() {
  if (!secrets_) {
    secrets_ = std::make_unique<aws::SecretsManagerSecretStore>(
        client(secrets_client_, aws::secrets_manager_service()), clock_,
        aws::SecretsManagerOptions{config_.secrets_prefix});
  }
  return *secrets_;
}

std::vector<std::string> resolve_aws_secrets(Config& config, core::SecretStore& secrets,
                                             SecretNeeds needs) {
  std::vector<std::string> problems;
  // A missing optional secret is fine; an unreachable Secrets Manager is not (fail closed).
  auto fetch = [&](const std::string& name, bool required) -> std::string {
    auto value = secrets.get(name);
    if (value) return *value;
    if (value.error().kind == core::ErrorKind::not_found && !required) return {};
    problems.push_back("secret " + config.secrets_prefix + name + ": " + value.error().code);
    return {};
  };
  if (needs.webhook_tokens && config.webhook_tokens.empty()) {
    config.webhook_tokens = aws::webhook_tokens_from_secret(fetch("webhook_tokens", true));
    if (config.webhook_tokens.empty() && problems.empty()) {
      problems.push_back("secret " + config.secrets_prefix +
                         "webhook_tokens has no active token (expected {\"active_tokens\":[…]})");
    }
  }
  if (needs.vendor_keys) {
    auto fill = [&](std::string& field, const std::string& name) {
      if (!is_unset(field)) return;
      std::string value = fetch(name, false);
      field = is_unset(value) ? std::string() : std::move(value);
    };
    fill(config.richpanel_api_key, "richpanel_api_key");
    fill(config.richpanel_bot_author_id, "bot_author_id");
    if (!config.llm_base_url.empty()) fill(config.llm_api_key, "llm_api_key");
  }
  return problems;
}

}  // namespace rpmw::app
