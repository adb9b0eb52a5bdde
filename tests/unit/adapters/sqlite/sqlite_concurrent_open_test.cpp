// Several processes may create the same database file at once (serve + worker, the two Lambda
// handlers on one /tmp): every open must succeed, none may see a transient SQLITE_BUSY.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "adapters/sqlite/sqlite_event_queue.h"
#include "adapters/sqlite/sqlite_state_store.h"
#include "tests/unit/contracts/contract_backends.h"

namespace rpmw::adapters::sqlite {

TEST_CASE("sqlite: concurrent first opens of one file all succeed") {
  for (int round = 0; round < 20; ++round) {
    contracts::TempDbPath path;
    fakes::FakeClock clock;
    fakes::SeededRandom random;
    constexpr int kOpeners = 6;
    std::atomic<int> ready{0};
    std::atomic<int> failures{0};
    std::vector<std::string> codes(kOpeners);
    std::vector<std::thread> threads;
    for (int i = 0; i < kOpeners; ++i) {
      threads.emplace_back([&, i] {
        ready.fetch_add(1);
        while (ready.load() < kOpeners) {
        }
        // Each thread has its own connections, as separate processes would.
        if (i % 2 == 0) {
          auto queue = SqliteEventQueue::open(path.config(), clock, random);
          if (!queue) codes[i] = queue.error().code;
        } else {
          auto state = SqliteStateStore::open(path.config(), clock);
          if (!state) codes[i] = state.error().code;
        }
        if (!codes[i].empty()) failures.fetch_add(1);
      });
    }
    for (auto& t : threads) t.join();
    CAPTURE(round);
    for (const std::string& code : codes) CHECK(code == "");
    REQUIRE(failures.load() == 0);
  }
}

}  // namespace rpmw::adapters::sqlite
