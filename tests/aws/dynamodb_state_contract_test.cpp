// The StateStore contract (tests/unit/contracts/state_contract.h) against DynamoDB on moto: the
// same behaviours the SQLite store and the in-memory fake pass. moto never runs TTL deletion, so
// the TTL behaviour proves the store's own expiry filtering.
#include <doctest/doctest.h>

#include <memory>

#include "adapters/aws/dynamodb_state_store.h"
#include "tests/aws/dynamodb_tables.h"
#include "tests/aws/moto_dynamodb.h"
#include "tests/unit/contracts/state_contract.h"

namespace rpmw::contracts {

struct DynamoDbBackend {
  static constexpr bool purge_deletes_rows = false;  // DynamoDB TTL deletes, lazily

  static std::unique_ptr<core::StateStore> make_state(ContractEnv& env, StateKnobs knobs = {}) {
    auto& dynamodb = aws_tests::moto_dynamodb();
    auto options = aws_tests::create_state_tables(dynamodb);
    options.event_ttl = knobs.event_ttl;
    options.action_ttl = knobs.action_ttl;
    options.conversation_ttl = knobs.conversation_ttl;
    options.decision_ttl = knobs.decision_ttl;
    return std::make_unique<adapters::aws::DynamoDbStateStore>(dynamodb, env.clock,
                                                               std::move(options));
  }
};

}  // namespace rpmw::contracts

TYPE_TO_STRING_AS("dynamodb", rpmw::contracts::DynamoDbBackend);

namespace rpmw::contracts {

TEST_CASE_TEMPLATE_INVOKE(state_events_idempotent, DynamoDbBackend);
TEST_CASE_TEMPLATE_INVOKE(state_finish_stores_decision, DynamoDbBackend);
TEST_CASE_TEMPLATE_INVOKE(state_finish_once, DynamoDbBackend);
TEST_CASE_TEMPLATE_INVOKE(state_get_action, DynamoDbBackend);
TEST_CASE_TEMPLATE_INVOKE(state_claim_action, DynamoDbBackend);
TEST_CASE_TEMPLATE_INVOKE(state_conversation_cas, DynamoDbBackend);
TEST_CASE_TEMPLATE_INVOKE(state_decision_order, DynamoDbBackend);
TEST_CASE_TEMPLATE_INVOKE(state_purge_ttl, DynamoDbBackend);

}  // namespace rpmw::contracts
