// DynamoDB-specific state behaviour on moto, beyond the shared contract: the transaction really is
// atomic, index keys are never empty, and expired items that TTL has not deleted yet (moto never
// deletes them) read and write as absent.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "adapters/aws/dynamodb_state_store.h"
#include "tests/aws/dynamodb_tables.h"
#include "tests/aws/moto_dynamodb.h"
#include "tests/fakes/fake_clock.h"

namespace rpmw::aws_tests {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr auto kThirtyDays = std::chrono::hours(24 * 30);
constexpr auto kNinetyDays = std::chrono::hours(24 * 90);

struct MotoState {
  fakes::FakeClock clock;
  adapters::aws::AwsJsonCaller& dynamodb = moto_dynamodb();
  adapters::aws::DynamoDbStateStoreOptions options = create_state_tables(dynamodb);
  adapters::aws::DynamoDbStateStore state{dynamodb, clock, options};

  // The item as DynamoDB holds it, expired or not.
  json::object raw_item(const std::string& table, json::object key) {
    auto answer = dynamodb.call("GetItem", json::object{{"TableName", table}, {"Key", key}});
    REQUIRE(answer.has_value());
    const auto* item = answer->as_object().if_contains("Item");
    return item != nullptr ? item->as_object() : json::object{};
  }
  json::object raw_event_item(const std::string& pk) {
    return raw_item(options.events_table, json::object{{"pk", json::object{{"S", pk}}}});
  }
};

std::string number(const json::object& item, const char* name) {
  const auto* attribute = item.if_contains(name);
  if (attribute == nullptr) return "absent";
  return std::string(attribute->as_object().at("N").as_string());
}

}  // namespace

TEST_CASE("dynamodb state on moto: finish_event is all or nothing") {
  MotoState m;
  REQUIRE(m.state.begin_event("t1:c1").has_value());
  // Over DynamoDB's 400 KB item limit: the decision put fails, so the update must not apply.
  core::DecisionRecord huge{"t1",    "t1:c1",       "evt_1",
                            "trc_1", m.clock.now(), std::string(500 * 1024, 'x')};
  auto failed = m.state.finish_event("t1:c1", core::EventStatus::done, huge);
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().kind == core::ErrorKind::permanent);
  auto event = m.state.get_event("t1:c1");
  REQUIRE(event.has_value());
  REQUIRE(event->has_value());
  CHECK((*event)->status == core::EventStatus::processing);
  auto decisions = m.state.decisions_for_ticket("t1", 10);
  REQUIRE(decisions.has_value());
  CHECK(decisions->empty());
}

TEST_CASE("dynamodb state on moto: a decision without ticket or trace id is stored, unindexed") {
  MotoState m;
  // DynamoDB rejects an empty string as an index key, so these attributes are left out.
  core::DecisionRecord anonymous{"", "t1:c1", "evt_1", "", m.clock.now(), "{}"};
  REQUIRE(m.state.finish_event("t1:c1", core::EventStatus::done, anonymous).has_value());
  auto event = m.state.get_event("t1:c1");
  REQUIRE(event.has_value());
  REQUIRE(event->has_value());
  CHECK((*event)->status == core::EventStatus::done);
  const auto item = m.raw_event_item("dec#t1:c1");
  CHECK(item.contains("json"));
  CHECK_FALSE(item.contains("ticket_id"));
  CHECK_FALSE(item.contains("trace_id"));
  auto by_ticket = m.state.decisions_for_ticket("", 10);
  REQUIRE(by_ticket.has_value());
  CHECK(by_ticket->empty());
}

TEST_CASE("dynamodb state on moto: items carry expires_at in epoch seconds for TTL") {
  MotoState m;
  const std::int64_t now_s = core::to_epoch_ms(m.clock.now()) / 1000;
  const std::string in_30_days = std::to_string(now_s + 30 * 86400);
  REQUIRE(m.state.begin_event("t1:c1").has_value());
  REQUIRE(m.state.claim_action("act:t1:c1:tag:x").has_value());
  REQUIRE(m.state
              .finish_event("t1:c1", core::EventStatus::done,
                            core::DecisionRecord{"t1", "t1:c1", "e", "trc", m.clock.now(), "{}"})
              .has_value());
  core::ConversationRecord conversation;
  conversation.ticket_id = "t1";
  REQUIRE(m.state.put_conversation(conversation).has_value());
  CHECK(number(m.raw_event_item("evt#t1:c1"), "expires_at") == in_30_days);
  CHECK(number(m.raw_event_item("act#act:t1:c1:tag:x"), "expires_at") == in_30_days);
  CHECK(number(m.raw_event_item("dec#t1:c1"), "expires_at") == std::to_string(now_s + 60 * 86400));
  CHECK(number(m.raw_item(m.options.conversations_table,
                          json::object{{"ticket_id", json::object{{"S", "t1"}}}}),
               "expires_at") == std::to_string(now_s + 90 * 86400));
}

TEST_CASE("dynamodb state on moto: an expired event TTL has not deleted starts over") {
  MotoState m;
  REQUIRE(m.state.begin_event("t1:c1").has_value());
  REQUIRE(m.state.finish_event("t1:c1", core::EventStatus::done, std::nullopt).has_value());
  m.clock.advance(kThirtyDays);
  CHECK_FALSE(m.raw_event_item("evt#t1:c1").empty());  // still there: only TTL deletes it
  auto again = m.state.begin_event("t1:c1");
  REQUIRE(again.has_value());
  CHECK_FALSE(again->already_done);  // a redelivery after 30 days is processed like a new event
  CHECK(again->record.attempts == 1);
  CHECK(again->record.first_seen == m.clock.now());
  auto bumped = m.state.begin_event("t1:c1");
  REQUIRE(bumped.has_value());
  CHECK(bumped->record.attempts == 2);
}

TEST_CASE("dynamodb state on moto: an expired conversation reads absent and takes version 0") {
  MotoState m;
  core::ConversationRecord record;
  record.ticket_id = "t1";
  record.pending_flow = "awaiting_order_number";
  REQUIRE(m.state.put_conversation(record).has_value());
  record.version = 1;
  REQUIRE(m.state.put_conversation(record).has_value());  // now version 2
  m.clock.advance(kNinetyDays);
  auto gone = m.state.get_conversation("t1");
  REQUIRE(gone.has_value());
  CHECK_FALSE(gone->has_value());
  record.version = 2;  // the expired record's version no longer counts
  auto stale = m.state.put_conversation(record);
  REQUIRE_FALSE(stale.has_value());
  CHECK(stale.error().code == "version_conflict");
  record.version = 0;
  record.pending_flow.clear();
  REQUIRE(m.state.put_conversation(record).has_value());
  auto fresh = m.state.get_conversation("t1");
  REQUIRE(fresh.has_value());
  REQUIRE(fresh->has_value());
  CHECK((*fresh)->version == 1);
  CHECK((*fresh)->pending_flow.empty());
}

}  // namespace rpmw::aws_tests
