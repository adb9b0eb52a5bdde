#include "tests/fakes/in_memory_state.h"

#include <algorithm>
#include <utility>

namespace rpmw::fakes {

using core::ErrorKind;

namespace {
tl::unexpected<core::Error> unexpected(core::Error error) {
  return tl::unexpected<core::Error>(std::move(error));
}
}  // namespace

InMemoryStateStore::InMemoryStateStore(const core::Clock& clock, InMemoryStateStoreOptions options)
    : clock_(clock), options_(options) {}

void InMemoryStateStore::fail_next(core::Error error, std::string method) {
  std::lock_guard lock(mutex_);
  failures_.push(std::move(error), std::move(method));
}

std::int64_t InMemoryStateStore::now_ms() const {
  return core::to_epoch_ms(clock_.now());
}

std::vector<core::DecisionRecord> InMemoryStateStore::all_decisions() const {
  std::lock_guard lock(mutex_);
  std::vector<core::DecisionRecord> out;
  for (const auto& d : decisions_) out.push_back(d.value);
  return out;
}

core::Result<core::EventClaim> InMemoryStateStore::begin_event(const std::string& event_key) {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("begin_event")) return unexpected(*failure);
  const std::int64_t now = now_ms();
  const std::int64_t expires = now + options_.event_ttl.count();
  auto it = events_.find(event_key);
  if (it == events_.end()) {
    core::EventRecord record{event_key, core::EventStatus::processing, core::from_epoch_ms(now),
                             core::from_epoch_ms(now), 1};
    it = events_.emplace(event_key, Expiring<core::EventRecord>{std::move(record), expires}).first;
  } else {
    it->second.value.attempts += 1;
    it->second.value.last_seen = core::from_epoch_ms(now);
    it->second.expires_at_ms = expires;
  }
  core::EventClaim claim;
  claim.record = it->second.value;
  claim.already_done = claim.record.status != core::EventStatus::processing;
  return claim;
}

core::Status InMemoryStateStore::finish_event(const std::string& event_key,
                                              core::EventStatus status,
                                              const std::optional<core::DecisionRecord>& decision) {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("finish_event")) return unexpected(*failure);
  const std::int64_t now = now_ms();
  auto& entry = events_[event_key];
  // Already done: the first finisher's record stands (overlapping leases, spec/01).
  if (!entry.value.event_key.empty() && entry.value.status == core::EventStatus::done &&
      entry.expires_at_ms > now) {
    return {};
  }
  if (entry.value.event_key.empty()) {  // finished without begin_event
    entry.value =
        core::EventRecord{event_key, status, core::from_epoch_ms(now), core::from_epoch_ms(now), 1};
  }
  entry.value.status = status;
  entry.value.last_seen = core::from_epoch_ms(now);
  entry.expires_at_ms = now + options_.event_ttl.count();
  if (decision) {
    decisions_.push_back(
        Expiring<core::DecisionRecord>{*decision, now + options_.decision_ttl.count()});
  }
  return {};
}

core::Result<std::optional<core::EventRecord>> InMemoryStateStore::get_event(
    const std::string& event_key) {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("get_event")) return unexpected(*failure);
  auto it = events_.find(event_key);
  if (it == events_.end()) return std::optional<core::EventRecord>();
  return std::optional<core::EventRecord>(it->second.value);
}

core::Result<std::optional<core::ActionRecord>> InMemoryStateStore::get_action(
    const std::string& action_key) {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("get_action")) return unexpected(*failure);
  auto it = actions_.find(action_key);
  if (it == actions_.end()) return std::optional<core::ActionRecord>();
  return std::optional<core::ActionRecord>(it->second.value);
}

core::Result<core::ActionClaim> InMemoryStateStore::claim_action(const std::string& action_key) {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("claim_action")) return unexpected(*failure);
  const std::int64_t now = now_ms();
  core::ActionClaim claim;
  auto it = actions_.find(action_key);
  if (it != actions_.end() && it->second.value.status != core::ActionStatus::failed) {
    claim.existing = it->second.value;
    return claim;
  }
  core::ActionRecord record{action_key, core::ActionStatus::pending, "", core::from_epoch_ms(now)};
  actions_.insert_or_assign(
      action_key, Expiring<core::ActionRecord>{record, now + options_.action_ttl.count()});
  claim.claimed = true;
  claim.existing = std::move(record);
  return claim;
}

core::Status InMemoryStateStore::complete_action(const std::string& action_key,
                                                 core::ActionStatus status,
                                                 const std::string& result_code) {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("complete_action")) return unexpected(*failure);
  const std::int64_t now = now_ms();
  actions_.insert_or_assign(
      action_key, Expiring<core::ActionRecord>{
                      core::ActionRecord{action_key, status, result_code, core::from_epoch_ms(now)},
                      now + options_.action_ttl.count()});
  return {};
}

core::Result<std::optional<core::ConversationRecord>> InMemoryStateStore::get_conversation(
    const std::string& ticket_id) {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("get_conversation")) return unexpected(*failure);
  auto it = conversations_.find(ticket_id);
  if (it == conversations_.end()) return std::optional<core::ConversationRecord>();
  return std::optional<core::ConversationRecord>(it->second.value);
}

core::Status InMemoryStateStore::put_conversation(const core::ConversationRecord& record) {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("put_conversation")) return unexpected(*failure);
  if (record.version < 0) return core::fail(ErrorKind::invalid_input, "bad_version");
  auto it = conversations_.find(record.ticket_id);
  const bool matches =
      it == conversations_.end() ? record.version == 0 : it->second.value.version == record.version;
  if (!matches) return core::fail(ErrorKind::conflict, "version_conflict");
  core::ConversationRecord stored = record;
  stored.version = record.version + 1;
  conversations_.insert_or_assign(
      record.ticket_id, Expiring<core::ConversationRecord>{
                            std::move(stored), now_ms() + options_.conversation_ttl.count()});
  return {};
}

core::Result<std::vector<core::DecisionRecord>> InMemoryStateStore::decisions_for_ticket(
    const std::string& ticket_id, int limit) {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("decisions_for_ticket")) return unexpected(*failure);
  std::vector<core::DecisionRecord> out;
  for (auto it = decisions_.rbegin(); it != decisions_.rend(); ++it) {  // newest first
    if (static_cast<int>(out.size()) >= limit) break;
    if (it->value.ticket_id == ticket_id) out.push_back(it->value);
  }
  return out;
}

core::Result<std::vector<core::DecisionRecord>> InMemoryStateStore::decisions_for_trace(
    const std::string& trace_id) {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("decisions_for_trace")) return unexpected(*failure);
  std::vector<core::DecisionRecord> out;
  for (const auto& d : decisions_) {  // oldest first
    if (d.value.trace_id == trace_id) out.push_back(d.value);
  }
  return out;
}

core::Result<std::int64_t> InMemoryStateStore::purge_expired() {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("purge_expired")) return unexpected(*failure);
  const std::int64_t now = now_ms();
  const auto expired = [&](const auto& entry) { return entry.second.expires_at_ms <= now; };
  std::int64_t removed = 0;
  removed += static_cast<std::int64_t>(std::erase_if(events_, expired));
  removed += static_cast<std::int64_t>(std::erase_if(actions_, expired));
  removed += static_cast<std::int64_t>(std::erase_if(conversations_, expired));
  removed += static_cast<std::int64_t>(
      std::erase_if(decisions_, [&](const auto& d) { return d.expires_at_ms <= now; }));
  return removed;
}

}  // namespace rpmw::fakes
