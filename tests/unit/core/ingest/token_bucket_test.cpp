#include "core/ingest/token_bucket.h"

#include <doctest/doctest.h>

#include <string>

#include "tests/fakes/fake_clock.h"

using rpmw::core::ingest::RateLimiter;
using rpmw::core::ingest::RateLimitSettings;
using rpmw::core::ingest::TokenBucket;
using rpmw::fakes::FakeClock;
using std::chrono::milliseconds;

namespace {

RateLimitSettings per_source_only(double rate, double burst, std::size_t max_sources = 10000) {
  RateLimitSettings s;
  s.global_rate = 0;
  s.per_source_rate = rate;
  s.per_source_burst = burst;
  s.max_sources = max_sources;
  return s;
}

}  // namespace

TEST_CASE("core/ingest: token bucket allows a burst then refuses with the time to wait") {
  FakeClock clock;
  TokenBucket bucket(1.0, 3.0, clock.now());
  CHECK_FALSE(bucket.try_take(clock.now()).has_value());
  CHECK_FALSE(bucket.try_take(clock.now()).has_value());
  CHECK_FALSE(bucket.try_take(clock.now()).has_value());
  auto wait = bucket.try_take(clock.now());
  REQUIRE(wait.has_value());
  CHECK(*wait == milliseconds(1000));

  clock.advance(milliseconds(400));
  wait = bucket.try_take(clock.now());
  REQUIRE(wait.has_value());
  CHECK(*wait == milliseconds(600));

  clock.advance(milliseconds(600));
  CHECK_FALSE(bucket.try_take(clock.now()).has_value());
  CHECK(bucket.try_take(clock.now()).has_value());
}

TEST_CASE("core/ingest: token bucket retry-after follows the rate") {
  FakeClock clock;
  TokenBucket fast(4.0, 1.0, clock.now());
  CHECK_FALSE(fast.try_take(clock.now()).has_value());
  CHECK(fast.try_take(clock.now()) == milliseconds(250));

  TokenBucket slow(0.1, 1.0, clock.now());
  CHECK_FALSE(slow.try_take(clock.now()).has_value());
  CHECK(slow.try_take(clock.now()) == milliseconds(10000));

  // A fractional remainder rounds up: never advertise a wait that is too short.
  TokenBucket third(3.0, 1.0, clock.now());
  CHECK_FALSE(third.try_take(clock.now()).has_value());
  CHECK(third.try_take(clock.now()) == milliseconds(334));
}

TEST_CASE("core/ingest: token bucket refills over time up to the burst only") {
  FakeClock clock;
  TokenBucket bucket(2.0, 3.0, clock.now());
  for (int i = 0; i < 3; ++i) REQUIRE_FALSE(bucket.try_take(clock.now()).has_value());
  CHECK_FALSE(bucket.full(clock.now()));
  clock.advance(std::chrono::hours(1));
  CHECK(bucket.full(clock.now()));
  int taken = 0;
  while (!bucket.try_take(clock.now()).has_value()) ++taken;
  CHECK(taken == 3);

  // A burst below 1 is raised to 1 so a bucket can ever admit anything.
  TokenBucket tiny(1.0, 0.0, clock.now());
  CHECK_FALSE(tiny.try_take(clock.now()).has_value());
  CHECK(tiny.try_take(clock.now()).has_value());
}

TEST_CASE("core/ingest: token bucket ignores a clock that goes backwards") {
  FakeClock clock;
  TokenBucket bucket(1.0, 1.0, clock.now());
  CHECK_FALSE(bucket.try_take(clock.now()).has_value());
  clock.advance(milliseconds(-5000));
  auto wait = bucket.try_take(clock.now());
  REQUIRE(wait.has_value());
  CHECK(*wait == milliseconds(1000));
}

