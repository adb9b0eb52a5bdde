#pragma once
// The worker use case (spec/02 steps 1–9): one queued event in, a recorded decision out. Step 1
// (one ticket read, the event key, duplicate and operator-last checks) happens here; steps 2–8 are
// the DecisionEngine's; step 9 plans and executes the Richpanel actions (core/actions) unless the
// shadow mode is on. A retry of an event whose actions began resumes the stored plan.
#include <chrono>
#include <optional>
#include <string>

#include "core/actions/action_executor.h"
#include "core/actions/action_plan.h"
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
  std::string action;          // the decision's action (route_only, send_reply, …) or "skipped"
  std::string reply = "none";  // what the action layer did with the reply (ExecutionReport)
};

struct PipelineDeps {
  StateStore& state;
  flags::FlagService& flags;
  const Clock& clock;
  EventLog& log;
  Metrics& metrics;
  const DecisionEngine& engine;
  Helpdesk* helpdesk = nullptr;  // null: no Richpanel key; synthetic ticket from the webhook
  // With a helpdesk and a catalog, decisions are acted on (shadow mode aside); without a
  // catalog they are only recorded (replay).
  const templates::Catalog* catalog = nullptr;
  std::string bot_author_id;  // Richpanel agent user id for email replies
};

// `{ticket_id}:{id of the latest customer comment}`.
std::string event_key_for(const std::string& ticket_id, const std::string& comment_id);

// Builds the one-comment ticket used when no Richpanel key is configured.
Ticket synthetic_ticket(const std::string& ticket_id, const std::string& comment_id,
                        const std::string& channel, const std::string& text);

class Pipeline {
 public:
  explicit Pipeline(PipelineDeps deps);
  // How long one attempt may keep starting Richpanel writes (below the queue's visibility
  // timeout, so a slow event is not handed to a second worker while the first still acts).
  void set_event_deadline(std::chrono::milliseconds deadline) { event_deadline_ = deadline; }
  virtual ~Pipeline() = default;
  virtual Result<PipelineOutcome> process(const QueuedEvent& event);

 private:
  struct Attempt;  // one run of process(): the ids and the ticket read at its start
  Result<PipelineOutcome> decide_and_act(Attempt& attempt);
  Result<PipelineOutcome> resume(Attempt& attempt, const ActionRecord& stored_plan);
  Result<actions::ExecutionReport> act(Attempt& attempt, const actions::ActionPlan& plan);
  Status finish(Attempt& attempt, boost::json::object record);
  actions::ActionPlan plan_for(const EngineResult& result, const flags::FlagSnapshot& flags) const;
  void record_conversation(const std::string& ticket_id, const std::string& comment_id,
                           const std::string& intent, const std::string& team, bool replied,
                           const std::optional<ConversationRecord>& previous);
  // `action` and `template_id` as planned (a downgrade changes them), not as first decided.
  void emit(const std::string& trace_id, const std::string& ticket_id, const std::string& event_key,
            const EngineResult& result, const std::string& action, const std::string& template_id,
            double latency_ms, bool shadow_mode);

  PipelineDeps deps_;
  RecordVersions versions_;
  std::optional<actions::ActionExecutor> executor_;
  std::chrono::milliseconds event_deadline_{90000};
};

}  // namespace rpmw::core::pipeline
