#pragma once
// StateStore on SQLite: event, action, conversation and decision records with TTLs (spec/01).
// Thread-safe (one connection behind a mutex); a second process may use the same file.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>

#include "adapters/sqlite/sqlite_db.h"
#include "core/ports/clock.h"
#include "core/ports/state_store.h"

namespace rpmw::adapters::sqlite {

struct SqliteStateStoreOptions {
  std::chrono::milliseconds event_ttl{std::chrono::hours(24 * 30)};
  std::chrono::milliseconds action_ttl{std::chrono::hours(24 * 30)};
  std::chrono::milliseconds conversation_ttl{std::chrono::hours(24 * 90)};
  std::chrono::milliseconds decision_ttl{std::chrono::hours(24 * 60)};
};

class SqliteStateStore final : public core::StateStore {
 public:
  static core::Result<std::unique_ptr<SqliteStateStore>> open(const SqliteConfig& config,
                                                              const core::Clock& clock,
                                                              SqliteStateStoreOptions options = {});

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

  template <class F>
  auto with_db(F&& f) {
    std::lock_guard lock(mutex_);
    return f(*db_);
  }

 private:
  SqliteStateStore(std::unique_ptr<SqliteDb> db, const core::Clock& clock,
                   SqliteStateStoreOptions options)
      : db_(std::move(db)), clock_(clock), options_(options) {}

  core::Result<std::optional<core::EventRecord>> load_event(const std::string& event_key);
  core::Result<std::optional<core::ActionRecord>> load_action(const std::string& action_key);
  core::Result<std::vector<core::DecisionRecord>> load_decisions(const std::string& sql,
                                                                 const std::string& key,
                                                                 std::int64_t limit);

  std::unique_ptr<SqliteDb> db_;
  const core::Clock& clock_;
  SqliteStateStoreOptions options_;
  std::mutex mutex_;
};

}  // namespace rpmw::adapters::sqlite
