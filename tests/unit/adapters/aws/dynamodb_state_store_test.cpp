// DynamoDbStateStore against a scripted caller: the exact requests (keys, conditions, TTLs) and
// how answers and errors map to the port. The shared semantics run against moto in tests/aws/.
#include "adapters/aws/dynamodb_state_store.h"

#include <doctest/doctest.h>

#include <chrono>

#include "tests/fakes/fake_clock.h"
#include "tests/unit/adapters/aws/scripted_ddb_caller.h"

namespace rpmw::adapters::aws {
namespace {

using namespace std::chrono_literals;
using testing::check_request;
using testing::ScriptedDdbCaller;

// FakeClock starts at 2026-01-01T00:00:00Z = 1767225600 s. Expiry (epoch s) with the default
// TTLs: events/actions +30 d = 1769817600, decisions +60 d = 1772409600, conversations +90 d =
// 1775001600.
constexpr std::int64_t kNowMs = 1'767'225'600'000;

struct Fixture {
  fakes::FakeClock clock;
  ScriptedDdbCaller caller;
  DynamoDbStateStore state{
      caller, clock, DynamoDbStateStoreOptions{"rpmw-test-events", "rpmw-test-conversations"}};
};

constexpr const char* kBeginRequest = R"({
  "TableName":"rpmw-test-events",
  "Key":{"pk":{"S":"evt#t1:c1"}},
  "UpdateExpression":"SET #status = if_not_exists(#status, :processing), first_seen_ms = if_not_exists(first_seen_ms, :now_ms), last_seen_ms = :now_ms, expires_at = :expires_at ADD attempts :one",
  "ConditionExpression":"attribute_not_exists(pk) OR expires_at > :now_s",
  "ExpressionAttributeNames":{"#status":"status"},
  "ExpressionAttributeValues":{":processing":{"S":"processing"},":now_ms":{"N":"1767225600000"},
    ":expires_at":{"N":"1769817600"},":one":{"N":"1"},":now_s":{"N":"1767225600"}},
  "ReturnValues":"ALL_NEW"})";

}  // namespace

TEST_CASE("dynamodb state: names follow the CloudFormation template") {
  CHECK(dynamodb_events_table("prod") == "rpmw-prod-events");
  CHECK(dynamodb_conversations_table("prod") == "rpmw-prod-conversations");
}

TEST_CASE("dynamodb state: begin_event creates or bumps in one UpdateItem") {
  Fixture f;
  f.caller.answer(R"({"Attributes":{"pk":{"S":"evt#t1:c1"},"status":{"S":"processing"},
    "first_seen_ms":{"N":"1767225590000"},"last_seen_ms":{"N":"1767225600000"},
    "attempts":{"N":"2"},"expires_at":{"N":"1769817600"}}})");
  auto claim = f.state.begin_event("t1:c1");
  REQUIRE(claim.has_value());
  REQUIRE(f.caller.calls().size() == 1);
  CHECK(f.caller.call_at(0).operation == "UpdateItem");
  check_request(f.caller.call_at(0).request, kBeginRequest);
  CHECK_FALSE(claim->already_done);
  CHECK(claim->record.event_key == "t1:c1");
  CHECK(claim->record.status == core::EventStatus::processing);
  CHECK(claim->record.attempts == 2);
  CHECK(claim->record.first_seen == core::from_epoch_ms(1'767'225'590'000));
  CHECK(claim->record.last_seen == core::from_epoch_ms(kNowMs));

  SUBCASE("a done event is reported as already done") {
    f.caller.answer(R"({"Attributes":{"status":{"S":"duplicate"},"first_seen_ms":{"N":"1"},
      "last_seen_ms":{"N":"2"},"attempts":{"N":"3"}}})");
    auto again = f.state.begin_event("t1:c1");
    REQUIRE(again.has_value());
    CHECK(again->already_done);
    CHECK(again->record.status == core::EventStatus::duplicate);
  }
  SUBCASE("an answer without a valid status is corrupt, not a fresh event") {
    f.caller.answer(R"({"Attributes":{"status":{"S":"weird"},"first_seen_ms":{"N":"1"},
      "last_seen_ms":{"N":"2"},"attempts":{"N":"3"}}})");
    auto corrupt = f.state.begin_event("t1:c1");
    REQUIRE_FALSE(corrupt.has_value());
    CHECK(corrupt.error().kind == core::ErrorKind::internal);
    CHECK(corrupt.error().code == "corrupt_event");
  }
}

