#include "adapters/sqlite/sqlite_state_store.h"

#include <boost/json.hpp>

#include <optional>
#include <string_view>

namespace rpmw::adapters::sqlite {

using core::ErrorKind;
namespace json = boost::json;

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS state_events(
  event_key TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS state_events_expires ON state_events(expires_at_ms);
CREATE TABLE IF NOT EXISTS state_actions(
  action_key TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  result_code TEXT NOT NULL DEFAULT '',
  at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS state_actions_expires ON state_actions(expires_at_ms);
CREATE TABLE IF NOT EXISTS state_conversations(
  ticket_id TEXT PRIMARY KEY,
  json TEXT NOT NULL,
  version INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS state_conversations_expires ON state_conversations(expires_at_ms);
CREATE TABLE IF NOT EXISTS state_decisions(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ticket_id TEXT NOT NULL,
  event_key TEXT NOT NULL,
  event_id TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  json TEXT NOT NULL,
  expires_at_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS state_decisions_ticket ON state_decisions(ticket_id, id);
CREATE INDEX IF NOT EXISTS state_decisions_trace ON state_decisions(trace_id, id);
CREATE INDEX IF NOT EXISTS state_decisions_expires ON state_decisions(expires_at_ms);
)sql";

template <class T>
tl::unexpected<core::Error> err(const T& result) {
  return tl::unexpected<core::Error>(result.error());
}

// Stored as text so the table reads well in the sqlite3 shell.
const char* event_status_text(core::EventStatus status) {
  switch (status) {
    case core::EventStatus::processing:
      return "processing";
    case core::EventStatus::done:
      return "done";
    case core::EventStatus::duplicate:
      return "duplicate";
  }
  return "processing";
}

std::optional<core::EventStatus> parse_event_status(std::string_view text) {
  if (text == "processing") return core::EventStatus::processing;
  if (text == "done") return core::EventStatus::done;
  if (text == "duplicate") return core::EventStatus::duplicate;
  return std::nullopt;
}

const char* action_status_text(core::ActionStatus status) {
  switch (status) {
    case core::ActionStatus::pending:
      return "pending";
    case core::ActionStatus::done:
      return "done";
    case core::ActionStatus::failed:
      return "failed";
  }
  return "pending";
}

std::optional<core::ActionStatus> parse_action_status(std::string_view text) {
  if (text == "pending") return core::ActionStatus::pending;
  if (text == "done") return core::ActionStatus::done;
  if (text == "failed") return core::ActionStatus::failed;
  return std::nullopt;
}

std::string conversation_to_json(const core::ConversationRecord& record) {
  json::array epochs;
  for (auto ms : record.auto_reply_epoch_ms) epochs.emplace_back(ms);
  json::object out{{"last_comment_id", record.last_comment_id},
                   {"last_intent", record.last_intent},
                   {"last_team", record.last_team},
                   {"auto_reply_epoch_ms", std::move(epochs)},
                   {"pending_flow", record.pending_flow}};
  return json::serialize(out);
}

std::optional<core::ConversationRecord> conversation_from_json(std::string_view text) {
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const auto& obj = parsed.as_object();
  core::ConversationRecord record;
  const auto str = [&](std::string_view key) -> std::string {
    const auto* v = obj.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  record.last_comment_id = str("last_comment_id");
  record.last_intent = str("last_intent");
  record.last_team = str("last_team");
  record.pending_flow = str("pending_flow");
  if (const auto* epochs = obj.if_contains("auto_reply_epoch_ms"); epochs && epochs->is_array()) {
    for (const auto& v : epochs->as_array()) {
      if (v.is_int64())
        record.auto_reply_epoch_ms.push_back(v.as_int64());
      else if (v.is_uint64())
        record.auto_reply_epoch_ms.push_back(static_cast<std::int64_t>(v.as_uint64()));
    }
  }
  return record;
}

}  // namespace

core::Result<std::unique_ptr<SqliteStateStore>> SqliteStateStore::open(
    const SqliteConfig& config, const core::Clock& clock, SqliteStateStoreOptions options) {
  return guarded([&]() -> core::Result<std::unique_ptr<SqliteStateStore>> {
    auto db = SqliteDb::open(config);
    if (!db) return err(db);
    auto created = (*db)->transaction([&] { return (*db)->exec(kSchema); });
    if (!created) return err(created);
    return std::unique_ptr<SqliteStateStore>(new SqliteStateStore(std::move(*db), clock, options));
  });
}

// ---- events ----

core::Result<std::optional<core::EventRecord>> SqliteStateStore::load_event(
    const std::string& event_key) {
  auto select = db_->prepare(
      "SELECT status, first_seen_ms, last_seen_ms, attempts FROM state_events "
      "WHERE event_key = ?1");
  if (!select) return err(select);
  select->bind(1, event_key);
  auto row = select->step();
  if (!row) return err(row);
  if (!*row) return std::optional<core::EventRecord>();
  const auto status = parse_event_status(select->column_text(0));
  if (!status) return core::fail(ErrorKind::internal, "corrupt_event_status");
  core::EventRecord record;
  record.event_key = event_key;
  record.status = *status;
  record.first_seen = core::from_epoch_ms(select->column_int64(1));
  record.last_seen = core::from_epoch_ms(select->column_int64(2));
  record.attempts = static_cast<int>(select->column_int64(3));
  return std::optional<core::EventRecord>(std::move(record));
}

core::Result<core::EventClaim> SqliteStateStore::begin_event(const std::string& event_key) {
  return guarded([&]() -> core::Result<core::EventClaim> {
    std::lock_guard lock(mutex_);
    const std::int64_t now_ms = core::to_epoch_ms(clock_.now());
    core::EventClaim claim;
    auto status = db_->transaction([&]() -> core::Status {
      auto upsert = db_->prepare(
          "INSERT INTO state_events(event_key, status, first_seen_ms, last_seen_ms, attempts, "
          "expires_at_ms) VALUES (?1, 'processing', ?2, ?2, 1, ?3) "
          "ON CONFLICT(event_key) DO UPDATE SET attempts = attempts + 1, last_seen_ms = ?2, "
          "expires_at_ms = ?3");
      if (!upsert) return err(upsert);
      upsert->bind(1, event_key).bind(2, now_ms).bind(3, now_ms + options_.event_ttl.count());
      if (auto ok = upsert->run(); !ok) return ok;
      auto record = load_event(event_key);
      if (!record) return err(record);
      if (!*record) return core::fail(ErrorKind::internal, "event_vanished");
      claim.record = std::move(**record);
      claim.already_done = claim.record.status != core::EventStatus::processing;
      return {};
    });
    if (!status) return err(status);
    return claim;
  });
}

core::Status SqliteStateStore::finish_event(const std::string& event_key, core::EventStatus status,
                                            const std::optional<core::DecisionRecord>& decision) {
  return guarded([&]() -> core::Status {
    std::lock_guard lock(mutex_);
    const std::int64_t now_ms = core::to_epoch_ms(clock_.now());
    // One transaction: a crash leaves both the status and the decision, or neither. An event
    // that is already done stays as its first finisher left it (two workers whose leases
    // overlapped must not leave two decisions).
    return db_->transaction([&]() -> core::Status {
      auto upsert = db_->prepare(
          "INSERT INTO state_events(event_key, status, first_seen_ms, last_seen_ms, attempts, "
          "expires_at_ms) VALUES (?1, ?2, ?3, ?3, 1, ?4) "
          "ON CONFLICT(event_key) DO UPDATE SET status = ?2, last_seen_ms = ?3, expires_at_ms = "
          "?4 WHERE state_events.status != 'done'");
      if (!upsert) return err(upsert);
      upsert->bind(1, event_key)
          .bind(2, event_status_text(status))
          .bind(3, now_ms)
          .bind(4, now_ms + options_.event_ttl.count());
      if (auto ok = upsert->run(); !ok) return ok;
      if (!decision || db_->changes() == 0) return {};
      auto insert = db_->prepare(
          "INSERT INTO state_decisions(ticket_id, event_key, event_id, trace_id, at_ms, json, "
          "expires_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
      if (!insert) return err(insert);
      insert->bind(1, decision->ticket_id)
          .bind(2, decision->event_key)
          .bind(3, decision->event_id)
          .bind(4, decision->trace_id)
          .bind(5, core::to_epoch_ms(decision->at))
          .bind(6, decision->json)
          .bind(7, now_ms + options_.decision_ttl.count());
      return insert->run();
    });
  });
}

core::Result<std::optional<core::EventRecord>> SqliteStateStore::get_event(
    const std::string& event_key) {
  return guarded([&]() -> core::Result<std::optional<core::EventRecord>> {
    std::lock_guard lock(mutex_);
    return load_event(event_key);
  });
}

// ---- actions ----

core::Result<std::optional<core::ActionRecord>> SqliteStateStore::load_action(
    const std::string& action_key) {
  auto select =
      db_->prepare("SELECT status, result_code, at_ms FROM state_actions WHERE action_key = ?1");
  if (!select) return err(select);
  select->bind(1, action_key);
  auto row = select->step();
  if (!row) return err(row);
  if (!*row) return std::optional<core::ActionRecord>();
  const auto status = parse_action_status(select->column_text(0));
  if (!status) return core::fail(ErrorKind::internal, "corrupt_action_status");
  core::ActionRecord record;
  record.action_key = action_key;
  record.status = *status;
  record.result_code = select->column_text(1);
  record.at = core::from_epoch_ms(select->column_int64(2));
  return std::optional<core::ActionRecord>(std::move(record));
}

core::Result<std::optional<core::ActionRecord>> SqliteStateStore::get_action(
    const std::string& action_key) {
  return guarded([&]() -> core::Result<std::optional<core::ActionRecord>> {
    std::lock_guard lock(mutex_);
    return load_action(action_key);
  });
}

core::Result<core::ActionClaim> SqliteStateStore::claim_action(const std::string& action_key) {
  return guarded([&]() -> core::Result<core::ActionClaim> {
    std::lock_guard lock(mutex_);
    const std::int64_t now_ms = core::to_epoch_ms(clock_.now());
    core::ActionClaim claim;
    auto status = db_->transaction([&]() -> core::Status {
      auto existing = load_action(action_key);
      if (!existing) return err(existing);
      if (*existing && (*existing)->status != core::ActionStatus::failed) {
        claim.existing = std::move(**existing);  // pending (someone is on it) or done
        return {};
      }
      // New, or a failed attempt we may retry: take it.
      auto upsert = db_->prepare(
          "INSERT INTO state_actions(action_key, status, result_code, at_ms, expires_at_ms) "
          "VALUES (?1, 'pending', '', ?2, ?3) ON CONFLICT(action_key) DO UPDATE SET "
          "status = 'pending', result_code = '', at_ms = ?2, expires_at_ms = ?3");
      if (!upsert) return err(upsert);
      upsert->bind(1, action_key).bind(2, now_ms).bind(3, now_ms + options_.action_ttl.count());
      if (auto ok = upsert->run(); !ok) return ok;
      claim.claimed = true;
      claim.existing = core::ActionRecord{action_key, core::ActionStatus::pending, "",
                                          core::from_epoch_ms(now_ms)};
      return {};
    });
    if (!status) return err(status);
    return claim;
  });
}

core::Status SqliteStateStore::complete_action(const std::string& action_key,
                                               core::ActionStatus status,
                                               const std::string& result_code) {
  return guarded([&]() -> core::Status {
    std::lock_guard lock(mutex_);
    const std::int64_t now_ms = core::to_epoch_ms(clock_.now());
    auto upsert = db_->prepare(
        "INSERT INTO state_actions(action_key, status, result_code, at_ms, expires_at_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(action_key) DO UPDATE SET status = ?2, "
        "result_code = ?3, at_ms = ?4, expires_at_ms = ?5");
    if (!upsert) return err(upsert);
    upsert->bind(1, action_key)
        .bind(2, action_status_text(status))
        .bind(3, result_code)
        .bind(4, now_ms)
        .bind(5, now_ms + options_.action_ttl.count());
    return upsert->run();
  });
}

// ---- conversations ----

core::Result<std::optional<core::ConversationRecord>> SqliteStateStore::get_conversation(
    const std::string& ticket_id) {
  return guarded([&]() -> core::Result<std::optional<core::ConversationRecord>> {
    std::lock_guard lock(mutex_);
    auto select =
        db_->prepare("SELECT json, version FROM state_conversations WHERE ticket_id = ?1");
    if (!select) return err(select);
    select->bind(1, ticket_id);
    auto row = select->step();
    if (!row) return err(row);
    if (!*row) return std::optional<core::ConversationRecord>();
    auto record = conversation_from_json(select->column_text(0));
    if (!record) return core::fail(ErrorKind::internal, "corrupt_conversation");
    record->ticket_id = ticket_id;
    record->version = select->column_int64(1);
    return record;
  });
}

core::Status SqliteStateStore::put_conversation(const core::ConversationRecord& record) {
  return guarded([&]() -> core::Status {
    if (record.version < 0) return core::fail(ErrorKind::invalid_input, "bad_version");
    std::lock_guard lock(mutex_);
    const std::int64_t now_ms = core::to_epoch_ms(clock_.now());
    const std::string body = conversation_to_json(record);
    const std::int64_t expires = now_ms + options_.conversation_ttl.count();
    // The version check and the write are one statement, so it is atomic across processes too.
    auto write = record.version == 0
                     ? db_->prepare(
                           "INSERT INTO state_conversations(ticket_id, json, version, "
                           "expires_at_ms) VALUES (?1, ?2, ?3 + 1, ?4) ON CONFLICT DO NOTHING")
                     : db_->prepare(
                           "UPDATE state_conversations SET json = ?2, version = ?3 + 1, "
                           "expires_at_ms = ?4 WHERE ticket_id = ?1 AND version = ?3");
    if (!write) return err(write);
    write->bind(1, record.ticket_id).bind(2, body).bind(3, record.version).bind(4, expires);
    if (auto ok = write->run(); !ok) return ok;
    if (db_->changes() == 0) return core::fail(ErrorKind::conflict, "version_conflict");
    return {};
  });
}

// ---- decisions ----

core::Result<std::vector<core::DecisionRecord>> SqliteStateStore::load_decisions(
    const std::string& sql, const std::string& key, std::int64_t limit) {
  auto select = db_->prepare(sql);
  if (!select) return err(select);
  select->bind(1, key).bind(2, limit);
  std::vector<core::DecisionRecord> out;
  for (;;) {
    auto row = select->step();
    if (!row) return err(row);
    if (!*row) break;
    core::DecisionRecord decision;
    decision.ticket_id = select->column_text(0);
    decision.event_key = select->column_text(1);
    decision.event_id = select->column_text(2);
    decision.trace_id = select->column_text(3);
    decision.at = core::from_epoch_ms(select->column_int64(4));
    decision.json = select->column_text(5);
    out.push_back(std::move(decision));
  }
  return out;
}

core::Result<std::vector<core::DecisionRecord>> SqliteStateStore::decisions_for_ticket(
    const std::string& ticket_id, int limit) {
  return guarded([&]() -> core::Result<std::vector<core::DecisionRecord>> {
    if (limit <= 0) return std::vector<core::DecisionRecord>{};
    std::lock_guard lock(mutex_);
    return load_decisions(
        "SELECT ticket_id, event_key, event_id, trace_id, at_ms, json FROM state_decisions "
        "WHERE ticket_id = ?1 ORDER BY id DESC LIMIT ?2",
        ticket_id, limit);
  });
}

core::Result<std::vector<core::DecisionRecord>> SqliteStateStore::decisions_for_trace(
    const std::string& trace_id) {
  return guarded([&]() -> core::Result<std::vector<core::DecisionRecord>> {
    std::lock_guard lock(mutex_);
    return load_decisions(
        "SELECT ticket_id, event_key, event_id, trace_id, at_ms, json FROM state_decisions "
        "WHERE trace_id = ?1 ORDER BY id ASC LIMIT ?2",
        trace_id, -1);
  });
}

// ---- TTL ----

core::Result<std::int64_t> SqliteStateStore::purge_expired() {
  return guarded([&]() -> core::Result<std::int64_t> {
    static const char* const kPurges[] = {
        "DELETE FROM state_events WHERE rowid IN (SELECT rowid FROM state_events "
        "WHERE expires_at_ms <= ?1 LIMIT 1000)",
        "DELETE FROM state_actions WHERE rowid IN (SELECT rowid FROM state_actions "
        "WHERE expires_at_ms <= ?1 LIMIT 1000)",
        "DELETE FROM state_conversations WHERE rowid IN (SELECT rowid FROM state_conversations "
        "WHERE expires_at_ms <= ?1 LIMIT 1000)",
        "DELETE FROM state_decisions WHERE id IN (SELECT id FROM state_decisions "
        "WHERE expires_at_ms <= ?1 LIMIT 1000)",
    };
    const std::int64_t now_ms = core::to_epoch_ms(clock_.now());
    std::int64_t removed = 0;
    for (const char* sql : kPurges) {
      // Batches of 1000, each its own transaction, so workers are never blocked for long.
      for (;;) {
        std::int64_t batch = 0;
        std::lock_guard lock(mutex_);
        auto status = db_->transaction([&]() -> core::Status {
          auto remove = db_->prepare(sql);
          if (!remove) return err(remove);
          remove->bind(1, now_ms);
          if (auto ok = remove->run(); !ok) return ok;
          batch = db_->changes();
          return {};
        });
        if (!status) return err(status);
        removed += batch;
        if (batch < 1000) break;
      }
    }
    return removed;
  });
}

}  // namespace rpmw::adapters::sqlite
