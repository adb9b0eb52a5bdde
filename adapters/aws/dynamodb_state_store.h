#pragma once
// StateStore on DynamoDB (spec/05): the events table `rpmw-<env>-events` (hash key `pk`, typed
// prefixes evt#/act#/dec#, sparse GSIs by_ticket and by_trace over decision items) and the
// conversations table `rpmw-<env>-conversations` (hash key `ticket_id`, `version` for
// compare-and-set). Both tables expire items through the `expires_at` TTL attribute (epoch s).
// Thread-safe as far as the caller is: the store itself holds no mutable state.
#include <chrono>
#include <cstdint>
#include <string>

#include "adapters/aws/aws_json_client.h"
#include "core/ports/clock.h"
#include "core/ports/state_store.h"

namespace rpmw::adapters::aws {

struct DynamoDbStateStoreOptions {
  std::string events_table;         // rpmw-<env>-events
  std::string conversations_table;  // rpmw-<env>-conversations
  // The same TTLs as SqliteStateStoreOptions (spec/01).
  std::chrono::milliseconds event_ttl{std::chrono::hours(24 * 30)};
  std::chrono::milliseconds action_ttl{std::chrono::hours(24 * 30)};
  std::chrono::milliseconds conversation_ttl{std::chrono::hours(24 * 90)};
  std::chrono::milliseconds decision_ttl{std::chrono::hours(24 * 60)};
};

// The table names the CloudFormation template creates for an environment.
std::string dynamodb_events_table(const std::string& env);
std::string dynamodb_conversations_table(const std::string& env);

class DynamoDbStateStore final : public core::StateStore {
 public:
  // `caller` talks to DynamoDB (DynamoDB_20120810); it and `clock` must outlive the store.
  DynamoDbStateStore(AwsJsonCaller& caller, const core::Clock& clock,
                     DynamoDbStateStoreOptions options);

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

  // Both read a GSI, which is eventually consistent on real DynamoDB: a decision stored a moment
  // ago may be missing for a fraction of a second. Ties on `at_ms` come back in index order.
  core::Result<std::vector<core::DecisionRecord>> decisions_for_ticket(const std::string& ticket_id,
                                                                       int limit) override;
  core::Result<std::vector<core::DecisionRecord>> decisions_for_trace(
      const std::string& trace_id) override;

  // Always 0: DynamoDB's TTL deletes expired items itself (free of write capacity), and every
  // read and condition here already treats a passed `expires_at` as absent.
  core::Result<std::int64_t> purge_expired() override;

 private:
  core::Result<boost::json::value> call(std::string_view operation,
                                        const boost::json::object& request);
  core::Result<std::optional<boost::json::object>> get_item(const std::string& table,
                                                            boost::json::object key);
  core::Result<std::vector<core::DecisionRecord>> query_decisions(const std::string& index,
                                                                  const std::string& key_name,
                                                                  const std::string& key,
                                                                  bool newest_first,
                                                                  std::size_t limit);
  std::int64_t now_ms() const;

  AwsJsonCaller& caller_;
  const core::Clock& clock_;
  DynamoDbStateStoreOptions options_;
};

}  // namespace rpmw::adapters::aws