TEST_CASE("dynamodb state: begin_event replaces an expired item TTL has not deleted yet") {
  Fixture f;
  f.caller.fail_conditional();  // the item exists and its expires_at has passed
  f.caller.answer("{}");
  auto claim = f.state.begin_event("t1:c1");
  REQUIRE(claim.has_value());
  REQUIRE(f.caller.calls().size() == 2);
  CHECK(f.caller.call_at(1).operation == "PutItem");
  check_request(f.caller.call_at(1).request, R"({
    "TableName":"rpmw-test-events",
    "Item":{"pk":{"S":"evt#t1:c1"},"status":{"S":"processing"},"first_seen_ms":{"N":"1767225600000"},
      "last_seen_ms":{"N":"1767225600000"},"attempts":{"N":"1"},"expires_at":{"N":"1769817600"}},
    "ConditionExpression":"expires_at <= :now_s",
    "ExpressionAttributeValues":{":now_s":{"N":"1767225600"}}})");
  CHECK_FALSE(claim->already_done);
  CHECK(claim->record.attempts == 1);
  CHECK(claim->record.first_seen == core::from_epoch_ms(kNowMs));

  SUBCASE("losing the replacement race bumps the winner's item") {
    Fixture g;
    g.caller.fail_conditional();
    g.caller.fail_conditional();  // someone else replaced it first
    g.caller.answer(R"({"Attributes":{"status":{"S":"processing"},"first_seen_ms":{"N":"1"},
      "last_seen_ms":{"N":"2"},"attempts":{"N":"2"}}})");
    auto bumped = g.state.begin_event("t1:c1");
    REQUIRE(bumped.has_value());
    CHECK(bumped->record.attempts == 2);
    REQUIRE(g.caller.calls().size() == 3);
    check_request(g.caller.call_at(2).request, kBeginRequest);
  }
  SUBCASE("a replacement race that never settles is transient") {
    Fixture g;
    for (int i = 0; i < 6; ++i) g.caller.fail_conditional();
    auto lost = g.state.begin_event("t1:c1");
    REQUIRE_FALSE(lost.has_value());
    CHECK(lost.error().kind == core::ErrorKind::transient);
    CHECK(lost.error().code == "ddb_event_race");
    CHECK(g.caller.calls().size() == 6);
  }
}

