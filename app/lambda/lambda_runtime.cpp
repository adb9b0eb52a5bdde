#include "app/lambda/lambda_runtime.h"

#include "adapters/sqlite/sqlite_event_queue.h"
#include "adapters/sqlite/sqlite_flag_store.h"
#include "adapters/sqlite/sqlite_state_store.h"
#include "app/runtime/local_runtime.h"

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

}  // namespace

tl::expected<LambdaPorts, InitError> make_lambda_ports(const Config& config, HandlerKind kind,
                                                       const core::Clock& clock,
                                                       core::Random& random) {
  if (config.profile == "local") return local_ports(config, kind, clock, random);
  if (config.profile == "aws") {
    // AWS PROFILE WIRING (lead): SqsEventQueue (ingress; worker: for explicit dead letters),
    // DynamoDbStateStore, SsmFlagStore, and the secrets from SecretsManagerSecretStore unless
    // the matching env variable is set (env wins). Check for the webhook tokens first, like local.
    return init_error("Runtime.ConfigInvalid", "aws profile wiring pending");
  }
  return init_error("Runtime.ConfigInvalid", "unknown profile '" + config.profile + "'");
}

}  // namespace rpmw::app::lambda
