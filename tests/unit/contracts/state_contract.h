#pragma once
// The StateStore contract: each behaviour written once (TEST_CASE_TEMPLATE_DEFINE) and
// instantiated per backend with TEST_CASE_TEMPLATE_INVOKE, by the unit binary (SQLite, fake) and
// by the AWS test binary (DynamoDB on moto). Include it from exactly one file per test binary.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "tests/unit/contracts/contract_backends.h"

namespace rpmw::contracts {

// A backend whose TTL deletes records by itself (DynamoDB) declares
// `static constexpr bool purge_deletes_rows = false;` and its purge_expired() returns 0.
template <class B>
constexpr bool purge_deletes_rows() {
  if constexpr (requires { B::purge_deletes_rows; }) {
    return B::purge_deletes_rows;
  } else {
    return true;
  }
}

inline core::DecisionRecord contract_decision(std::string ticket, std::string event_key,
                                              std::string trace, core::TimePoint at,
                                              std::string json = "{}") {
  return core::DecisionRecord{std::move(ticket), event_key, "evt_" + event_key,
                              std::move(trace),  at,        std::move(json)};
}

using namespace std::chrono_literals;
using StateContractDays = std::chrono::duration<std::int64_t, std::ratio<86400>>;

TEST_CASE_TEMPLATE_DEFINE("contracts: state begin and finish event are idempotent", B,
                          state_events_idempotent) {
  ContractEnv env;
  auto state = B::make_state(env);
  const auto t0 = env.clock.now();
  auto first = state->begin_event("t1:c1");
  REQUIRE(first.has_value());
  CHECK_FALSE(first->already_done);
  CHECK(first->record.event_key == "t1:c1");
  CHECK(first->record.status == core::EventStatus::processing);
  CHECK(first->record.attempts == 1);
  CHECK(first->record.first_seen == t0);

  env.clock.advance(5s);
  auto retry = state->begin_event("t1:c1");  // a crash before finishing: processed again
  REQUIRE(retry.has_value());
  CHECK_FALSE(retry->already_done);
  CHECK(retry->record.attempts == 2);
  CHECK(retry->record.first_seen == t0);
  CHECK(retry->record.last_seen == env.clock.now());

  REQUIRE(state->finish_event("t1:c1", core::EventStatus::done, std::nullopt).has_value());
  auto after = state->begin_event("t1:c1");
  REQUIRE(after.has_value());
  CHECK(after->already_done);
  CHECK(after->record.status == core::EventStatus::done);

  auto stored = state->get_event("t1:c1");
  REQUIRE(stored.has_value());
  REQUIRE(stored->has_value());
  CHECK((*stored)->status == core::EventStatus::done);
  auto missing = state->get_event("nope");
  REQUIRE(missing.has_value());
  CHECK_FALSE(missing->has_value());

  SUBCASE("an event finished as duplicate counts as done") {
    REQUIRE(state->begin_event("t2:c1").has_value());
    REQUIRE(state->finish_event("t2:c1", core::EventStatus::duplicate, std::nullopt).has_value());
    auto dup = state->begin_event("t2:c1");
    REQUIRE(dup.has_value());
    CHECK(dup->already_done);
    CHECK(dup->record.status == core::EventStatus::duplicate);
  }
}

// Two workers whose leases overlapped (a slow event redelivered) both finish the same event: it
// keeps one decision record, never two.
TEST_CASE_TEMPLATE_DEFINE("contracts: state a second finish of a done event adds no decision", B,
                          state_finish_once) {
  ContractEnv env;
  auto state = B::make_state(env);
  REQUIRE(state->begin_event("t1:c1").has_value());
  REQUIRE(state->begin_event("t1:c1").has_value());  // the redelivery, while the first still runs
  auto first = contract_decision("t1", "t1:c1", "trc_1", env.clock.now(), R"({"n":1})");
  REQUIRE(state->finish_event("t1:c1", core::EventStatus::done, first).has_value());
  env.clock.advance(1s);
  auto second = contract_decision("t1", "t1:c1", "trc_1", env.clock.now(), R"({"n":2})");
  REQUIRE(state->finish_event("t1:c1", core::EventStatus::done, second).has_value());
  auto decisions = state->decisions_for_ticket("t1", 10);
  REQUIRE(decisions.has_value());
  CHECK(decisions->size() == 1);
  auto event = state->get_event("t1:c1");
  REQUIRE(event.has_value());
  REQUIRE(event->has_value());
  CHECK((*event)->status == core::EventStatus::done);
}

TEST_CASE_TEMPLATE_DEFINE("contracts: state finish_event stores the decision with the status", B,
                          state_finish_stores_decision) {
  ContractEnv env;
  auto state = B::make_state(env);
  REQUIRE(state->begin_event("t1:c1").has_value());
  auto record = contract_decision("t1", "t1:c1", "trc_1", env.clock.now(), R"({"intent":"wismo"})");
  REQUIRE(state->finish_event("t1:c1", core::EventStatus::done, record).has_value());
  auto event = state->get_event("t1:c1");
  REQUIRE(event.has_value());
  REQUIRE(event->has_value());
  CHECK((*event)->status == core::EventStatus::done);
  auto decisions = state->decisions_for_ticket("t1", 10);
  REQUIRE(decisions.has_value());
  REQUIRE(decisions->size() == 1);
  const auto& d = (*decisions)[0];
  CHECK(d.ticket_id == "t1");
  CHECK(d.event_key == "t1:c1");
  CHECK(d.event_id == "evt_t1:c1");
  CHECK(d.trace_id == "trc_1");
  CHECK(d.at == env.clock.now());
  CHECK(d.json == R"({"intent":"wismo"})");
}

TEST_CASE_TEMPLATE_DEFINE("contracts: state get_action reads without claiming", B,
                          state_get_action) {
  ContractEnv env;
  auto state = B::make_state(env);
  const std::string key = "act:t1:c1:plan:t1";
  auto none = state->get_action(key);
  REQUIRE(none.has_value());
  CHECK_FALSE(none->has_value());

  REQUIRE(state->claim_action(key).has_value());
  auto pending = state->get_action(key);
  REQUIRE(pending.has_value());
  REQUIRE(pending->has_value());
  CHECK((*pending)->status == core::ActionStatus::pending);

  REQUIRE(state->complete_action(key, core::ActionStatus::failed, "unverified").has_value());
  auto failed = state->get_action(key);
  REQUIRE(failed.has_value());
  REQUIRE(failed->has_value());
  CHECK((*failed)->status == core::ActionStatus::failed);
  CHECK((*failed)->result_code == "unverified");
  // Reading does not take it: the failed record can still be claimed.
  auto retry = state->claim_action(key);
  REQUIRE(retry.has_value());
  CHECK(retry->claimed);
}

TEST_CASE_TEMPLATE_DEFINE("contracts: state claim_action protocol", B, state_claim_action) {
  ContractEnv env;
  auto state = B::make_state(env);
  const std::string key = "act:t1:c1:reply:t1";
  auto first = state->claim_action(key);
  REQUIRE(first.has_value());
  CHECK(first->claimed);

  auto second = state->claim_action(key);  // someone else is on it
  REQUIRE(second.has_value());
  CHECK_FALSE(second->claimed);
  CHECK(second->existing.action_key == key);
  CHECK(second->existing.status == core::ActionStatus::pending);

  env.clock.advance(1s);
  REQUIRE(state->complete_action(key, core::ActionStatus::done, "ok").has_value());
  auto done = state->claim_action(key);
  REQUIRE(done.has_value());
  CHECK_FALSE(done->claimed);
  CHECK(done->existing.status == core::ActionStatus::done);
  CHECK(done->existing.result_code == "ok");
  CHECK(done->existing.at == env.clock.now());

  SUBCASE("a failed action can be claimed again, once") {
    const std::string other = "act:t1:c1:tag:wismo";
    REQUIRE(state->claim_action(other).has_value());
    REQUIRE(state->complete_action(other, core::ActionStatus::failed, "http_500").has_value());
    auto retry = state->claim_action(other);
    REQUIRE(retry.has_value());
    CHECK(retry->claimed);
    auto racing = state->claim_action(other);
    REQUIRE(racing.has_value());
    CHECK_FALSE(racing->claimed);
    CHECK(racing->existing.status == core::ActionStatus::pending);
  }
}

TEST_CASE_TEMPLATE_DEFINE("contracts: state conversation compare-and-set", B,
                          state_conversation_cas) {
  ContractEnv env;
  auto state = B::make_state(env);
  auto none = state->get_conversation("t1");
  REQUIRE(none.has_value());
  CHECK_FALSE(none->has_value());

  core::ConversationRecord record;
  record.ticket_id = "t1";
  record.last_comment_id = "c9";
  record.last_intent = "wismo";
  record.last_team = "support";
  record.auto_reply_epoch_ms = {1'767'225'600'000, 1'767'225'700'000};
  record.pending_flow = "awaiting_order_number";
  record.version = 0;
  REQUIRE(state->put_conversation(record).has_value());

  auto stored = state->get_conversation("t1");
  REQUIRE(stored.has_value());
  REQUIRE(stored->has_value());
  const auto& s = **stored;
  CHECK(s.ticket_id == "t1");
  CHECK(s.last_comment_id == "c9");
  CHECK(s.last_intent == "wismo");
  CHECK(s.last_team == "support");
  CHECK(s.auto_reply_epoch_ms == record.auto_reply_epoch_ms);
  CHECK(s.pending_flow == "awaiting_order_number");
  CHECK(s.version == 1);

  const auto expect_conflict = [](const core::Status& status) {
    REQUIRE_FALSE(status.has_value());
    CHECK(status.error().kind == core::ErrorKind::conflict);
    CHECK(status.error().code == "version_conflict");
  };
  expect_conflict(state->put_conversation(record));  // version 0: must not exist yet

  core::ConversationRecord next = s;
  next.pending_flow.clear();
  REQUIRE(state->put_conversation(next).has_value());  // 1 → 2
  expect_conflict(state->put_conversation(next));      // lost race: still says version 1
  auto latest = state->get_conversation("t1");
  REQUIRE(latest.has_value());
  REQUIRE(latest->has_value());
  CHECK((*latest)->version == 2);
  CHECK((*latest)->pending_flow.empty());

  core::ConversationRecord ghost;
  ghost.ticket_id = "t2";
  ghost.version = 3;  // claims a version of a record that does not exist
  expect_conflict(state->put_conversation(ghost));
}

TEST_CASE_TEMPLATE_DEFINE("contracts: state decisions by ticket newest first and by trace in order",
                          B, state_decision_order) {
  ContractEnv env;
  auto state = B::make_state(env);
  for (int i = 1; i <= 3; ++i) {
    const std::string key = "t1:c" + std::to_string(i);
    REQUIRE(state
                ->finish_event(
                    key, core::EventStatus::done,
                    contract_decision("t1", key, i == 2 ? "trc_b" : "trc_a", env.clock.now()))
                .has_value());
    env.clock.advance(1s);
  }
  REQUIRE(state
              ->finish_event("t2:c1", core::EventStatus::done,
                             contract_decision("t2", "t2:c1", "trc_a", env.clock.now()))
              .has_value());

  auto latest = state->decisions_for_ticket("t1", 2);
  REQUIRE(latest.has_value());
  REQUIRE(latest->size() == 2);
  CHECK((*latest)[0].event_key == "t1:c3");
  CHECK((*latest)[1].event_key == "t1:c2");

  auto trace = state->decisions_for_trace("trc_a");
  REQUIRE(trace.has_value());
  REQUIRE(trace->size() == 3);
  CHECK((*trace)[0].event_key == "t1:c1");
  CHECK((*trace)[1].event_key == "t1:c3");
  CHECK((*trace)[2].event_key == "t2:c1");

  auto none = state->decisions_for_ticket("t9", 10);
  REQUIRE(none.has_value());
  CHECK(none->empty());
}

TEST_CASE_TEMPLATE_DEFINE("contracts: state purge_expired honours each TTL", B, state_purge_ttl) {
  ContractEnv env;
  auto state = B::make_state(env);  // event/action 30 d, conversation 90 d, decision 60 d
  REQUIRE(state
              ->finish_event("t1:c1", core::EventStatus::done,
                             contract_decision("t1", "t1:c1", "trc", env.clock.now()))
              .has_value());
  REQUIRE(state->claim_action("act:t1:c1:tag:x").has_value());
  core::ConversationRecord conversation;
  conversation.ticket_id = "t1";
  REQUIRE(state->put_conversation(conversation).has_value());

  const auto purge = [&] {
    auto removed = state->purge_expired();
    REQUIRE(removed.has_value());
    return *removed;
  };
  // Backends with native TTL purge nothing themselves; the reads below must hide expired records.
  const auto purged = [](std::int64_t n) { return purge_deletes_rows<B>() ? n : 0; };
  env.clock.advance(StateContractDays(30) - 1ms);
  CHECK(purge() == 0);
  env.clock.advance(1ms);
  CHECK(purge() == purged(2));  // event and action
  auto event = state->get_event("t1:c1");
  REQUIRE(event.has_value());
  CHECK_FALSE(event->has_value());
  auto reclaimed = state->claim_action("act:t1:c1:tag:x");
  REQUIRE(reclaimed.has_value());
  CHECK(reclaimed->claimed);

  env.clock.advance(StateContractDays(30));
  CHECK(purge() == purged(2));  // the decision and the re-claimed action
  auto decisions = state->decisions_for_ticket("t1", 10);
  REQUIRE(decisions.has_value());
  CHECK(decisions->empty());
  auto kept = state->get_conversation("t1");
  REQUIRE(kept.has_value());
  CHECK(kept->has_value());

  env.clock.advance(StateContractDays(30));
  CHECK(purge() == purged(1));  // the conversation
  auto gone = state->get_conversation("t1");
  REQUIRE(gone.has_value());
  CHECK_FALSE(gone->has_value());
  CHECK(purge() == 0);
}

}  // namespace rpmw::contracts