TEST_CASE("core/ingest: rate limiter isolates sources") {
  FakeClock clock;
  RateLimiter limiter(per_source_only(1.0, 2.0), clock);
  CHECK_FALSE(limiter.admit("10.0.0.1").has_value());
  CHECK_FALSE(limiter.admit("10.0.0.1").has_value());
  auto wait = limiter.admit("10.0.0.1");
  REQUIRE(wait.has_value());
  CHECK(*wait == milliseconds(1000));
  // Another address has its own bucket.
  CHECK_FALSE(limiter.admit("10.0.0.2").has_value());
  CHECK_FALSE(limiter.admit("10.0.0.2").has_value());
  CHECK(limiter.admit("10.0.0.2").has_value());

  clock.advance(milliseconds(1000));
  CHECK_FALSE(limiter.admit("10.0.0.1").has_value());
  CHECK(limiter.admit("10.0.0.1").has_value());
}

TEST_CASE("core/ingest: rate limiter global bucket spans sources") {
  FakeClock clock;
  RateLimitSettings s;
  s.global_rate = 1.0;
  s.global_burst = 3.0;
  s.per_source_rate = 0;
  RateLimiter limiter(s, clock);
  CHECK_FALSE(limiter.admit("a").has_value());
  CHECK_FALSE(limiter.admit("b").has_value());
  CHECK_FALSE(limiter.admit("c").has_value());
  auto wait = limiter.admit("d");
  REQUIRE(wait.has_value());
  CHECK(*wait == milliseconds(1000));
  CHECK(limiter.admit("a").has_value());
  clock.advance(milliseconds(1000));
  CHECK_FALSE(limiter.admit("e").has_value());
}

TEST_CASE("core/ingest: rate limiter applies both the per-source and the global bucket") {
  FakeClock clock;
  RateLimitSettings s;
  s.global_rate = 1.0;
  s.global_burst = 3.0;
  s.per_source_rate = 1.0;
  s.per_source_burst = 2.0;
  RateLimiter limiter(s, clock);
  CHECK_FALSE(limiter.admit("a").has_value());
  CHECK_FALSE(limiter.admit("a").has_value());
  CHECK(limiter.admit("a").has_value());        // per-source limit
  CHECK_FALSE(limiter.admit("b").has_value());  // the global bucket still had one
  CHECK(limiter.admit("c").has_value());        // global limit, though c is fresh
}

TEST_CASE("core/ingest: rate limiter with both rates 0 admits everything") {
  FakeClock clock;
  RateLimitSettings s;
  s.global_rate = 0;
  s.per_source_rate = 0;
  RateLimiter limiter(s, clock);
  for (int i = 0; i < 10000; ++i) REQUIRE_FALSE(limiter.admit("10.0.0.1").has_value());
  for (int i = 0; i < 100; ++i) REQUIRE_FALSE(limiter.admit(std::to_string(i)).has_value());
}

TEST_CASE("core/ingest: rate limiter eviction keeps throttled sources and still works") {
  FakeClock clock;
  RateLimiter limiter(per_source_only(1.0, 1.0, 2), clock);
  CHECK_FALSE(limiter.admit("a").has_value());
  CHECK_FALSE(limiter.admit("b").has_value());
  // The table is at its bound but every bucket still carries state: nothing is forgotten, so a
  // throttled source cannot reset itself by making the table churn.
  CHECK_FALSE(limiter.admit("c").has_value());
  CHECK(limiter.admit("a").has_value());
  CHECK(limiter.admit("b").has_value());
  CHECK(limiter.admit("c").has_value());

  // Once buckets are full again they are dropped; new sources and old ones keep working.
  clock.advance(milliseconds(5000));
  for (int i = 0; i < 50; ++i) {
    const std::string source = "spray-" + std::to_string(i);
    REQUIRE_FALSE(limiter.admit(source).has_value());
    REQUIRE(limiter.admit(source).has_value());
    clock.advance(milliseconds(1000));
  }
  CHECK_FALSE(limiter.admit("a").has_value());
  CHECK(limiter.admit("a").has_value());
}