TEST_CASE("dynamodb state: finish_event updates the event, with its decision in one transaction") {
  Fixture f;
  SUBCASE("without a decision: a plain UpdateItem") {
    f.caller.answer("{}");
    REQUIRE(f.state.finish_event("t1:c1", core::EventStatus::duplicate, std::nullopt).has_value());
    REQUIRE(f.caller.calls().size() == 1);
    CHECK(f.caller.call_at(0).operation == "UpdateItem");
    check_request(f.caller.call_at(0).request, R"J({
      "TableName":"rpmw-test-events",
      "Key":{"pk":{"S":"evt#t1:c1"}},
      "UpdateExpression":"SET #status = :status, last_seen_ms = :now_ms, expires_at = :expires_at, first_seen_ms = if_not_exists(first_seen_ms, :now_ms), attempts = if_not_exists(attempts, :one)",
      "ExpressionAttributeNames":{"#status":"status"},
      "ExpressionAttributeValues":{":status":{"S":"duplicate"},":now_ms":{"N":"1767225600000"},
        ":expires_at":{"N":"1769817600"},":one":{"N":"1"}}})J");
  }
  SUBCASE("with a decision: TransactWriteItems with the update and the decision item") {
    f.caller.answer("{}");
    core::DecisionRecord decision{
        "t1", "t1:c1", "evt_1", "trc_1", core::from_epoch_ms(kNowMs - 5), R"({"intent":"wismo"})"};
    REQUIRE(f.state.finish_event("t1:c1", core::EventStatus::done, decision).has_value());
    REQUIRE(f.caller.calls().size() == 1);
    CHECK(f.caller.call_at(0).operation == "TransactWriteItems");
    check_request(f.caller.call_at(0).request, R"J({"TransactItems":[
      {"Update":{
        "TableName":"rpmw-test-events",
        "Key":{"pk":{"S":"evt#t1:c1"}},
        "UpdateExpression":"SET #status = :status, last_seen_ms = :now_ms, expires_at = :expires_at, first_seen_ms = if_not_exists(first_seen_ms, :now_ms), attempts = if_not_exists(attempts, :one)",
        "ExpressionAttributeNames":{"#status":"status"},
        "ExpressionAttributeValues":{":status":{"S":"done"},":now_ms":{"N":"1767225600000"},
          ":expires_at":{"N":"1769817600"},":one":{"N":"1"}}}},
      {"Put":{
        "TableName":"rpmw-test-events",
        "Item":{"pk":{"S":"dec#t1:c1"},"ticket_id":{"S":"t1"},"trace_id":{"S":"trc_1"},
          "at_ms":{"N":"1767225599995"},"event_key":{"S":"t1:c1"},"event_id":{"S":"evt_1"},
          "json":{"S":"{\"intent\":\"wismo\"}"},"expires_at":{"N":"1772409600"}}}}]})J");
  }
  SUBCASE("empty index keys are left out, so the decision is simply not indexed") {
    f.caller.answer("{}");
    core::DecisionRecord decision{"", "", "", "", core::from_epoch_ms(kNowMs), "{}"};
    REQUIRE(f.state.finish_event("t1:c1", core::EventStatus::done, decision).has_value());
    const auto& put = f.caller.call_at(0).request.at("TransactItems").as_array().at(1);
    check_request(put.as_object(), R"({"Put":{"TableName":"rpmw-test-events",
      "Item":{"pk":{"S":"dec#t1:c1"},"at_ms":{"N":"1767225600000"},"json":{"S":"{}"},
        "expires_at":{"N":"1772409600"}}}})");
  }
  SUBCASE("a cancelled transaction is transient") {
    f.caller.fail(core::ErrorKind::permanent, "aws_TransactionCanceledException");
    auto failed = f.state.finish_event("t1:c1", core::EventStatus::done,
                                       core::DecisionRecord{"t1", "t1:c1", "e", "t", {}, "{}"});
    REQUIRE_FALSE(failed.has_value());
    CHECK(failed.error().kind == core::ErrorKind::transient);
    CHECK(failed.error().code == "aws_TransactionCanceledException");
  }
}

TEST_CASE("dynamodb state: get_event reads consistently and hides expired items") {
  Fixture f;
  f.caller.answer(R"({"Item":{"pk":{"S":"evt#t1:c1"},"status":{"S":"done"},
    "first_seen_ms":{"N":"1767225500000"},"last_seen_ms":{"N":"1767225600000"},
    "attempts":{"N":"1"},"expires_at":{"N":"1767225601"}}})");
  auto live = f.state.get_event("t1:c1");
  REQUIRE(live.has_value());
  check_request(f.caller.call_at(0).request, R"({"TableName":"rpmw-test-events",
    "Key":{"pk":{"S":"evt#t1:c1"}},"ConsistentRead":true})");
  REQUIRE(live->has_value());
  CHECK((*live)->status == core::EventStatus::done);
  CHECK((*live)->first_seen == core::from_epoch_ms(1'767'225'500'000));

  f.clock.advance(1s);  // now == expires_at: expired, as SQLite's `expires_at_ms <= now`
  f.caller.answer(R"({"Item":{"pk":{"S":"evt#t1:c1"},"status":{"S":"done"},
    "first_seen_ms":{"N":"1"},"last_seen_ms":{"N":"1"},"attempts":{"N":"1"},
    "expires_at":{"N":"1767225601"}}})");
  auto expired = f.state.get_event("t1:c1");
  REQUIRE(expired.has_value());
  CHECK_FALSE(expired->has_value());

  f.caller.answer("{}");
  auto missing = f.state.get_event("nope");
  REQUIRE(missing.has_value());
  CHECK_FALSE(missing->has_value());
}

