#pragma once
// An in-memory StateStore with the same semantics as SqliteStateStore: TTLs from the injected
// clock, compare-and-set conversations, decisions kept in insertion order.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/ports/state_store.h"
#include "tests/fakes/failure_script.h"

namespace rpmw::fakes {

struct InMemoryStateStoreOptions {
  std::chrono::milliseconds event_ttl{std::chrono::hours(24 * 30)};
  std::chrono::milliseconds action_ttl{std::chrono::hours(24 * 30)};
  std::chrono::milliseconds conversation_ttl{std::chrono::hours(24 * 90)};
  std::chrono::milliseconds decision_ttl{std::chrono::hours(24 * 60)};
};

class InMemoryStateStore final : public core::StateStore {
 public:
  explicit InMemoryStateStore(const core::Clock& clock, InMemoryStateStoreOptions options = {});

  // The next call of `method` ("begin_event", "finish_event", ...; any method when empty) fails
  // with `error` and changes nothing. Failures queue up and are used in the order given.
  void fail_next(core::Error error, std::string method = {});
  // Every decision stored, oldest first (what the SQLite table holds ordered by id).
  std::vector<core::DecisionRecord> all_decisions() const;

  core::Result<core::EventClaim> begin_event(const std::string& event_key) override;
  core::Status finish_event(const std::string& event_key, core::EventStatus status,
                            const std::optional<core::DecisionRecord>& decision) override;
  core::Result<std::optional<core::EventRecord>> get_event(const std::string& event_key) override;

  core::Result<core::ActionClaim> claim_action(const std::string& action_key) override;
  core::Result<std::optional<core::ActionRecord>> get_action(
      const std::string& action_key) override;
  core::Status complete_action(const std::string& action_key, core::ActionStatus status,
                               const std::string& result_code) override;

  core::Result<std::optional<core::ConversationRecord>> get_conversation(
      const std::string& ticket_id) override;
  core::Status put_conversation(const core::ConversationRecord& record) override;

  core::Result<std::vector<core::DecisionRecord>> decisions_for_ticket(const std::string& ticket_id,
                                                                       int limit) override;
  core::Result<std::vector<core::DecisionRecord>> decisions_for_trace(
      const std::string& trace_id) override;

  core::Result<std::int64_t> purge_expired() override;

 private:
  template <class T>
  struct Expiring {
    T value;
    std::int64_t expires_at_ms = 0;
  };

  // Caller holds mutex_.
  std::optional<core::Error> take_failure(const std::string& method) {
    return failures_.take(method);
  }
  std::int64_t now_ms() const;

  const core::Clock& clock_;
  InMemoryStateStoreOptions options_;

  mutable std::mutex mutex_;
  std::map<std::string, Expiring<core::EventRecord>> events_;
  std::map<std::string, Expiring<core::ActionRecord>> actions_;
  std::map<std::string, Expiring<core::ConversationRecord>> conversations_;
  std::vector<Expiring<core::DecisionRecord>> decisions_;  // insertion order
  FailureScript failures_;
};

}  // namespace rpmw::fakes
