#pragma once
// The one place that picks the Lambda handlers' backends by profile. The handlers see only core
// ports (EventQueue, StateStore, FlagStore) and a Config whose secrets are resolved.
//   local: the SQLite adapters under RPMW_DATA_DIR (on Lambda only /tmp is writable); secrets
//          from the environment. Used by the chroot and integration tests.
//   aws:   SqsEventQueue, DynamoDbStateStore, SsmFlagStore; secrets from Secrets Manager unless
//          the environment sets them (env wins).
#include <memory>
#include <string>

#include "app/config/config.h"
#include "app/lambda/batch_settlement.h"
#include "core/ports/clock.h"
#include "core/ports/event_queue.h"
#include "core/ports/flag_store.h"
#include "core/ports/state_store.h"

namespace rpmw::app::lambda {

enum class HandlerKind { ingress, worker };

struct LambdaPorts {
  // Declared first so it is destroyed last: the AWS clients the adapters below call through.
  std::shared_ptr<void> backends;
  Config config;  // secrets resolved (webhook tokens; Richpanel/LLM keys for the worker)
  // ingress: where webhooks are enqueued. worker: the queue behind the SQS event source for
  // explicit settles, or null (settled through batchItemFailures and the redrive policy only).
  std::unique_ptr<core::EventQueue> queue;
  std::unique_ptr<core::StateStore> state;      // worker only
  std::unique_ptr<core::FlagStore> flag_store;  // worker only
  DeadLetterSender send_dead;                   // worker, aws: copy a record to the DLQ
};

// Reported through POST /runtime/init/error, then the process exits non-zero.
struct InitError {
  std::string type;  // Runtime.ConfigInvalid | Runtime.MissingSecret | Runtime.BackendUnavailable
  std::string message;  // readable; never a secret value
};

// Only what `kind` needs is built, so an ingress cold start opens no state store.
tl::expected<LambdaPorts, InitError> make_lambda_ports(const Config& config, HandlerKind kind,
                                                       const core::Clock& clock,
                                                       core::Random& random);

}  // namespace rpmw::app::lambda
