#include "core/common/ids.h"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <string_view>

#include "tests/fakes/fake_clock.h"

using rpmw::core::from_epoch_ms;
using rpmw::fakes::SeededRandom;

namespace {

constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

bool is_crockford(std::string_view text) {
  for (char c : text) {
    if (kCrockford.find(c) == std::string_view::npos) return false;
  }
  return true;
}

// Decodes the 10-digit time prefix back to epoch milliseconds.
std::int64_t ulid_time_ms(std::string_view ulid) {
  std::int64_t ms = 0;
  for (char c : ulid.substr(0, 10)) ms = ms * 32 + static_cast<std::int64_t>(kCrockford.find(c));
  return ms;
}

bool is_lower_hex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("core/common: make_ulid is 26 Crockford base32 characters") {
  SeededRandom random(1);
  // 9e12 ms (year 2255) is near the end of what a nanosecond system_clock can represent.
  for (std::int64_t ms : {std::int64_t{0}, std::int64_t{1}, std::int64_t{1'767'225'600'000},
                          std::int64_t{9'000'000'000'000}}) {
    const std::string ulid = rpmw::core::make_ulid(from_epoch_ms(ms), random);
    CHECK(ulid.size() == 26);
    CHECK(is_crockford(ulid));
    CHECK(ulid[0] <= '7');  // 128 bits in 130: the first digit carries 3 bits
    CHECK(ulid_time_ms(ulid) == ms);
  }
}

TEST_CASE("core/common: make_ulid encodes the time prefix like the ULID spec example") {
  // The spec's example 01ARZ3NDEKTSV4RRFFQ69G5FAV carries the timestamp 1469922850259.
  SeededRandom random(3);
  const std::string ulid = rpmw::core::make_ulid(from_epoch_ms(1469922850259), random);
  CHECK(ulid.substr(0, 10) == "01ARZ3NDEK");
  SeededRandom zero(3);
  CHECK(rpmw::core::make_ulid(from_epoch_ms(0), zero).substr(0, 10) == "0000000000");
  CHECK(rpmw::core::make_ulid(from_epoch_ms(1'767'225'600'000), zero).substr(0, 10) ==
        "01KDVDNA00");
}

TEST_CASE("core/common: make_ulid sorts by time whatever the random part") {
  SeededRandom random(99);
  std::int64_t ms = 1'767'225'600'000;
  std::string previous = rpmw::core::make_ulid(from_epoch_ms(ms), random);
  for (int i = 0; i < 2000; ++i) {
    ms += 1 + (i % 3 == 0 ? 0 : i * 37);  // steps of 1 ms and larger ones
    const std::string next = rpmw::core::make_ulid(from_epoch_ms(ms), random);
    REQUIRE(next > previous);
    previous = next;
  }
}

TEST_CASE("core/common: make_ulid is deterministic with a seeded random and unique otherwise") {
  SeededRandom a(7);
  SeededRandom b(7);
  SeededRandom c(8);
  const auto t = from_epoch_ms(1'767'225'600'123);
  const std::string first = rpmw::core::make_ulid(t, a);
  CHECK(first == rpmw::core::make_ulid(t, b));
  CHECK(first != rpmw::core::make_ulid(t, c));

  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(rpmw::core::make_ulid(t, a));
  CHECK(seen.size() == 1000);  // same millisecond, distinct random parts
}

TEST_CASE("core/common: trace and event ids carry their prefixes") {
  SeededRandom random(5);
  const auto t = from_epoch_ms(1'767'225'600'000);
  const std::string trace = rpmw::core::make_trace_id(t, random);
  const std::string event = rpmw::core::make_event_id(t, random);
  REQUIRE(trace.size() == 30);
  REQUIRE(event.size() == 30);
  CHECK(trace.substr(0, 4) == "trc_");
  CHECK(event.substr(0, 4) == "evt_");
  CHECK(is_crockford(trace.substr(4)));
  CHECK(is_crockford(event.substr(4)));
  CHECK(ulid_time_ms(trace.substr(4)) == 1'767'225'600'000);
}

TEST_CASE("core/common: make_secret_token is 64 lower-case hex, deterministic per seed") {
  SeededRandom a(11);
  SeededRandom b(11);
  const std::string token = rpmw::core::make_secret_token(a);
  CHECK(token.size() == 64);
  CHECK(is_lower_hex(token));
  CHECK(token == rpmw::core::make_secret_token(b));
  const std::string second = rpmw::core::make_secret_token(a);
  CHECK(second.size() == 64);
  CHECK(second != token);
}
