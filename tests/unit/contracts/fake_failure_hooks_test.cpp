// The fakes' failure injection, which callers' error-handling tests rely on.
#include <doctest/doctest.h>

#include <chrono>

#include "tests/unit/contracts/contract_backends.h"

namespace rpmw::contracts {

using namespace std::chrono_literals;

TEST_CASE("fakes: fail_next makes one call fail and changes nothing") {
  fakes::FakeClock clock;
  fakes::SeededRandom random;
  const core::Error full{core::ErrorKind::unavailable, "sqlite_full", std::nullopt};

  SUBCASE("queue") {
    fakes::InMemoryEventQueue queue(clock, random);
    queue.fail_next(full, "enqueue");
    auto failed = queue.enqueue(request("t1", "a"));
    REQUIRE_FALSE(failed.has_value());
    CHECK(failed.error().code == "sqlite_full");
    CHECK(queue.stats()->depth == 0);
    REQUIRE(queue.enqueue(request("t1", "a")).has_value());

    queue.fail_next(full);  // any method: here receive
    CHECK_FALSE(queue.receive(1, 30s, 0ms).has_value());
    auto got = queue.receive(1, 30s, 0ms);
    REQUIRE(got.has_value());
    REQUIRE(got->size() == 1);
    queue.fail_next(full, "ack");
    CHECK_FALSE(queue.ack((*got)[0].receipt).has_value());
    CHECK(queue.ack((*got)[0].receipt).has_value());
  }
  SUBCASE("state") {
    fakes::InMemoryStateStore state(clock);
    state.fail_next(full, "finish_event");
    CHECK(state.begin_event("k").has_value());
    CHECK_FALSE(state.finish_event("k", core::EventStatus::done, std::nullopt).has_value());
    CHECK((*state.get_event("k"))->status == core::EventStatus::processing);
    CHECK(state.all_decisions().empty());
  }
  SUBCASE("flags") {
    fakes::InMemoryFlagStore flags(std::map<std::string, std::string>{{"safe_mode", "true"}});
    flags.fail_next(full, "get");
    CHECK_FALSE(flags.get("safe_mode").has_value());
    CHECK(**flags.get("safe_mode") == "true");
  }
}

}  // namespace rpmw::contracts
