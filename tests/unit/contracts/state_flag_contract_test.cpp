// StateStore and FlagStore contracts: the same behaviours for SQLite and the in-memory fakes.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "tests/unit/contracts/contract_backends.h"
#include "tests/unit/contracts/state_contract.h"

namespace rpmw::contracts {
// The state behaviours live in state_contract.h so the AWS test binary can run them too.
TEST_CASE_TEMPLATE_INVOKE(state_events_idempotent, SqliteBackend, FakeBackend);
TEST_CASE_TEMPLATE_INVOKE(state_finish_stores_decision, SqliteBackend, FakeBackend);
TEST_CASE_TEMPLATE_INVOKE(state_get_action, SqliteBackend, FakeBackend);
TEST_CASE_TEMPLATE_INVOKE(state_claim_action, SqliteBackend, FakeBackend);
TEST_CASE_TEMPLATE_INVOKE(state_conversation_cas, SqliteBackend, FakeBackend);
TEST_CASE_TEMPLATE_INVOKE(state_decision_order, SqliteBackend, FakeBackend);
TEST_CASE_TEMPLATE_INVOKE(state_purge_ttl, SqliteBackend, FakeBackend);

TEST_CASE_TEMPLATE("contracts: flags get, set and list", B, SqliteBackend, FakeBackend) {
  ContractEnv env;
  auto flags = B::make_flags(env);
  auto missing = flags->get("safe_mode");
  REQUIRE(missing.has_value());
  CHECK_FALSE(missing->has_value());
  REQUIRE(flags->set("safe_mode", "true").has_value());
  REQUIRE(flags->set("automation_enabled", "false").has_value());
  REQUIRE(flags->set("safe_mode", "false").has_value());
  auto value = flags->get("safe_mode");
  REQUIRE(value.has_value());
  REQUIRE(value->has_value());
  CHECK(**value == "false");
  auto all = flags->list();
  REQUIRE(all.has_value());
  CHECK(*all == std::map<std::string, std::string>{{"automation_enabled", "false"},
                                                   {"safe_mode", "false"}});
}

}  // namespace rpmw::contracts
