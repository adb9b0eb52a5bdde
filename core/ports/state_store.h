#pragma once
// Idempotency and audit state: event, action, conversation and decision records with TTLs.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/ports/clock.h"

namespace rpmw::core {

enum class EventStatus { processing, done, duplicate };
enum class ActionStatus { pending, done, failed };

std::string_view to_string(EventStatus status);
std::string_view to_string(ActionStatus status);

struct EventRecord {
  std::string event_key;
  EventStatus status = EventStatus::processing;
  TimePoint first_seen{};
  TimePoint last_seen{};
  int attempts = 0;
};

// What claiming an event key found.
struct EventClaim {
  bool already_done = false;  // processed before: the caller acknowledges a duplicate
  EventRecord record;
};

struct ActionRecord {
  std::string action_key;  // act:{event_key}:{kind}:{target}
  ActionStatus status = ActionStatus::pending;
  std::string result_code;
  TimePoint at{};
};

struct ActionClaim {
  bool claimed = false;   // true: we own it now (new, or a failed one retried)
  ActionRecord existing;  // when not claimed: the record found (pending or done)
};

struct ConversationRecord {
  std::string ticket_id;
  std::string last_comment_id;
  std::string last_intent;
  std::string last_team;
  std::vector<std::int64_t> auto_reply_epoch_ms;  // for cooldowns
  std::string pending_flow;                       // e.g. "awaiting_order_number"
  std::int64_t version = 0;                       // compare-and-set
};

struct DecisionRecord {
  std::string ticket_id;
  std::string event_key;
  std::string event_id;
  std::string trace_id;
  TimePoint at{};
  std::string json;  // the PII-free decision record
};

class StateStore {
 public:
  virtual ~StateStore() = default;

  // Creates the event record (status processing) or bumps attempts on an existing one.
  virtual Result<EventClaim> begin_event(const std::string& event_key) = 0;
  // Marks the event done and stores its decision record in one atomic step, so a crash can never
  // leave a decision without a done event (or the reverse).
  virtual Status finish_event(const std::string& event_key, EventStatus status,
                              const std::optional<DecisionRecord>& decision) = 0;
  virtual Result<std::optional<EventRecord>> get_event(const std::string& event_key) = 0;

  virtual Result<ActionClaim> claim_action(const std::string& action_key) = 0;
  virtual Status complete_action(const std::string& action_key, ActionStatus status,
                                 const std::string& result_code) = 0;
  // The record as stored, without claiming it (a retry reads what the last attempt left).
  virtual Result<std::optional<ActionRecord>> get_action(const std::string& action_key) = 0;

  virtual Result<std::optional<ConversationRecord>> get_conversation(
      const std::string& ticket_id) = 0;
  // Writes when the stored version equals record.version (0 = must not exist yet); the stored
  // version becomes record.version + 1. A lost race is ErrorKind::conflict.
  virtual Status put_conversation(const ConversationRecord& record) = 0;

  // The latest `limit` decisions of a ticket, newest first.
  virtual Result<std::vector<DecisionRecord>> decisions_for_ticket(const std::string& ticket_id,
                                                                   int limit) = 0;
  // Every decision of a trace, in the order they were stored.
  virtual Result<std::vector<DecisionRecord>> decisions_for_trace(const std::string& trace_id) = 0;

  // Deletes expired rows; returns how many.
  virtual Result<std::int64_t> purge_expired() = 0;
};

}  // namespace rpmw::core
