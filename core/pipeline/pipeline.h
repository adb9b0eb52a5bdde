#pragma once
// The worker use case: one queued event in, an outcome out. The decision engine (classification,
// policy, actions) plugs in here; until it lands the pipeline records a `pending_engine` decision.
#include <optional>
#include <string>

#include "core/common/error.h"
#include "core/flags/flag_service.h"
#include "core/ports/clock.h"
#include "core/ports/event_log.h"
#include "core/ports/event_queue.h"
#include "core/ports/helpdesk.h"
#include "core/ports/metrics.h"
#include "core/ports/state_store.h"

namespace rpmw::core::pipeline {

struct PipelineOutcome {
  enum class Kind { processed, duplicate };
  Kind kind = Kind::processed;
  std::string event_key;
  std::string ticket_id;
};

struct PipelineDeps {
  StateStore& state;
  flags::FlagService& flags;
  const Clock& clock;
  EventLog& log;
  Metrics& metrics;
  Helpdesk* helpdesk = nullptr;  // null: shadow/demo mode, synthetic ticket from the webhook
};

// `{ticket_id}:{id of the latest customer comment}`.
std::string event_key_for(const std::string& ticket_id, const std::string& comment_id);

// Builds the one-comment ticket used when no Richpanel key is configured.
Ticket synthetic_ticket(const std::string& ticket_id, const std::string& comment_id,
                        const std::string& channel, const std::string& text);

class Pipeline {
 public:
  explicit Pipeline(PipelineDeps deps) : deps_(deps) {}
  virtual ~Pipeline() = default;
  virtual Result<PipelineOutcome> process(const QueuedEvent& event);

 private:
  PipelineDeps deps_;
};

}  // namespace rpmw::core::pipeline
