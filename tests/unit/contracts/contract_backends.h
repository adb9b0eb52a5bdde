#pragma once
// Backends for the port contract tests: each behaviour is written once as a TEST_CASE_TEMPLATE
// and runs against the SQLite adapter and the in-memory fake with the same fake clock. The queue
// and flag behaviours live in tests/contracts/ (shared with the AWS tests, see
// contract_support.h); the state behaviours are here.
#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "adapters/sqlite/sqlite_event_queue.h"
#include "adapters/sqlite/sqlite_flag_store.h"
#include "adapters/sqlite/sqlite_state_store.h"
#include "tests/contracts/contract_support.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/in_memory_flags.h"
#include "tests/fakes/in_memory_queue.h"
#include "tests/fakes/in_memory_state.h"

namespace rpmw::contracts {

// A fresh SQLite path under /tmp, deleted (with its -wal/-shm files) on destruction.
class TempDbPath {
 public:
  TempDbPath() {
    static std::atomic<int> counter{0};
    path_ = "/tmp/rpmw_test_" + std::to_string(::getpid()) + "_" +
            std::to_string(counter.fetch_add(1)) + ".sqlite3";
    remove_files();
  }
  ~TempDbPath() { remove_files(); }
  TempDbPath(const TempDbPath&) = delete;
  TempDbPath& operator=(const TempDbPath&) = delete;

  const std::string& path() const { return path_; }
  adapters::sqlite::SqliteConfig config() const { return adapters::sqlite::SqliteConfig{path_}; }

 private:
  void remove_files() {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::remove((path_ + suffix).c_str());
    }
  }
  std::string path_;
};

// A SQLite queue on `file` for the SQLite-only tests.
inline std::unique_ptr<adapters::sqlite::SqliteEventQueue> open_sqlite_queue(
    const TempDbPath& file, const core::Clock& clock, core::Random& random,
    adapters::sqlite::SqliteEventQueueOptions options = {}) {
  auto queue = adapters::sqlite::SqliteEventQueue::open(file.config(), clock, random, options);
  REQUIRE(queue.has_value());
  return std::move(*queue);
}

struct ContractEnv {
  fakes::FakeClock clock;
  fakes::SeededRandom random{7};
  TempDbPath db;
};

struct StateKnobs {
  std::chrono::milliseconds event_ttl{std::chrono::hours(24 * 30)};
  std::chrono::milliseconds action_ttl{std::chrono::hours(24 * 30)};
  std::chrono::milliseconds conversation_ttl{std::chrono::hours(24 * 90)};
  std::chrono::milliseconds decision_ttl{std::chrono::hours(24 * 60)};
};

struct SqliteBackend {
  static constexpr bool is_sqlite = true;
  using Env = ContractEnv;
  static constexpr QueueCaps caps{};

  static std::unique_ptr<core::EventQueue> make_queue(ContractEnv& env, QueueKnobs knobs = {}) {
    adapters::sqlite::SqliteEventQueueOptions options;
    options.max_receives = knobs.max_receives;
    options.dedup_window = knobs.dedup_window;
    options.poll_interval = knobs.poll_interval;
    auto queue =
        adapters::sqlite::SqliteEventQueue::open(env.db.config(), env.clock, env.random, options);
    REQUIRE(queue.has_value());
    return std::move(*queue);
  }
  static std::unique_ptr<core::StateStore> make_state(ContractEnv& env, StateKnobs knobs = {}) {
    adapters::sqlite::SqliteStateStoreOptions options{knobs.event_ttl, knobs.action_ttl,
                                                      knobs.conversation_ttl, knobs.decision_ttl};
    auto state = adapters::sqlite::SqliteStateStore::open(env.db.config(), env.clock, options);
    REQUIRE(state.has_value());
    return std::move(*state);
  }
  static std::unique_ptr<core::FlagStore> make_flags(ContractEnv& env) {
    auto flags = adapters::sqlite::SqliteFlagStore::open(env.db.config(), env.clock);
    REQUIRE(flags.has_value());
    return std::move(*flags);
  }
};

struct FakeBackend {
  static constexpr bool is_sqlite = false;
  using Env = ContractEnv;
  static constexpr QueueCaps caps{};

  static std::unique_ptr<core::EventQueue> make_queue(ContractEnv& env, QueueKnobs knobs = {}) {
    return std::make_unique<fakes::InMemoryEventQueue>(
        env.clock, env.random,
        fakes::InMemoryEventQueueOptions{knobs.max_receives, knobs.dedup_window});
  }
  static std::unique_ptr<core::StateStore> make_state(ContractEnv& env, StateKnobs knobs = {}) {
    return std::make_unique<fakes::InMemoryStateStore>(
        env.clock, fakes::InMemoryStateStoreOptions{knobs.event_ttl, knobs.action_ttl,
                                                    knobs.conversation_ttl, knobs.decision_ttl});
  }
  static std::unique_ptr<core::FlagStore> make_flags(ContractEnv&) {
    return std::make_unique<fakes::InMemoryFlagStore>();
  }
};

}  // namespace rpmw::contracts

TYPE_TO_STRING_AS("sqlite", rpmw::contracts::SqliteBackend);
TYPE_TO_STRING_AS("fake", rpmw::contracts::FakeBackend);