TEST_CASE("dynamodb state: claim_action is a conditional put") {
  Fixture f;
  constexpr const char* kClaim = R"({
    "TableName":"rpmw-test-events",
    "Item":{"pk":{"S":"act#act:t1:c1:reply:t1"},"status":{"S":"pending"},
      "at_ms":{"N":"1767225600000"},"expires_at":{"N":"1769817600"}},
    "ConditionExpression":"attribute_not_exists(pk) OR #status = :failed OR expires_at <= :now_s",
    "ExpressionAttributeNames":{"#status":"status"},
    "ExpressionAttributeValues":{":failed":{"S":"failed"},":now_s":{"N":"1767225600"}}})";
  const std::string key = "act:t1:c1:reply:t1";

  SUBCASE("won") {
    f.caller.answer("{}");
    auto claim = f.state.claim_action(key);
    REQUIRE(claim.has_value());
    CHECK(claim->claimed);
    CHECK(claim->existing.status == core::ActionStatus::pending);
    CHECK(claim->existing.at == core::from_epoch_ms(kNowMs));
    REQUIRE(f.caller.calls().size() == 1);
    CHECK(f.caller.call_at(0).operation == "PutItem");
    check_request(f.caller.call_at(0).request, kClaim);
  }
  SUBCASE("lost: returns the record found") {
    f.caller.fail_conditional();
    f.caller.answer(R"({"Item":{"pk":{"S":"act#act:t1:c1:reply:t1"},"status":{"S":"done"},
      "result_code":{"S":"ok"},"at_ms":{"N":"1767225000000"},"expires_at":{"N":"1769817000"}}})");
    auto claim = f.state.claim_action(key);
    REQUIRE(claim.has_value());
    CHECK_FALSE(claim->claimed);
    CHECK(claim->existing.action_key == key);
    CHECK(claim->existing.status == core::ActionStatus::done);
    CHECK(claim->existing.result_code == "ok");
    CHECK(claim->existing.at == core::from_epoch_ms(1'767'225'000'000));
    REQUIRE(f.caller.calls().size() == 2);
    check_request(f.caller.call_at(1).request, R"({"TableName":"rpmw-test-events",
      "Key":{"pk":{"S":"act#act:t1:c1:reply:t1"}},"ConsistentRead":true})");
  }
  SUBCASE("the record failed between the put and the read: claim again") {
    f.caller.fail_conditional();
    f.caller.answer(R"({"Item":{"status":{"S":"failed"},"at_ms":{"N":"1"}}})");
    f.caller.answer("{}");
    auto claim = f.state.claim_action(key);
    REQUIRE(claim.has_value());
    CHECK(claim->claimed);
    REQUIRE(f.caller.calls().size() == 3);
    check_request(f.caller.call_at(2).request, kClaim);
  }
  SUBCASE("a race that never settles is transient") {
    for (int i = 0; i < 3; ++i) {
      f.caller.fail_conditional();
      f.caller.answer("{}");  // gone again by the time we read
    }
    auto claim = f.state.claim_action(key);
    REQUIRE_FALSE(claim.has_value());
    CHECK(claim.error().kind == core::ErrorKind::transient);
    CHECK(claim.error().code == "ddb_action_race");
  }
  SUBCASE("throttling is rate_limited") {
    f.caller.fail(core::ErrorKind::permanent, "aws_ProvisionedThroughputExceededException");
    auto claim = f.state.claim_action(key);
    REQUIRE_FALSE(claim.has_value());
    CHECK(claim.error().kind == core::ErrorKind::rate_limited);
  }
}

TEST_CASE("dynamodb state: complete_action and get_action") {
  Fixture f;
  f.clock.advance(1500ms);
  f.caller.answer("{}");
  REQUIRE(f.state.complete_action("act:k", core::ActionStatus::failed, "http_500").has_value());
  check_request(f.caller.call_at(0).request, R"({"TableName":"rpmw-test-events",
    "Item":{"pk":{"S":"act#act:k"},"status":{"S":"failed"},"result_code":{"S":"http_500"},
      "at_ms":{"N":"1767225601500"},"expires_at":{"N":"1769817602"}}})");  // rounded up

  f.caller.answer(R"({"Item":{"pk":{"S":"act#act:k"},"status":{"S":"pending"},
    "at_ms":{"N":"1767225601500"},"expires_at":{"N":"1769817602"}}})");
  auto pending = f.state.get_action("act:k");
  REQUIRE(pending.has_value());
  REQUIRE(pending->has_value());
  CHECK((*pending)->status == core::ActionStatus::pending);
  CHECK((*pending)->result_code.empty());

  f.caller.answer(R"({"Item":{"status":{"S":"pending"}}})");
  auto corrupt = f.state.get_action("act:k");
  REQUIRE_FALSE(corrupt.has_value());
  CHECK(corrupt.error().code == "corrupt_action");
}

