#include "adapters/http/vendor_budget.h"

#include <doctest/doctest.h>

#include "tests/fakes/fake_clock.h"

using rpmw::adapters::http::VendorBudget;
using rpmw::adapters::http::VendorBudgetSettings;
using std::chrono::milliseconds;

TEST_CASE("adapters/http: the vendor budget hands out the burst, then turns in order") {
  rpmw::fakes::FakeClock clock;
  VendorBudget budget(VendorBudgetSettings{1.0, 5, milliseconds(60000), 0.5}, clock);
  for (int i = 0; i < 5; ++i) CHECK(budget.reserve() == milliseconds(0));
  // Concurrent callers queue: each one a second after the previous at 1 request/s.
  CHECK(budget.reserve() == milliseconds(1000));
  CHECK(budget.reserve() == milliseconds(2000));
  clock.advance(milliseconds(2000));
  CHECK(budget.reserve() == milliseconds(1000));
  // A reservation given back frees its slot.
  budget.release();
  CHECK(budget.reserve() == milliseconds(1000));
  // It refills up to the burst, no further.
  clock.advance(milliseconds(60000));
  for (int i = 0; i < 5; ++i) CHECK(budget.reserve() == milliseconds(0));
  CHECK(budget.reserve() > milliseconds(0));
}

TEST_CASE("adapters/http: a 429 empties the budget and slows it for the cool-down") {
  rpmw::fakes::FakeClock clock;
  VendorBudget budget(VendorBudgetSettings{1.0, 5, milliseconds(30000), 0.5}, clock);
  CHECK(budget.reserve() == milliseconds(0));
  SUBCASE("without Retry-After: half rate for the cool-down") {
    budget.on_rate_limited(std::nullopt);
    CHECK(budget.cooling_down());
    CHECK(budget.reserve() == milliseconds(2000));  // 1 / (1.0 × 0.5) s
    clock.advance(milliseconds(31000));
    CHECK_FALSE(budget.cooling_down());
  }
  SUBCASE("with Retry-After: nobody goes before it") {
    budget.on_rate_limited(milliseconds(10000));
    CHECK(budget.reserve() >= milliseconds(10000));
    CHECK(budget.reserve() >= milliseconds(12000));  // and the next one after that
  }
  SUBCASE("a Retry-After longer than the cool-down extends it") {
    budget.on_rate_limited(milliseconds(90000));
    clock.advance(milliseconds(60000));
    CHECK(budget.cooling_down());
  }
}

TEST_CASE("adapters/http: 429s that keep coming slow the budget further, down to a floor") {
  rpmw::fakes::FakeClock clock;
  VendorBudgetSettings settings{1.0, 1, milliseconds(30000), 0.5};
  settings.min_factor = 1.0 / 8;
  VendorBudget budget(settings, clock);
  // The wait for the next slot once the bucket is empty is 1 / (rate × factor).
  auto next_wait = [&] {
    const milliseconds wait = budget.reserve();
    budget.release();
    return wait;
  };
  budget.on_rate_limited(std::nullopt);
  CHECK(next_wait() == milliseconds(2000));  // × 0.5
  SUBCASE("429s of requests already in flight at the drop do not compound") {
    clock.advance(milliseconds(100));
    budget.on_rate_limited(std::nullopt);
    budget.on_rate_limited(std::nullopt);
    CHECK(next_wait() == milliseconds(2000));
  }
  SUBCASE("a 429 one slot later does, until the floor") {
    clock.advance(milliseconds(2000));
    budget.on_rate_limited(std::nullopt);
    CHECK(next_wait() == milliseconds(4000));  // × 0.25
    clock.advance(milliseconds(4000));
    budget.on_rate_limited(std::nullopt);
    CHECK(next_wait() == milliseconds(8000));  // × 0.125, the floor
    clock.advance(milliseconds(8000));
    budget.on_rate_limited(std::nullopt);
    CHECK(next_wait() == milliseconds(8000));
  }
  SUBCASE("a cool-down that ends without a 429 restores the full rate") {
    clock.advance(milliseconds(31000));
    CHECK_FALSE(budget.cooling_down());
    CHECK(next_wait() == milliseconds(0));
    budget.on_rate_limited(std::nullopt);  // a new episode starts from the configured rate again
    CHECK(next_wait() == milliseconds(2000));
  }
}
