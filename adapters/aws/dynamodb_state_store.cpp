#include "adapters/aws/dynamodb_state_store.h"

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "adapters/aws/dynamodb_attributes.h"

namespace rpmw::adapters::aws {

using core::ErrorKind;
namespace json = boost::json;

namespace {

constexpr std::string_view kEventPrefix = "evt#";
constexpr std::string_view kActionPrefix = "act#";
constexpr std::string_view kDecisionPrefix = "dec#";
// Conditional writes that lose to a concurrent writer re-read and try again this many times.
constexpr int kRaceAttempts = 3;

template <class T>
tl::unexpected<core::Error> err(const T& result) {
  return tl::unexpected<core::Error>(result.error());
}

json::object key_of(std::string_view prefix, const std::string& key) {
  return json::object{{"pk", ddb::s(std::string(prefix) + key)}};
}

// `status` is a DynamoDB reserved word, so expressions name it through #status.
json::object status_name() {
  return json::object{{"#status", "status"}};
}

std::optional<core::EventStatus> parse_event_status(std::string_view text) {
  if (text == "processing") return core::EventStatus::processing;
  if (text == "done") return core::EventStatus::done;
  if (text == "duplicate") return core::EventStatus::duplicate;
  return std::nullopt;
}

std::optional<core::ActionStatus> parse_action_status(std::string_view text) {
  if (text == "pending") return core::ActionStatus::pending;
  if (text == "done") return core::ActionStatus::done;
  if (text == "failed") return core::ActionStatus::failed;
  return std::nullopt;
}

core::Result<core::EventRecord> event_from_item(const std::string& event_key,
                                                const json::object& item) {
  const auto status_text = ddb::get_s(item, "status");
  const auto status = status_text ? parse_event_status(*status_text) : std::nullopt;
  const auto first_seen = ddb::get_n(item, "first_seen_ms");
  const auto last_seen = ddb::get_n(item, "last_seen_ms");
  const auto attempts = ddb::get_n(item, "attempts");
  if (!status || !first_seen || !last_seen || !attempts) {
    return core::fail(ErrorKind::internal, "corrupt_event");
  }
  return core::EventRecord{event_key, *status, core::from_epoch_ms(*first_seen),
                           core::from_epoch_ms(*last_seen), static_cast<int>(*attempts)};
}

core::Result<core::ActionRecord> action_from_item(const std::string& action_key,
                                                  const json::object& item) {
  const auto status_text = ddb::get_s(item, "status");
  const auto status = status_text ? parse_action_status(*status_text) : std::nullopt;
  const auto at = ddb::get_n(item, "at_ms");
  if (!status || !at) return core::fail(ErrorKind::internal, "corrupt_action");
  return core::ActionRecord{action_key, *status, ddb::get_s(item, "result_code").value_or(""),
                            core::from_epoch_ms(*at)};
}

core::Result<core::DecisionRecord> decision_from_item(const json::object& item) {
  const auto at = ddb::get_n(item, "at_ms");
  auto body = ddb::get_s(item, "json");
  if (!at || !body) return core::fail(ErrorKind::internal, "corrupt_decision");
  core::DecisionRecord decision;
  decision.ticket_id = ddb::get_s(item, "ticket_id").value_or("");
  decision.event_key = ddb::get_s(item, "event_key").value_or("");
  decision.event_id = ddb::get_s(item, "event_id").value_or("");
  decision.trace_id = ddb::get_s(item, "trace_id").value_or("");
  decision.at = core::from_epoch_ms(*at);
  decision.json = std::move(*body);
  return decision;
}

}  // namespace

std::string dynamodb_events_table(const std::string& env) {
  return "rpmw-" + env + "-events";
}

std::string dynamodb_conversations_table(const std::string& env) {
  return "rpmw-" + env + "-conversations";
}

DynamoDbStateStore::DynamoDbStateStore(AwsJsonCaller& caller, const core::Clock& clock,
                                       DynamoDbStateStoreOptions options)
    : caller_(caller), clock_(clock), options_(std::move(options)) {}

std::int64_t DynamoDbStateStore::now_ms() const {
  return core::to_epoch_ms(clock_.now());
}

core::Result<json::value> DynamoDbStateStore::call(std::string_view operation,
                                                   const json::object& request) {
  auto answer = caller_.call(operation, request);
  if (!answer) return tl::unexpected<core::Error>(ddb::map_error(std::move(answer.error())));
  return answer;
}

core::Result<std::optional<json::object>> DynamoDbStateStore::get_item(const std::string& table,
                                                                       json::object key) {
  // Strongly consistent: idempotency and compare-and-set decisions must see the last write.
  auto answer =
      call("GetItem",
           json::object{{"TableName", table}, {"Key", std::move(key)}, {"ConsistentRead", true}});
  if (!answer) return err(answer);
  auto item = ddb::member_object(*answer, "Item");
  if (item && ddb::is_expired(*item, now_ms())) item.reset();
  return item;
}

// ---- events ----

core::Result<core::EventClaim> DynamoDbStateStore::begin_event(const std::string& event_key) {
  for (int attempt = 0; attempt < kRaceAttempts; ++attempt) {
    const std::int64_t now = now_ms();
    const std::int64_t expires = ddb::expires_at_seconds(now, options_.event_ttl.count());
    // New or live: one atomic create-or-bump. An expired item that TTL has not deleted yet
    // fails the condition and is replaced below, so it starts over like a purged SQLite row.
    auto bumped = call(
        "UpdateItem",
        json::object{
            {"TableName", options_.events_table},
            {"Key", key_of(kEventPrefix, event_key)},
            {"UpdateExpression",
             "SET #status = if_not_exists(#status, :processing), "
             "first_seen_ms = if_not_exists(first_seen_ms, :now_ms), last_seen_ms = :now_ms, "
             "expires_at = :expires_at ADD attempts :one"},
            {"ConditionExpression", "attribute_not_exists(pk) OR expires_at > :now_s"},
            {"ExpressionAttributeNames", status_name()},
            {"ExpressionAttributeValues", json::object{{":processing", ddb::s("processing")},
                                                       {":now_ms", ddb::n(now)},
                                                       {":expires_at", ddb::n(expires)},
                                                       {":one", ddb::n(1)},
                                                       {":now_s", ddb::n(ddb::now_seconds(now))}}},
            {"ReturnValues", "ALL_NEW"}});
    if (bumped) {
      auto item = ddb::member_object(*bumped, "Attributes");
      if (!item) return core::fail(ErrorKind::internal, "ddb_no_attributes");
      auto record = event_from_item(event_key, *item);
      if (!record) return err(record);
      core::EventClaim claim;
      claim.record = std::move(*record);
      claim.already_done = claim.record.status != core::EventStatus::processing;
      return claim;
    }
    if (!ddb::is_conditional_failure(bumped.error())) return err(bumped);

    json::object item = key_of(kEventPrefix, event_key);
    item["status"] = ddb::s("processing");
    item["first_seen_ms"] = ddb::n(now);
    item["last_seen_ms"] = ddb::n(now);
    item["attempts"] = ddb::n(1);
    item["expires_at"] = ddb::n(expires);
    auto fresh =
        call("PutItem", json::object{{"TableName", options_.events_table},
                                     {"Item", item},
                                     {"ConditionExpression", "expires_at <= :now_s"},
                                     {"ExpressionAttributeValues",
                                      json::object{{":now_s", ddb::n(ddb::now_seconds(now))}}}});
    if (fresh) {
      core::EventClaim claim;
      claim.record = core::EventRecord{event_key, core::EventStatus::processing,
                                       core::from_epoch_ms(now), core::from_epoch_ms(now), 1};
      return claim;
    }
    if (!ddb::is_conditional_failure(fresh.error())) return err(fresh);
    // Someone replaced the expired item first: bump theirs.
  }
  return core::fail(ErrorKind::transient, "ddb_event_race");
}

core::Status DynamoDbStateStore::finish_event(const std::string& event_key,
                                              core::EventStatus status,
                                              const std::optional<core::DecisionRecord>& decision) {
  const std::int64_t now = now_ms();
  // Like the SQLite upsert: finishing an event nobody began creates it with one attempt.
  json::object update{
      {"TableName", options_.events_table},
      {"Key", key_of(kEventPrefix, event_key)},
      {"UpdateExpression",
       "SET #status = :status, last_seen_ms = :now_ms, expires_at = :expires_at, "
       "first_seen_ms = if_not_exists(first_seen_ms, :now_ms), "
       "attempts = if_not_exists(attempts, :one)"},
      {"ExpressionAttributeNames", status_name()},
      {"ExpressionAttributeValues",
       json::object{
           {":status", ddb::s(core::to_string(status))},
           {":now_ms", ddb::n(now)},
           {":expires_at", ddb::n(ddb::expires_at_seconds(now, options_.event_ttl.count()))},
           {":one", ddb::n(1)}}}};
  if (!decision) {
    auto updated = call("UpdateItem", update);
    if (!updated) return err(updated);
    return {};
  }
  // One decision per event key: a retried finish overwrites it instead of adding a second one.
  const std::string& decision_key = decision->event_key.empty() ? event_key : decision->event_key;
  json::object item = key_of(kDecisionPrefix, decision_key);
  ddb::put_s_if_not_empty(item, "ticket_id", decision->ticket_id);  // sparse GSI keys
  ddb::put_s_if_not_empty(item, "trace_id", decision->trace_id);
  item["at_ms"] = ddb::n(core::to_epoch_ms(decision->at));
  ddb::put_s_if_not_empty(item, "event_key", decision->event_key);
  ddb::put_s_if_not_empty(item, "event_id", decision->event_id);
  item["json"] = ddb::s(decision->json);
  item["expires_at"] = ddb::n(ddb::expires_at_seconds(now, options_.decision_ttl.count()));
  // One transaction: the done status and the decision are stored together or not at all.
  json::array items;
  items.emplace_back(json::object{{"Update", std::move(update)}});
  items.emplace_back(json::object{
      {"Put", json::object{{"TableName", options_.events_table}, {"Item", std::move(item)}}}});
  auto written = call("TransactWriteItems", json::object{{"TransactItems", std::move(items)}});
  if (!written) return err(written);
  return {};
}

core::Result<std::optional<core::EventRecord>> DynamoDbStateStore::get_event(
    const std::string& event_key) {
  auto item = get_item(options_.events_table, key_of(kEventPrefix, event_key));
  if (!item) return err(item);
  if (!*item) return std::optional<core::EventRecord>();
  auto record = event_from_item(event_key, **item);
  if (!record) return err(record);
  return std::optional<core::EventRecord>(std::move(*record));
}

// ---- actions ----

core::Result<std::optional<core::ActionRecord>> DynamoDbStateStore::get_action(
    const std::string& action_key) {
  auto item = get_item(options_.events_table, key_of(kActionPrefix, action_key));
  if (!item) return err(item);
  if (!*item) return std::optional<core::ActionRecord>();
  auto record = action_from_item(action_key, **item);
  if (!record) return err(record);
  return std::optional<core::ActionRecord>(std::move(*record));
}

core::Result<core::ActionClaim> DynamoDbStateStore::claim_action(const std::string& action_key) {
  for (int attempt = 0; attempt < kRaceAttempts; ++attempt) {
    const std::int64_t now = now_ms();
    json::object item = key_of(kActionPrefix, action_key);
    item["status"] = ddb::s("pending");
    item["at_ms"] = ddb::n(now);
    item["expires_at"] = ddb::n(ddb::expires_at_seconds(now, options_.action_ttl.count()));
    // New, a failed attempt we may retry, or expired (TTL not run yet): take it. Exactly one of
    // several concurrent claimers passes this condition.
    auto put =
        call("PutItem",
             json::object{{"TableName", options_.events_table},
                          {"Item", std::move(item)},
                          {"ConditionExpression",
                           "attribute_not_exists(pk) OR #status = :failed OR expires_at <= :now_s"},
                          {"ExpressionAttributeNames", status_name()},
                          {"ExpressionAttributeValues",
                           json::object{{":failed", ddb::s("failed")},
                                        {":now_s", ddb::n(ddb::now_seconds(now))}}}});
    if (put) {
      core::ActionClaim claim;
      claim.claimed = true;
      claim.existing =
          core::ActionRecord{action_key, core::ActionStatus::pending, "", core::from_epoch_ms(now)};
      return claim;
    }
    if (!ddb::is_conditional_failure(put.error())) return err(put);
    auto existing = get_action(action_key);
    if (!existing) return err(existing);
    if (*existing && (*existing)->status != core::ActionStatus::failed) {
      core::ActionClaim claim;
      claim.existing = std::move(**existing);  // pending (someone is on it) or done
      return claim;
    }
    // It failed or expired between our put and our read: try to take it again.
  }
  return core::fail(ErrorKind::transient, "ddb_action_race");
}

core::Status DynamoDbStateStore::complete_action(const std::string& action_key,
                                                 core::ActionStatus status,
                                                 const std::string& result_code) {
  const std::int64_t now = now_ms();
  json::object item = key_of(kActionPrefix, action_key);
  item["status"] = ddb::s(core::to_string(status));
  ddb::put_s_if_not_empty(item, "result_code", result_code);
  item["at_ms"] = ddb::n(now);
  item["expires_at"] = ddb::n(ddb::expires_at_seconds(now, options_.action_ttl.count()));
  auto put = call("PutItem",
                  json::object{{"TableName", options_.events_table}, {"Item", std::move(item)}});
  if (!put) return err(put);
  return {};
}

// ---- conversations ----

core::Result<std::optional<core::ConversationRecord>> DynamoDbStateStore::get_conversation(
    const std::string& ticket_id) {
  auto item =
      get_item(options_.conversations_table, json::object{{"ticket_id", ddb::s(ticket_id)}});
  if (!item) return err(item);
  if (!*item) return std::optional<core::ConversationRecord>();
  const auto& stored = **item;
  const auto version = ddb::get_n(stored, "version");
  auto epochs = ddb::get_n_list(stored, "auto_reply_epoch_ms");
  if (!version) return core::fail(ErrorKind::internal, "corrupt_conversation");
  core::ConversationRecord record;
  record.ticket_id = ticket_id;
  record.last_comment_id = ddb::get_s(stored, "last_comment_id").value_or("");
  record.last_intent = ddb::get_s(stored, "last_intent").value_or("");
  record.last_team = ddb::get_s(stored, "last_team").value_or("");
  record.pending_flow = ddb::get_s(stored, "pending_flow").value_or("");
  if (epochs) record.auto_reply_epoch_ms = std::move(*epochs);
  record.version = *version;
  return std::optional<core::ConversationRecord>(std::move(record));
}

core::Status DynamoDbStateStore::put_conversation(const core::ConversationRecord& record) {
  if (record.version < 0) return core::fail(ErrorKind::invalid_input, "bad_version");
  const std::int64_t now = now_ms();
  json::object item{{"ticket_id", ddb::s(record.ticket_id)}};
  ddb::put_s_if_not_empty(item, "last_comment_id", record.last_comment_id);
  ddb::put_s_if_not_empty(item, "last_intent", record.last_intent);
  ddb::put_s_if_not_empty(item, "last_team", record.last_team);
  ddb::put_s_if_not_empty(item, "pending_flow", record.pending_flow);
  item["auto_reply_epoch_ms"] = ddb::n_list(record.auto_reply_epoch_ms);
  item["version"] = ddb::n(record.version + 1);
  item["expires_at"] = ddb::n(ddb::expires_at_seconds(now, options_.conversation_ttl.count()));
  // The version check and the write are one conditional put; an expired item counts as absent.
  json::object values{{":now_s", ddb::n(ddb::now_seconds(now))}};
  std::string condition;
  if (record.version == 0) {
    condition = "attribute_not_exists(ticket_id) OR expires_at <= :now_s";
  } else {
    condition = "#version = :expected AND expires_at > :now_s";
    values[":expected"] = ddb::n(record.version);
  }
  json::object request{{"TableName", options_.conversations_table},
                       {"Item", std::move(item)},
                       {"ConditionExpression", condition},
                       {"ExpressionAttributeValues", std::move(values)}};
  if (record.version != 0) {
    request["ExpressionAttributeNames"] = json::object{{"#version", "version"}};
  }
  auto put = call("PutItem", request);
  if (put) return {};
  if (ddb::is_conditional_failure(put.error())) {
    return core::fail(ErrorKind::conflict, "version_conflict");
  }
  return err(put);
}

// ---- decisions ----

core::Result<std::vector<core::DecisionRecord>> DynamoDbStateStore::query_decisions(
    const std::string& index, const std::string& key_name, const std::string& key,
    bool newest_first, std::size_t limit) {
  std::vector<core::DecisionRecord> out;
  // Index key attributes are never empty (decisions without one are not indexed).
  if (key.empty() || limit == 0) return out;
  const std::int64_t now = now_ms();
  std::optional<json::object> start_key;
  for (;;) {
    json::object request{{"TableName", options_.events_table},
                         {"IndexName", index},
                         {"KeyConditionExpression", key_name + " = :key"},
                         {"ExpressionAttributeValues", json::object{{":key", ddb::s(key)}}},
                         {"ScanIndexForward", !newest_first}};
    if (limit != SIZE_MAX) request["Limit"] = static_cast<std::int64_t>(limit - out.size());
    if (start_key) request["ExclusiveStartKey"] = *start_key;
    auto answer = call("Query", request);
    if (!answer) return err(answer);
    if (!answer->is_object()) return core::fail(ErrorKind::internal, "ddb_bad_answer");
    if (const auto* items = answer->as_object().if_contains("Items");
        items != nullptr && items->is_array()) {
      for (const auto& element : items->as_array()) {
        if (!element.is_object()) return core::fail(ErrorKind::internal, "corrupt_decision");
        // Filtered here rather than by FilterExpression, which would apply after Limit anyway.
        if (ddb::is_expired(element.as_object(), now)) continue;
        auto decision = decision_from_item(element.as_object());
        if (!decision) return err(decision);
        out.push_back(std::move(*decision));
        if (out.size() >= limit) return out;
      }
    }
    start_key = ddb::member_object(*answer, "LastEvaluatedKey");
    if (!start_key) return out;
  }
}

core::Result<std::vector<core::DecisionRecord>> DynamoDbStateStore::decisions_for_ticket(
    const std::string& ticket_id, int limit) {
  if (limit <= 0) return std::vector<core::DecisionRecord>{};
  return query_decisions("by_ticket", "ticket_id", ticket_id, true,
                         static_cast<std::size_t>(limit));
}

core::Result<std::vector<core::DecisionRecord>> DynamoDbStateStore::decisions_for_trace(
    const std::string& trace_id) {
  return query_decisions("by_trace", "trace_id", trace_id, false, SIZE_MAX);
}

// ---- TTL ----

core::Result<std::int64_t> DynamoDbStateStore::purge_expired() {
  return std::int64_t{0};
}

}  // namespace rpmw::adapters::aws