TEST_CASE("dynamodb state: conversations are a versioned conditional put") {
  Fixture f;
  core::ConversationRecord record;
  record.ticket_id = "t1";
  record.last_comment_id = "c9";
  record.last_intent = "wismo";
  record.auto_reply_epoch_ms = {1'767'225'600'000, 1'767'225'700'000};

  SUBCASE("version 0 must not exist (or be expired)") {
    f.caller.answer("{}");
    REQUIRE(f.state.put_conversation(record).has_value());
    check_request(f.caller.call_at(0).request, R"({"TableName":"rpmw-test-conversations",
      "Item":{"ticket_id":{"S":"t1"},"last_comment_id":{"S":"c9"},"last_intent":{"S":"wismo"},
        "auto_reply_epoch_ms":{"L":[{"N":"1767225600000"},{"N":"1767225700000"}]},
        "version":{"N":"1"},"expires_at":{"N":"1775001600"}},
      "ConditionExpression":"attribute_not_exists(ticket_id) OR expires_at <= :now_s",
      "ExpressionAttributeValues":{":now_s":{"N":"1767225600"}}})");
  }
  SUBCASE("version n must still be n, and live") {
    record.version = 4;
    record.auto_reply_epoch_ms.clear();
    f.caller.answer("{}");
    REQUIRE(f.state.put_conversation(record).has_value());
    check_request(f.caller.call_at(0).request, R"({"TableName":"rpmw-test-conversations",
      "Item":{"ticket_id":{"S":"t1"},"last_comment_id":{"S":"c9"},"last_intent":{"S":"wismo"},
        "auto_reply_epoch_ms":{"L":[]},"version":{"N":"5"},"expires_at":{"N":"1775001600"}},
      "ConditionExpression":"#version = :expected AND expires_at > :now_s",
      "ExpressionAttributeValues":{":now_s":{"N":"1767225600"},":expected":{"N":"4"}},
      "ExpressionAttributeNames":{"#version":"version"}})");
  }
  SUBCASE("a lost race is a version conflict") {
    f.caller.fail_conditional();
    auto lost = f.state.put_conversation(record);
    REQUIRE_FALSE(lost.has_value());
    CHECK(lost.error().kind == core::ErrorKind::conflict);
    CHECK(lost.error().code == "version_conflict");
  }
  SUBCASE("a negative version is refused without a call") {
    record.version = -1;
    auto bad = f.state.put_conversation(record);
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().kind == core::ErrorKind::invalid_input);
    CHECK(f.caller.calls().empty());
  }
  SUBCASE("get reads every field back") {
    f.caller.answer(R"({"Item":{"ticket_id":{"S":"t1"},"last_comment_id":{"S":"c9"},
      "last_team":{"S":"support"},"pending_flow":{"S":"awaiting_order_number"},
      "auto_reply_epoch_ms":{"L":[{"N":"5"},{"N":"7"}]},"version":{"N":"3"},
      "expires_at":{"N":"1775001600"}}})");
    auto got = f.state.get_conversation("t1");
    REQUIRE(got.has_value());
    check_request(f.caller.call_at(0).request, R"({"TableName":"rpmw-test-conversations",
      "Key":{"ticket_id":{"S":"t1"}},"ConsistentRead":true})");
    REQUIRE(got->has_value());
    CHECK((*got)->ticket_id == "t1");
    CHECK((*got)->last_comment_id == "c9");
    CHECK((*got)->last_intent.empty());
    CHECK((*got)->last_team == "support");
    CHECK((*got)->pending_flow == "awaiting_order_number");
    CHECK((*got)->auto_reply_epoch_ms == std::vector<std::int64_t>{5, 7});
    CHECK((*got)->version == 3);
  }
  SUBCASE("a missing table is unavailable, not a missing record") {
    f.caller.fail(core::ErrorKind::not_found, "aws_ResourceNotFoundException");
    auto got = f.state.get_conversation("t1");
    REQUIRE_FALSE(got.has_value());
    CHECK(got.error().kind == core::ErrorKind::unavailable);
  }
}

