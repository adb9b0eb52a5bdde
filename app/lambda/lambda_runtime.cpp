#include "app/lambda/lambda_runtime.h"

#include "adapters/sqlite/sqlite_event_queue.h"
#include "adapters/sqlite/sqlite_flag_store.h"
#include "adapters/sqlite/sqlite_state_store.h"
#include "app/runtime/aws_backends.h"
#include "app/runtime/runtime.h"

namespace rpmw::app::lambda {
namespace {

tl::unexpected<InitError> init_error(std::string type, std::string message) {
  return tl::unexpected(InitError{std::move(type), std::move(message)});
}

tl::expected<LambdaPorts, InitError> local_ports(const Config& config, HandlerKind kind,
                                                 const core::Clock& clock, core::Random& random) {
  namespace sqlite = adapters::sqlite;
  LambdaPorts ports;
  ports.config = config;
  if (kind == HandlerKind::ingress && config.webhook_tokens.empty()) {
    return init_error("Runtime.MissingSecret",
                      "no webhook token configured: set RPMW_WEBHOOK_TOKENS (the local profile "
                      "generates none on Lambda)");
  }
  if (std::string error = ensure_data_dir(config.data_dir); !error.empty()) {
    return init_error("Runtime.BackendUnavailable", error);
  }
  sqlite::SqliteConfig db{config.database_path(), config.sqlite_synchronous == "full"
                                                      ? sqlite::Synchronous::full
                                                      : sqlite::Synchronous::normal};
  auto unavailable = [&](const core::Error& e) {
    return init_error("Runtime.BackendUnavailable",
                      "cannot open the local store " + config.database_path() + ": " + e.code);
  };
  if (kind == HandlerKind::ingress) {
    sqlite::SqliteEventQueueOptions options;
    options.max_receives = config.queue_max_receives;
    options.dedup_window = std::chrono::seconds(config.dedup_window_s);
    auto queue = sqlite::SqliteEventQueue::open(db, clock, random, options);
    if (!queue) return unavailable(queue.error());
    ports.queue = std::move(*queue);
    return ports;
  }
  // The worker's records come from the SQS event, not from this store's queue: no queue here.
  auto state = sqlite::SqliteStateStore::open(db, clock);
  if (!state) return unavailable(state.error());
  ports.state = std::move(*state);
  auto flags = sqlite::SqliteFlagStore::open(db, clock);
  if (!flags) return unavailable(flags.error());
  ports.flag_store = std::move(*flags);
  return ports;
}

tl::expected<LambdaPorts, InitError> aws_ports(const Config& config, HandlerKind kind,
                                               const core::Clock& clock, core::Random& random) {
  auto backends = std::make_shared<AwsBackends>(config, clock, random);
  LambdaPorts ports;
  ports.backends = backends;
  ports.config = config;
  const bool ingress = kind == HandlerKind::ingress;
  // Secrets are read once per sandbox, before the first invocation: a request is then checked
  // against the tokens in memory before any AWS call is made for it.
  std::vector<std::string> problems =
      resolve_aws_secrets(ports.config, backends->secrets(),
                          SecretNeeds{.webhook_tokens = ingress, .vendor_keys = !ingress});
  if (!problems.empty()) {
    std::string message = "cannot read the secrets:";
    for (const std::string& p : problems) message += " " + p + ";";
    return init_error("Runtime.MissingSecret", message);
  }
  auto queue = backends->make_queue();
  if (!ingress) {
    adapters::aws::SqsEventQueue* sqs = queue.get();
    ports.send_dead = [sqs](const core::QueuedEvent& event, const std::string& reason) {
      return sqs->send_to_dead_letter_queue(event, reason);
    };
    ports.state = backends->make_state();
    ports.flag_store = backends->make_flag_store();
  }
  ports.queue = std::move(queue);
  return ports;
}

}  // namespace

tl::expected<LambdaPorts, InitError> make_lambda_ports(const Config& config, HandlerKind kind,
                                                       const core::Clock& clock,
                                                       core::Random& random) {
  if (config.profile == "local") return local_ports(config, kind, clock, random);
  if (config.profile == "aws") return aws_ports(config, kind, clock, random);
  return init_error("Runtime.ConfigInvalid", "unknown profile '" + config.profile + "'");
}

}  // namespace rpmw::app::lambda
