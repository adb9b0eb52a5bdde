#pragma once
// The store's time zone without std::chrono's tzdb (libstdc++ 12 has none): UTC, a fixed offset
// ("+05:30", "-08:00"), or an IANA zone built from its TZif bytes (RFC 8536, version 2 or later,
// 64-bit section, plus the footer rule for instants after the last transition). Pure: the app
// reads the file from the zoneinfo directory and hands the bytes over.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"
#include "core/orders/tz_rule.h"

namespace rpmw::core::orders {

class TimeZone {
 public:
  TimeZone() = default;  // UTC
  static TimeZone utc() { return TimeZone(); }
  // "UTC" or ±HH:MM (up to ±18:00); nullopt for anything else.
  static std::optional<TimeZone> fixed(std::string_view text);
  // Errors (invalid_input): tzif_truncated, tzif_bad_magic, tzif_v1_only, tzif_bad_data,
  // tzif_bad_footer.
  static Result<TimeZone> from_tzif(std::string name, std::string_view bytes);
  // Safe to resolve as a path under a zoneinfo directory: "America/New_York", "Etc/GMT+5";
  // never absolute, never "..".
  static bool is_iana_name(std::string_view name);

  const std::string& name() const { return name_; }
  // Seconds east of UTC in effect at the instant `utc_seconds`.
  std::int32_t offset_at(std::int64_t utc_seconds) const;

 private:
  std::string name_ = "UTC";
  std::int32_t initial_offset_ = 0;          // before the first transition (or always: fixed)
  std::vector<std::int64_t> transitions_;    // UTC seconds, ascending
  std::vector<std::int32_t> offsets_after_;  // the offset from transitions_[i] on
  std::optional<TzRule> rule_;               // after the last transition
};

}  // namespace rpmw::core::orders
