#pragma once
// Civil dates in the store's zone and business-day counting (Monday–Friday minus holidays).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/orders/time_zone.h"
#include "core/ports/clock.h"

namespace rpmw::core::orders {

// A calendar date (no zone): the days since 1970-01-01 of that date.
using Date = std::chrono::sys_days;

// "YYYY-MM-DD" naming a real calendar date; nullopt otherwise.
std::optional<Date> parse_iso_date(std::string_view text);
std::string iso_date(Date date);
// "March 3, 2026".
std::string human_date(Date date);
// The date on the store's calendar at instant `at`.
Date local_date(TimePoint at, const TimeZone& zone);

bool is_business_day(Date date, const std::vector<Date>& holidays);
// Business days strictly after `from` up to and including `to`; negative (the same count, the
// other way round) when `to` is before `from`. Monday → Wednesday is 2.
int business_days_between(Date from, Date to, const std::vector<Date>& holidays);

}  // namespace rpmw::core::orders
