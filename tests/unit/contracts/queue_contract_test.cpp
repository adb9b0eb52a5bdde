// The EventQueue contract (tests/contracts/queue_contract.h) for SqliteEventQueue and
// InMemoryEventQueue.
#include "tests/unit/contracts/contract_backends.h"

#define RPMW_QUEUE_CONTRACT_BACKENDS rpmw::contracts::SqliteBackend, rpmw::contracts::FakeBackend
#include "tests/contracts/queue_contract.h"
