#include "core/orders/dates.h"

#include <doctest/doctest.h>

using rpmw::core::TimePoint;
using rpmw::core::orders::business_days_between;
using rpmw::core::orders::Date;
using rpmw::core::orders::human_date;
using rpmw::core::orders::iso_date;
using rpmw::core::orders::local_date;
using rpmw::core::orders::parse_iso_date;
using rpmw::core::orders::TimeZone;
using namespace std::chrono;

namespace {

// March 2026: Monday the 2nd, Friday the 6th, Saturday the 7th, Monday the 9th.
constexpr Date kMon = Date{2026y / March / 2};
constexpr Date kTue = kMon + days{1};
constexpr Date kWed = kMon + days{2};
constexpr Date kFri = kMon + days{4};
constexpr Date kSat = kMon + days{5};
constexpr Date kNextMon = kMon + days{7};

}  // namespace

TEST_CASE("core/orders: ISO dates and human dates") {
  CHECK(parse_iso_date("2026-03-02") == kMon);
  CHECK(parse_iso_date("2028-02-29").has_value());
  for (const char* bad : {"", "2026-3-02", "2026-02-30", "2027-02-29", "2026-13-01", "2026/03/02",
                          "2026-03-02T00:00:00Z", "20a6-03-02"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_iso_date(bad).has_value());
  }
  CHECK(iso_date(kMon) == "2026-03-02");
  CHECK(human_date(Date{2026y / March / 3}) == "March 3, 2026");
  CHECK(human_date(Date{2025y / December / 31}) == "December 31, 2025");
}

TEST_CASE("core/orders: business days strictly after the order date, up to the inquiry date") {
  const std::vector<Date> none;
  CHECK(business_days_between(kMon, kWed, none) == 2);  // spec/03's example
  CHECK(business_days_between(kMon, kMon, none) == 0);
  CHECK(business_days_between(kFri, kSat, none) == 0);
  CHECK(business_days_between(kFri, kNextMon, none) == 1);
  CHECK(business_days_between(kSat, kNextMon, none) == 1);
  CHECK(business_days_between(kSat, kSat + days{1}, none) == 0);
  CHECK(business_days_between(kMon, kMon + days{28}, none) == 20);
  CHECK(business_days_between(kMon, kMon + days{30}, none) == 22);
  CHECK(business_days_between(kWed, kMon, none) == -2);

  SUBCASE("holidays: on a weekday they count out once, on a weekend they change nothing") {
    CHECK(business_days_between(kMon, kWed, {kTue}) == 1);
    CHECK(business_days_between(kMon, kWed, {kTue, kTue}) == 1);
    CHECK(business_days_between(kMon, kWed, {kMon}) == 2);  // the order date itself never counts
    CHECK(business_days_between(kMon, kWed, {kWed}) == 1);  // the inquiry date does
    CHECK(business_days_between(kFri, kNextMon, {kSat}) == 1);
    CHECK(business_days_between(kMon, kNextMon, {kTue, kFri}) == 3);
  }
}

TEST_CASE("core/orders: the store's calendar decides the date") {
  // 23:30Z on Monday is already Tuesday 05:00 in +05:30, and still Monday 15:30 in −08:00.
  const TimePoint late_monday = TimePoint(sys_days{kMon} + hours{23} + minutes{30});
  CHECK(local_date(late_monday, TimeZone::utc()) == kMon);
  CHECK(local_date(late_monday, *TimeZone::fixed("+05:30")) == kTue);
  CHECK(local_date(late_monday, *TimeZone::fixed("-08:00")) == kMon);
  const TimePoint early_tuesday = TimePoint(sys_days{kTue} + hours{5});
  CHECK(local_date(early_tuesday, *TimeZone::fixed("-08:00")) == kMon);
  // Before 1970 too (floor, not truncation).
  CHECK(local_date(TimePoint(sys_days{1969y / December / 31} + hours{23}), TimeZone::utc()) ==
        Date{1969y / December / 31});
}
