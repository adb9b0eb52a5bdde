#include "core/pipeline/disposition.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <limits>

#include "tests/fakes/fake_clock.h"

using rpmw::core::Error;
using rpmw::core::ErrorKind;
using rpmw::core::pipeline::backoff_delay;
using rpmw::core::pipeline::BackoffSettings;
using rpmw::core::pipeline::Disposition;
using rpmw::core::pipeline::disposition_for_error;
using rpmw::fakes::SeededRandom;
using std::chrono::milliseconds;

TEST_CASE(
    "core/pipeline: disposition_for_error retries transient kinds and dead-letters the rest") {
  SeededRandom random(1);
  const BackoffSettings settings;
  struct Case {
    ErrorKind kind;
    Disposition::Kind expected;
  };
  for (const Case& c : {Case{ErrorKind::transient, Disposition::Kind::retry},
                        Case{ErrorKind::rate_limited, Disposition::Kind::retry},
                        Case{ErrorKind::unavailable, Disposition::Kind::retry},
                        Case{ErrorKind::conflict, Disposition::Kind::retry},
                        Case{ErrorKind::internal, Disposition::Kind::retry},
                        Case{ErrorKind::permanent, Disposition::Kind::dead_letter},
                        Case{ErrorKind::not_found, Disposition::Kind::dead_letter},
                        Case{ErrorKind::invalid_input, Disposition::Kind::dead_letter}}) {
    CAPTURE(rpmw::core::to_string(c.kind));
    const Disposition d = disposition_for_error(Error{c.kind, "vendor_x", {}}, 1, settings, random);
    CHECK(d.kind == c.expected);
    CHECK(d.reason == std::string(rpmw::core::to_string(c.kind)) + ":vendor_x");
    if (c.expected == Disposition::Kind::dead_letter) {
      CHECK(d.delay == milliseconds(0));
    } else {
      CHECK(d.delay >= milliseconds(0));
      CHECK(d.delay <= settings.base);
    }
  }
}

TEST_CASE("core/pipeline: backoff_delay is full jitter within min(cap, base * 2^(n-1))") {
  const BackoffSettings settings;  // base 2 s, cap 60 s
  SeededRandom random(123);
  for (int attempt = 1; attempt <= 10; ++attempt) {
    CAPTURE(attempt);
    const std::int64_t bound = std::min<std::int64_t>(60000, 2000LL << (attempt - 1));
    std::int64_t lowest = bound;
    std::int64_t highest = 0;
    for (int i = 0; i < 400; ++i) {
      const std::int64_t d = backoff_delay(attempt, settings, random).count();
      REQUIRE(d >= 0);
      REQUIRE(d <= bound);
      lowest = std::min(lowest, d);
      highest = std::max(highest, d);
    }
    // The whole range is used, not just the top of it.
    CHECK(lowest < bound / 10);
    CHECK(highest > bound * 9 / 10);
  }
}

TEST_CASE("core/pipeline: backoff_delay caps at 60 s and treats attempt < 1 as the first") {
  const BackoffSettings settings;
  SeededRandom random(5);
  for (int attempt : {6, 7, 20, 21, 64, 1000, std::numeric_limits<int>::max()}) {
    for (int i = 0; i < 100; ++i)
      REQUIRE(backoff_delay(attempt, settings, random) <= milliseconds(60000));
  }
  for (int attempt : {0, -1, -1000}) {
    for (int i = 0; i < 100; ++i)
      REQUIRE(backoff_delay(attempt, settings, random) <= settings.base);
  }
  BackoffSettings small{milliseconds(100), milliseconds(250)};
  for (int i = 0; i < 200; ++i) REQUIRE(backoff_delay(3, small, random) <= milliseconds(250));
}

TEST_CASE("core/pipeline: backoff_delay honours Retry-After as a floor") {
  const BackoffSettings settings;
  SeededRandom random(9);
  // Above the jitter range: exactly the Retry-After.
  CHECK(backoff_delay(1, settings, random, milliseconds(10000)) == milliseconds(10000));
  // Inside the range: never below it.
  for (int i = 0; i < 200; ++i) {
    REQUIRE(backoff_delay(5, settings, random, milliseconds(1500)) >= milliseconds(1500));
  }
  const Disposition d = disposition_for_error(
      Error{ErrorKind::rate_limited, "richpanel_429", milliseconds(30000)}, 1, settings, random);
  CHECK(d.kind == Disposition::Kind::retry);
  CHECK(d.delay == milliseconds(30000));
}

TEST_CASE("core/pipeline: backoff_delay is deterministic for a seed") {
  const BackoffSettings settings;
  SeededRandom a(77);
  SeededRandom b(77);
  for (int attempt = 1; attempt <= 8; ++attempt) {
    CHECK(backoff_delay(attempt, settings, a) == backoff_delay(attempt, settings, b));
  }
}
