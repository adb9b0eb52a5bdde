// StateStore contract: the same behaviours for SQLite and the in-memory fakes (the FlagStore
// contract is shared with the AWS tests: tests/contracts/flag_contract.h).
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "tests/unit/contracts/contract_backends.h"
#include "tests/unit/contracts/state_contract.h"

namespace rpmw::contracts {
// The state behaviours live in state_contract.h so the AWS test binary can run them too.
TEST_CASE_TEMPLATE_INVOKE(state_events_idempotent, SqliteBackend, FakeBackend);
TEST_CASE_TEMPLATE_INVOKE(state_finish_stores_decision, SqliteBackend, FakeBackend);
TEST_CASE_TEMPLATE_INVOKE(state_finish_once, SqliteBackend, FakeBackend);
TEST_CASE_TEMPLATE_INVOKE(state_get_action, SqliteBackend, FakeBackend);
TEST_CASE_TEMPLATE_INVOKE(state_claim_action, SqliteBackend, FakeBackend);
TEST_CASE_TEMPLATE_INVOKE(state_conversation_cas, SqliteBackend, FakeBackend);
TEST_CASE_TEMPLATE_INVOKE(state_decision_order, SqliteBackend, FakeBackend);
TEST_CASE_TEMPLATE_INVOKE(state_purge_ttl, SqliteBackend, FakeBackend);

}  // namespace rpmw::contracts
