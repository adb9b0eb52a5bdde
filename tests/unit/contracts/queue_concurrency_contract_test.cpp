// EventQueue contract under concurrency: group commit results, exactly-once delivery and
// per-group order with many producers and consumers.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/contracts/contract_backends.h"

namespace rpmw::contracts {

using namespace std::chrono_literals;

TEST_CASE_TEMPLATE("contracts: queue concurrent enqueues get distinct ids and duplicate flags", B,
                   SqliteBackend, FakeBackend) {
  ContractEnv env;
  auto queue = B::make_queue(env);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 150;
  // Threads 2k and 2k+1 send the same dedup keys, racing each other (and within a batch).
  std::vector<std::vector<core::Result<core::EnqueueResult>>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string key = "k" + std::to_string(t / 2) + "_" + std::to_string(i);
        results[t].push_back(queue->enqueue(request("grp" + std::to_string(t / 2), key, key)));
      }
    });
  }
  for (auto& thread : threads) thread.join();

  std::map<std::string, std::vector<core::EnqueueResult>> by_key;
  for (int t = 0; t < kThreads; ++t) {
    REQUIRE(results[t].size() == kPerThread);
    for (int i = 0; i < kPerThread; ++i) {
      REQUIRE(results[t][i].has_value());
      by_key["k" + std::to_string(t / 2) + "_" + std::to_string(i)].push_back(*results[t][i]);
    }
  }
  std::set<std::string> fresh_ids;
  int fresh = 0;
  for (const auto& [key, pair] : by_key) {
    REQUIRE(pair.size() == 2);
    CHECK(pair[0].event_id == pair[1].event_id);
    CHECK(pair[0].duplicate != pair[1].duplicate);  // exactly one of them enqueued
    for (const auto& r : pair) {
      if (!r.duplicate) {
        ++fresh;
        fresh_ids.insert(r.event_id);
      }
    }
  }
  CHECK(fresh == kThreads / 2 * kPerThread);
  CHECK(fresh_ids.size() == static_cast<std::size_t>(fresh));
  auto stats = queue->stats();
  REQUIRE(stats.has_value());
  CHECK(stats->depth == fresh);
}

TEST_CASE_TEMPLATE("contracts: queue stress delivers every message once in group order", B,
                   SqliteBackend, FakeBackend) {
  ContractEnv env;
  auto queue = B::make_queue(env);
  constexpr int kProducers = 8;
  constexpr int kConsumers = 4;
  constexpr int kGroups = 50;
  constexpr int kPerGroup = 40;
  constexpr int kTotal = kGroups * kPerGroup;

  std::mutex mutex;
  std::map<int, std::vector<int>> delivered;  // group → indices in delivery order
  std::set<std::string> event_ids;
  std::set<int> in_flight;
  int overlaps = 0;
  int duplicates = 0;
  std::atomic<int> acked{0};
  std::atomic<int> errors{0};

  std::vector<std::thread> threads;
  // Each group has one producer, so its enqueue order is well defined; a producer interleaves
  // its groups.
  for (int p = 0; p < kProducers; ++p) {
    threads.emplace_back([&, p] {
      for (int i = 0; i < kPerGroup; ++i) {
        for (int g = p; g < kGroups; g += kProducers) {
          const std::string body = std::to_string(g) + ":" + std::to_string(i);
          auto r = queue->enqueue(request("grp" + std::to_string(g), body));
          if (!r || r->duplicate) errors.fetch_add(1);
        }
      }
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  for (int c = 0; c < kConsumers; ++c) {
    threads.emplace_back([&] {
      while (acked.load() < kTotal && std::chrono::steady_clock::now() < deadline) {
        auto got = queue->receive(4, 600s, 20ms);
        if (!got) {
          errors.fetch_add(1);
          continue;
        }
        for (const auto& event : *got) {
          const auto colon = event.body.find(':');
          const int group = std::stoi(event.body.substr(0, colon));
          const int index = std::stoi(event.body.substr(colon + 1));
          {
            std::lock_guard lock(mutex);
            if (!in_flight.insert(group).second) ++overlaps;
            if (!event_ids.insert(event.event_id).second) ++duplicates;
            delivered[group].push_back(index);
          }
          {
            // Leave the set before acking: until the ack the lease still blocks the group.
            std::lock_guard lock(mutex);
            in_flight.erase(group);
          }
          if (queue->ack(event.receipt)) {
            acked.fetch_add(1);
          } else {
            errors.fetch_add(1);
          }
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();

  CHECK(errors.load() == 0);
  CHECK(overlaps == 0);
  CHECK(duplicates == 0);
  CHECK(acked.load() == kTotal);
  CHECK(event_ids.size() == static_cast<std::size_t>(kTotal));
  REQUIRE(delivered.size() == static_cast<std::size_t>(kGroups));
  std::vector<int> expected(kPerGroup);
  for (int i = 0; i < kPerGroup; ++i) expected[i] = i;
  for (const auto& [group, indices] : delivered) {
    INFO("group " << group);
    CHECK(indices == expected);
  }
  auto stats = queue->stats();
  REQUIRE(stats.has_value());
  CHECK(stats->depth == 0);
}

}  // namespace rpmw::contracts
