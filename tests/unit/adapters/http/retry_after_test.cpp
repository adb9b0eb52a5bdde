#include "adapters/http/retry_after.h"

#include <doctest/doctest.h>

using rpmw::adapters::http::parse_retry_after;
using std::chrono::milliseconds;

TEST_CASE("adapters/http: Retry-After in delta seconds, fractions allowed, capped at a day") {
  CHECK(parse_retry_after("7") == milliseconds(7000));
  CHECK(parse_retry_after(" 2.0 ") == milliseconds(2000));
  CHECK(parse_retry_after("0.25") == milliseconds(250));
  CHECK(parse_retry_after("0") == milliseconds(0));
  CHECK(parse_retry_after("999999") == milliseconds(24LL * 3600 * 1000));
  CHECK_FALSE(parse_retry_after("").has_value());
  CHECK_FALSE(parse_retry_after("-1").has_value());
  CHECK_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT").has_value());
  CHECK_FALSE(parse_retry_after("1.2.3").has_value());
}
