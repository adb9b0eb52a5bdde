#pragma once
// Wiring for the aws profile (spec/05): one signed JSON client per AWS service and the adapters
// over them (SQS FIFO queue, DynamoDB state, SSM flags, Secrets Manager). Shared by the Lambda
// handlers and the CLI; the clients live as long as this object.
#include <memory>
#include <string>
#include <vector>

#include "adapters/aws/aws_json_client.h"
#include "adapters/aws/dynamodb_state_store.h"
#include "adapters/aws/secrets_manager_secret_store.h"
#include "adapters/aws/sqs_event_queue.h"
#include "adapters/aws/ssm_flag_store.h"
#include "app/config/config.h"
#include "core/ports/clock.h"

namespace rpmw::app {

class AwsBackends {
 public:
  // Only the clients; adapters are made on demand so an ingress cold start builds one client.
  AwsBackends(const Config& config, const core::Clock& clock, core::Random& random);

  std::unique_ptr<adapters::aws::SqsEventQueue> make_queue();
  std::unique_ptr<adapters::aws::DynamoDbStateStore> make_state();
  std::unique_ptr<adapters::aws::SsmFlagStore> make_flag_store();
  adapters::aws::SecretsManagerSecretStore& secrets();

 private:
  adapters::aws::AwsJsonClient& client(std::unique_ptr<adapters::aws::AwsJsonClient>& slot,
                                       const adapters::aws::AwsService& service);

  Config config_;
  const core::Clock& clock_;
  core::Random& random_;
  adapters::aws::AwsEndpoint endpoint_;
  adapters::aws::AwsCredentials credentials_;
  std::unique_ptr<adapters::aws::AwsJsonClient> sqs_, dynamodb_, ssm_, secrets_client_;
  std::unique_ptr<adapters::aws::SecretsManagerSecretStore> secrets_;
};

// Which secrets a process needs from Secrets Manager.
struct SecretNeeds {
  bool webhook_tokens = false;  // ingress
  bool vendor_keys = false;     // worker: Richpanel key, bot author, LLM key
};

// Fills the secrets of `config` that the environment (or YAML) left empty from
// `<secrets_prefix><name>`: webhook_tokens ({"active_tokens":[…]}), richpanel_api_key,
// bot_author_id, llm_api_key. A missing or placeholder ("CHANGE_ME") vendor secret stays empty
// (the worker then runs in shadow mode); any other failure is returned as a readable line.
std::vector<std::string> resolve_aws_secrets(Config& config, core::SecretStore& secrets,
                                             SecretNeeds needs);

}  // namespace rpmw::app
