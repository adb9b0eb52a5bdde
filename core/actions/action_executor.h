#pragma once
// Executes an ActionPlan on the helpdesk exactly once per event (spec/01 action keys, spec/03
// order): 1. the reply and its read-back, 2. one add-tags call, 3. the close. Each step claims its
// key before the vendor call and confirms it after. A retry (the event re-queued after an error or
// a crash) reads what the last attempt left and checks the ticket read at the start of this
// attempt before acting again: our comment already there means the reply went out, and a reply
// that was sent but never confirmed is not sent a second time.
#include <chrono>
#include <string>
#include <vector>

#include "core/actions/action_plan.h"
#include "core/common/error.h"
#include "core/ports/event_log.h"
#include "core/ports/helpdesk.h"
#include "core/ports/metrics.h"
#include "core/ports/state_store.h"
#include "core/templates/catalog.h"

namespace rpmw::core::actions {

// `act:{event_key}:{kind}:{target}` (kinds: tag, reply, close, plan).
std::string action_key(const std::string& event_key, std::string_view kind,
                       const std::string& target);

struct ExecutorDeps {
  Helpdesk& helpdesk;
  StateStore& state;
  const templates::Catalog& catalog;
  EventLog& log;
  Metrics& metrics;
  std::string bot_author_id;  // author of email replies (send-message)
};

struct ExecutionInput {
  const std::string& event_key;
  const std::string& trace_id;
  const Ticket& ticket;           // as read at the start of this attempt
  const std::string& comment_id;  // the customer comment being answered
  const ActionPlan& plan;
  // No new vendor step starts after this (the queue's visibility timeout must not run out while
  // the event is being worked on): the event is retried later and resumes where it stopped.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

// Outcome codes, as recorded in the decision record's "execution" object.
struct ExecutionReport {
  std::string reply = "none";  // none | sent | already_sent | operator_replied | blocked | failed
  std::string tags = "none";   // applied | already_applied
  std::string close = "none";  // none | closed | already_closed | failed
  int vendor_calls = 0;
  std::vector<std::string> tags_written;  // the tags of the add-tags step
  std::vector<std::string> reason_codes;

  bool replied() const { return reply == "sent" || reply == "already_sent"; }
};

class ActionExecutor {
 public:
  explicit ActionExecutor(ExecutorDeps deps) : deps_(deps) {}

  // A retryable error leaves the keys so that the next attempt resumes; a permanent one from the
  // tag step means the routing could not be applied (the event goes to the DLQ with the reason).
  Result<ExecutionReport> execute(const ExecutionInput& input) const;

 private:
  Status reply(const ExecutionInput& input, ExecutionReport& report,
               std::vector<std::string>& extra_tags) const;
  Status tag(const ExecutionInput& input, const std::vector<std::string>& tags,
             ExecutionReport& report) const;
  Status close(const ExecutionInput& input, ExecutionReport& report) const;
  void log_action(const ExecutionInput& input, std::string_view kind, std::string_view outcome,
                  std::string_view code) const;

  ExecutorDeps deps_;
};

}  // namespace rpmw::core::actions
