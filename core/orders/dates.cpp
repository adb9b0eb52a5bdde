#include "core/orders/dates.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

namespace rpmw::core::orders {
namespace {

namespace chr = std::chrono;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);
}

bool weekday_mon_fri(Date date) {
  const unsigned wd = chr::weekday{date}.c_encoding();  // 0 = Sunday
  return wd >= 1 && wd <= 5;
}

// Monday–Friday dates in (from, to], from ≤ to.
int weekdays_in(Date from, Date to) {
  const int span = static_cast<int>((to - from).count());
  int count = span / 7 * 5;
  for (Date d = from + chr::days{span / 7 * 7 + 1}; d <= to; d += chr::days{1}) {
    count += weekday_mon_fri(d) ? 1 : 0;
  }
  return count;
}

}  // namespace

std::optional<Date> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const std::pair<std::size_t, std::size_t> spans[3] = {{0, 4}, {5, 2}, {8, 2}};
  for (int i = 0; i < 3; ++i) {
    for (std::size_t k = 0; k < spans[i].second; ++k) {
      const char c = text[spans[i].first + k];
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      parts[i] = parts[i] * 10 + (c - '0');
    }
  }
  const chr::year_month_day ymd{chr::year{parts[0]}, chr::month{static_cast<unsigned>(parts[1])},
                                chr::day{static_cast<unsigned>(parts[2])}};
  if (!ymd.ok()) return std::nullopt;
  return Date{ymd};
}

std::string iso_date(Date date) {
  const chr::year_month_day ymd{date};
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buffer;
}

std::string human_date(Date date) {
  static constexpr std::array<const char*, 12> kMonths = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  const chr::year_month_day ymd{date};
  return std::string(kMonths[static_cast<unsigned>(ymd.month()) - 1]) + " " +
         std::to_string(static_cast<unsigned>(ymd.day())) + ", " +
         std::to_string(static_cast<int>(ymd.year()));
}

Date local_date(TimePoint at, const TimeZone& zone) {
  const std::int64_t utc_s = floor_div(to_epoch_ms(at), 1000);
  return Date{chr::days{floor_div(utc_s + zone.offset_at(utc_s), 86400)}};
}

bool is_business_day(Date date, const std::vector<Date>& holidays) {
  return weekday_mon_fri(date) &&
         std::find(holidays.begin(), holidays.end(), date) == holidays.end();
}

int business_days_between(Date from, Date to, const std::vector<Date>& holidays) {
  if (to < from) return -business_days_between(to, from, holidays);
  int count = weekdays_in(from, to);
  std::vector<Date> off(holidays);
  std::sort(off.begin(), off.end());
  off.erase(std::unique(off.begin(), off.end()), off.end());
  for (Date h : off) {
    if (h > from && h <= to && weekday_mon_fri(h)) --count;
  }
  return count;
}

}  // namespace rpmw::core::orders
