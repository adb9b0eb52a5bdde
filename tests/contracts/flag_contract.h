#pragma once
// FlagStore contract, written once for every binary that includes it (RPMW_FLAG_CONTRACT_BACKENDS;
// see contract_support.h). Include it from exactly one source file per binary.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "tests/contracts/contract_support.h"

#ifndef RPMW_FLAG_CONTRACT_BACKENDS
#error "define RPMW_FLAG_CONTRACT_BACKENDS before including flag_contract.h"
#endif

namespace rpmw::contracts {

TEST_CASE_TEMPLATE("contracts: flags get, set and list", B, RPMW_FLAG_CONTRACT_BACKENDS) {
  typename B::Env env;
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
