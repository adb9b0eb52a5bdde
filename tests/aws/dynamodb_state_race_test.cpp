// Conditional writes under real concurrency (moto over HTTP): of several threads claiming the
// same action key, or creating the same conversation, exactly one wins; the others see its record.
#include <doctest/doctest.h>

#include <atomic>
#include <barrier>
#include <string>
#include <thread>
#include <vector>

#include "adapters/aws/dynamodb_state_store.h"
#include "tests/aws/dynamodb_tables.h"
#include "tests/aws/moto_dynamodb.h"
#include "tests/fakes/fake_clock.h"

namespace rpmw::aws_tests {
namespace {

constexpr int kThreads = 4;
constexpr int kRounds = 20;  // fresh keys, so each round is a new race

// Runs `body(thread index)` on kThreads threads released together.
template <class F>
void race(F body) {
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      body(t);
    });
  }
  for (auto& thread : threads) thread.join();
}

}  // namespace

TEST_CASE("dynamodb state on moto: concurrent claim_action has exactly one winner") {
  fakes::FakeClock clock;
  auto& dynamodb = serial_moto_dynamodb();
  auto options = create_state_tables(dynamodb);
  // A store per thread, as separate worker processes would have.
  std::vector<std::unique_ptr<adapters::aws::DynamoDbStateStore>> stores;
  for (int t = 0; t < kThreads; ++t) {
    stores.push_back(std::make_unique<adapters::aws::DynamoDbStateStore>(dynamodb, clock, options));
  }
  for (int round = 0; round < kRounds; ++round) {
    const std::string key = "act:t1:c" + std::to_string(round) + ":reply:t1";
    std::atomic<int> winners{0};
    std::atomic<int> losers_seeing_pending{0};
    std::atomic<int> errors{0};
    race([&](int t) {
      auto claim = stores[t]->claim_action(key);
      if (!claim) {
        ++errors;
      } else if (claim->claimed) {
        ++winners;
      } else if (claim->existing.status == core::ActionStatus::pending &&
                 claim->existing.action_key == key) {
        ++losers_seeing_pending;
      }
    });
    INFO("round " << round);
    CHECK(errors == 0);
    CHECK(winners == 1);
    CHECK(losers_seeing_pending == kThreads - 1);
  }
}

TEST_CASE("dynamodb state on moto: a failed action is retried by exactly one racer") {
  fakes::FakeClock clock;
  auto& dynamodb = serial_moto_dynamodb();
  adapters::aws::DynamoDbStateStore state(dynamodb, clock, create_state_tables(dynamodb));
  const std::string key = "act:t1:c1:tag:wismo";
  REQUIRE(state.claim_action(key).has_value());
  REQUIRE(state.complete_action(key, core::ActionStatus::failed, "http_500").has_value());
  std::atomic<int> winners{0};
  std::atomic<int> errors{0};
  race([&](int) {
    auto claim = state.claim_action(key);
    if (!claim) {
      ++errors;
    } else if (claim->claimed) {
      ++winners;
    }
  });
  CHECK(errors == 0);
  CHECK(winners == 1);
}

TEST_CASE("dynamodb state on moto: concurrent conversation writes, one per version") {
  fakes::FakeClock clock;
  auto& dynamodb = serial_moto_dynamodb();
  adapters::aws::DynamoDbStateStore state(dynamodb, clock, create_state_tables(dynamodb));
  for (int version = 0; version < 5; ++version) {
    std::atomic<int> winners{0};
    std::atomic<int> conflicts{0};
    race([&](int t) {
      core::ConversationRecord record;
      record.ticket_id = "t1";
      record.last_comment_id = "c" + std::to_string(t);
      record.version = version;
      auto put = state.put_conversation(record);
      if (put) {
        ++winners;
      } else if (put.error().kind == core::ErrorKind::conflict &&
                 put.error().code == "version_conflict") {
        ++conflicts;
      }
    });
    INFO("version " << version);
    CHECK(winners == 1);
    CHECK(conflicts == kThreads - 1);
    auto stored = state.get_conversation("t1");
    REQUIRE(stored.has_value());
    REQUIRE(stored->has_value());
    CHECK((*stored)->version == version + 1);
  }
}

TEST_CASE("dynamodb state on moto: concurrent begin_event counts every attempt") {
  fakes::FakeClock clock;
  auto& dynamodb = serial_moto_dynamodb();
  adapters::aws::DynamoDbStateStore state(dynamodb, clock, create_state_tables(dynamodb));
  std::atomic<int> errors{0};
  race([&](int) {
    if (!state.begin_event("t1:c1")) ++errors;
  });
  CHECK(errors == 0);
  auto event = state.get_event("t1:c1");
  REQUIRE(event.has_value());
  REQUIRE(event->has_value());
  CHECK((*event)->attempts == kThreads);
}

}  // namespace rpmw::aws_tests
