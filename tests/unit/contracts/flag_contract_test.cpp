// The FlagStore contract (tests/contracts/flag_contract.h) for SqliteFlagStore and
// InMemoryFlagStore.
#include "tests/unit/contracts/contract_backends.h"

#define RPMW_FLAG_CONTRACT_BACKENDS rpmw::contracts::SqliteBackend, rpmw::contracts::FakeBackend
#include "tests/contracts/flag_contract.h"
