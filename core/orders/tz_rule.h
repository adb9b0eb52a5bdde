#pragma once
// A POSIX TZ rule string ("EST5EDT,M3.2.0,M11.1.0"), as found in a TZif v2+ footer: it gives the
// offset for instants after the file's last transition (slim TZif files rely on it from 2007 on).
#include <cstdint>
#include <optional>
#include <string_view>

namespace rpmw::core::orders {

struct TzRule {
  // The day a change happens in a given year.
  struct Day {
    enum class Kind { julian_no_leap, zero_based, month_week_day };
    Kind kind = Kind::month_week_day;
    int day = 0;    // Jn: 1..365; n: 0..365; M: weekday 0 (Sunday) .. 6
    int month = 0;  // M only: 1..12
    int week = 0;   // M only: 1..5 (5 = the last)
  };

  std::int32_t std_offset = 0;  // seconds east of UTC
  bool has_dst = false;
  std::int32_t dst_offset = 0;
  Day start, end;                      // local dates of the DST start and end
  std::int32_t start_time = 2 * 3600;  // local seconds after midnight (may be < 0 or > 24 h)
  std::int32_t end_time = 2 * 3600;

  // nullopt for a malformed string.
  static std::optional<TzRule> parse(std::string_view text);
  std::int32_t offset_at(std::int64_t utc_seconds) const;
};

}  // namespace rpmw::core::orders
