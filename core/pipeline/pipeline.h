#pragma once
// The worker use case (spec/02 steps 1–9): one queued event in, a recorded decision out. Step 1
// (one ticket read, the event key, duplicate and operator-last checks) happens here; steps 2–8 are
// the DecisionEngine's. Executing the planned Richpanel actions arrives with the action layer.
#include <optional>
#include <string>

#include "core/common/error.h"
#include "core/flags/flag_service.h"
#include "core/pipeline/decision_engine.h"
#include "core/pipeline/decision_record.h"
#include "core/ports/clock.h"
#include "core/ports/event_log.h"
#include "core/ports/event_queue.h"
#include "core/ports/helpdesk.h"
#include "core/ports/metrics.h"
#include "core/ports/state_store.h"

namespace rpmw::core::pipeline {

struct PipelineOutcome {
  enum class Kind { processed, duplicate, skipped };
  Kind kind = Kind::processed;
  std::string event_key;
  std::string ticket_id;
  std::string action;  // the decision's action (route_only, send_reply, …) or "skipped"
};

struct PipelineDeps {
  StateStore& state;
  flags::FlagService& flags;
  const Clock& clock;
  EventLog& log;
  Metrics& metrics;
  const DecisionEngine& engine;
  Helpdesk* helpdesk = nullptr;  // null: no Richpanel key; synthetic ticket from the webhook
};

// `{ticket_id}:{id of the latest customer comment}`.
std::string event_key_for(const std::string& ticket_id, const std::string& comment_id);

// Builds the one-comment ticket used when no Richpanel key is configured.
Ticket synthetic_ticket(const std::string& ticket_id, const std::string& comment_id,
                        const std::string& channel, const std::string& text);

class Pipeline {
 public:
  explicit Pipeline(PipelineDeps deps)
      : deps_(deps), versions_(versions_of(deps.engine.policies())) {}
  virtual ~Pipeline() = default;
  virtual Result<PipelineOutcome> process(const QueuedEvent& event);

 private:
  void record_conversation(const std::string& ticket_id, const std::string& comment_id,
                           const EngineResult& result,
                           const std::optional<ConversationRecord>& previous);
  void emit(const std::string& trace_id, const std::string& ticket_id, const std::string& event_key,
            const EngineResult& result, double latency_ms, bool shadow_mode);

  PipelineDeps deps_;
  RecordVersions versions_;
};

}  // namespace rpmw::core::pipeline