TEST_CASE("dynamodb state: decisions come from the sparse GSIs") {
  Fixture f;
  const auto item = [](const std::string& key, std::int64_t at_ms, std::int64_t expires_s) {
    return R"({"pk":{"S":"dec#)" + key + R"("},"ticket_id":{"S":"t1"},"trace_id":{"S":"trc"},
      "event_key":{"S":")" +
           key + R"("},"event_id":{"S":"evt"},"at_ms":{"N":")" + std::to_string(at_ms) +
           R"("},"json":{"S":"{}"},"expires_at":{"N":")" + std::to_string(expires_s) + R"("}})";
  };
  SUBCASE("by ticket: newest first, limited, paging while short, expired skipped") {
    f.caller.answer(R"({"Items":[)" + item("t1:c3", 3, 1772409600) + "," +
                    item("t1:c2", 2, 1767225600) +  // expired (== now)
                    R"(],"LastEvaluatedKey":{"pk":{"S":"dec#t1:c2"},"ticket_id":{"S":"t1"},
                    "at_ms":{"N":"2"}}})");
    f.caller.answer(R"({"Items":[)" + item("t1:c1", 1, 1772409600) + "]}");
    auto latest = f.state.decisions_for_ticket("t1", 2);
    REQUIRE(latest.has_value());
    REQUIRE(latest->size() == 2);
    CHECK((*latest)[0].event_key == "t1:c3");
    CHECK((*latest)[0].at == core::from_epoch_ms(3));
    CHECK((*latest)[0].ticket_id == "t1");
    CHECK((*latest)[0].trace_id == "trc");
    CHECK((*latest)[0].event_id == "evt");
    CHECK((*latest)[1].event_key == "t1:c1");
    REQUIRE(f.caller.calls().size() == 2);
    CHECK(f.caller.call_at(0).operation == "Query");
    check_request(f.caller.call_at(0).request, R"({"TableName":"rpmw-test-events",
      "IndexName":"by_ticket","KeyConditionExpression":"ticket_id = :key",
      "ExpressionAttributeValues":{":key":{"S":"t1"}},"ScanIndexForward":false,"Limit":2})");
    check_request(f.caller.call_at(1).request, R"({"TableName":"rpmw-test-events",
      "IndexName":"by_ticket","KeyConditionExpression":"ticket_id = :key",
      "ExpressionAttributeValues":{":key":{"S":"t1"}},"ScanIndexForward":false,"Limit":1,
      "ExclusiveStartKey":{"pk":{"S":"dec#t1:c2"},"ticket_id":{"S":"t1"},"at_ms":{"N":"2"}}})");
  }
  SUBCASE("by trace: ascending, every page") {
    f.caller.answer(R"({"Items":[)" + item("a", 1, 1772409600) +
                    R"(],"LastEvaluatedKey":{"pk":{"S":"dec#a"}}})");
    f.caller.answer(R"({"Items":[)" + item("b", 2, 1772409600) + "]}");
    auto trace = f.state.decisions_for_trace("trc");
    REQUIRE(trace.has_value());
    REQUIRE(trace->size() == 2);
    CHECK((*trace)[0].event_key == "a");
    CHECK((*trace)[1].event_key == "b");
    check_request(f.caller.call_at(0).request, R"({"TableName":"rpmw-test-events",
      "IndexName":"by_trace","KeyConditionExpression":"trace_id = :key",
      "ExpressionAttributeValues":{":key":{"S":"trc"}},"ScanIndexForward":true})");
  }
  SUBCASE("no call for an empty key or limit") {
    auto empty = f.state.decisions_for_ticket("", 5);
    REQUIRE(empty.has_value());
    CHECK(empty->empty());
    auto none = f.state.decisions_for_ticket("t1", 0);
    REQUIRE(none.has_value());
    CHECK(none->empty());
    CHECK(f.caller.calls().empty());
  }
  SUBCASE("throttled queries are rate_limited") {
    f.caller.fail(core::ErrorKind::rate_limited, "aws_ThrottlingException");
    auto throttled = f.state.decisions_for_trace("trc");
    REQUIRE_FALSE(throttled.has_value());
    CHECK(throttled.error().kind == core::ErrorKind::rate_limited);
  }
}

TEST_CASE("dynamodb state: purge_expired leaves deleting to DynamoDB TTL") {
  Fixture f;
  auto removed = f.state.purge_expired();
  REQUIRE(removed.has_value());
  CHECK(*removed == 0);
  CHECK(f.caller.calls().empty());
}

}  // namespace rpmw::adapters::aws
