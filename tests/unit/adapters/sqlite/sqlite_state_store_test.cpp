// SQLite-only state and flag behaviour: atomicity, durability, the shared file and the table
// layout integration tests read. The shared semantics are in tests/unit/contracts/.
#include "adapters/sqlite/sqlite_state_store.h"

#include <doctest/doctest.h>

#include <chrono>

#include "adapters/sqlite/sqlite_flag_store.h"
#include "tests/unit/contracts/contract_backends.h"

namespace rpmw::adapters::sqlite {
namespace {

using namespace std::chrono_literals;
using contracts::TempDbPath;

std::unique_ptr<SqliteStateStore> open_state(const TempDbPath& file, const core::Clock& clock) {
  auto state = SqliteStateStore::open(file.config(), clock);
  REQUIRE(state.has_value());
  return std::move(*state);
}

core::DecisionRecord decision(const std::string& key, const std::string& trace,
                              core::TimePoint at) {
  return core::DecisionRecord{"t1", key, "evt_" + key, trace, at, R"({"k":")" + key + "\"}"};
}

}  // namespace

TEST_CASE("sqlite state: finish_event writes status and decision atomically") {
  TempDbPath file;
  fakes::FakeClock clock;
  auto state = open_state(file, clock);
  REQUIRE(state->begin_event("t1:c1").has_value());
  // Make the decision insert fail after the status update inside the same transaction.
  state->with_db([](SqliteDb& db) {
    REQUIRE(db.exec("CREATE TRIGGER fail_decision BEFORE INSERT ON state_decisions "
                    "BEGIN SELECT RAISE(ABORT, 'injected'); END")
                .has_value());
  });
  auto failed =
      state->finish_event("t1:c1", core::EventStatus::done, decision("t1:c1", "trc", clock.now()));
  REQUIRE_FALSE(failed.has_value());
  auto event = state->get_event("t1:c1");
  REQUIRE(event.has_value());
  CHECK((*event)->status == core::EventStatus::processing);  // the status update rolled back

  state->with_db([](SqliteDb& db) { REQUIRE(db.exec("DROP TRIGGER fail_decision").has_value()); });
  REQUIRE(
      state->finish_event("t1:c1", core::EventStatus::done, decision("t1:c1", "trc", clock.now()))
          .has_value());
  CHECK((*state->get_event("t1:c1"))->status == core::EventStatus::done);
  CHECK(state->decisions_for_ticket("t1", 10)->size() == 1);
}

TEST_CASE("sqlite state: state_decisions rows are readable in id order") {
  TempDbPath file;
  fakes::FakeClock clock;
  auto state = open_state(file, clock);
  for (int i = 1; i <= 3; ++i) {
    const std::string key = "t1:c" + std::to_string(i);
    REQUIRE(state->finish_event(key, core::EventStatus::done, decision(key, "trc_x", clock.now()))
                .has_value());
    clock.advance(1s);
  }
  state->with_db([&](SqliteDb& db) {
    auto stmt = db.prepare(
        "SELECT id, ticket_id, event_key, event_id, trace_id, at_ms, json, expires_at_ms "
        "FROM state_decisions ORDER BY id");
    REQUIRE(stmt.has_value());
    std::vector<std::string> keys;
    while (stmt->step().value_or(false)) {
      keys.push_back(stmt->column_text(2));
      CHECK(stmt->column_text(1) == "t1");
      CHECK(stmt->column_text(4) == "trc_x");
      CHECK(stmt->column_text(6) == R"({"k":")" + stmt->column_text(2) + "\"}");
      CHECK(stmt->column_int64(7) > stmt->column_int64(5));
    }
    CHECK(keys == std::vector<std::string>{"t1:c1", "t1:c2", "t1:c3"});
  });
}

TEST_CASE("sqlite state: records and flags survive a reopen") {
  TempDbPath file;
  fakes::FakeClock clock;
  {
    auto state = open_state(file, clock);
    REQUIRE(
        state->finish_event("t1:c1", core::EventStatus::done, decision("t1:c1", "trc", clock.now()))
            .has_value());
    REQUIRE(state->claim_action("act:t1:c1:reply:t1").has_value());
    core::ConversationRecord conversation;
    conversation.ticket_id = "t1";
    conversation.last_intent = "wismo";
    REQUIRE(state->put_conversation(conversation).has_value());
    auto flags = SqliteFlagStore::open(file.config(), clock);
    REQUIRE(flags.has_value());
    REQUIRE((*flags)->set("safe_mode", "true").has_value());
  }
  auto state = open_state(file, clock);
  CHECK((*state->get_event("t1:c1"))->status == core::EventStatus::done);
  auto claim = state->claim_action("act:t1:c1:reply:t1");
  REQUIRE(claim.has_value());
  CHECK_FALSE(claim->claimed);
  auto conversation = state->get_conversation("t1");
  REQUIRE(conversation.has_value());
  REQUIRE(conversation->has_value());
  CHECK((*conversation)->last_intent == "wismo");
  CHECK((*conversation)->version == 1);
  auto flags = SqliteFlagStore::open(file.config(), clock);
  REQUIRE(flags.has_value());
  CHECK((*flags)->get("safe_mode")->value_or("") == "true");
}

TEST_CASE("sqlite state: conversation compare-and-set holds across two connections") {
  TempDbPath file;
  fakes::FakeClock clock;
  auto first = open_state(file, clock);
  auto second = open_state(file, clock);
  core::ConversationRecord record;
  record.ticket_id = "t1";
  REQUIRE(first->put_conversation(record).has_value());
  auto a = *first->get_conversation("t1").value();
  auto b = *second->get_conversation("t1").value();
  a.last_intent = "wismo";
  b.last_intent = "refund";
  REQUIRE(first->put_conversation(a).has_value());
  auto lost = second->put_conversation(b);
  REQUIRE_FALSE(lost.has_value());
  CHECK(lost.error().kind == core::ErrorKind::conflict);
  CHECK(lost.error().code == "version_conflict");
  CHECK(second->get_conversation("t1").value()->last_intent == "wismo");
}

TEST_CASE("sqlite state: queue, state and flags share one file") {
  TempDbPath file;
  fakes::FakeClock clock;
  fakes::SeededRandom random;
  auto queue = SqliteEventQueue::open(file.config(), clock, random);
  auto state = SqliteStateStore::open(file.config(), clock);
  auto flags = SqliteFlagStore::open(file.config(), clock);
  REQUIRE(queue.has_value());
  REQUIRE(state.has_value());
  REQUIRE(flags.has_value());
  REQUIRE((*queue)->enqueue(contracts::request("t1", "a")).has_value());
  REQUIRE((*state)->begin_event("t1:c1").has_value());
  REQUIRE((*flags)->set("automation_enabled", "false").has_value());
  const std::string tables = (*queue)->with_db([](SqliteDb& db) {
    return db
        .query_text(
            "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master "
            "WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name)")
        .value_or("");
  });
  CHECK(tables ==
        "flags,queue_dead_letters,queue_dedup_log,queue_messages,state_actions,state_conversations,"
        "state_decisions,state_events");
}

}  // namespace rpmw::adapters::sqlite
