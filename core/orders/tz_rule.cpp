#include "core/orders/tz_rule.h"

#include <cctype>
#include <chrono>

namespace rpmw::core::orders {
namespace {

namespace chr = std::chrono;

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  bool done() const { return pos_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  bool take(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }

  // Either <+0530>-style (quoted, may hold signs and digits) or three or more letters.
  bool name() {
    if (take('<')) {
      const std::size_t start = pos_;
      while (!done() && peek() != '>') ++pos_;
      return pos_ - start >= 3 && take('>');
    }
    const std::size_t start = pos_;
    while (std::isalpha(static_cast<unsigned char>(peek()))) ++pos_;
    return pos_ - start >= 3;
  }

  std::optional<int> number(int max_digits) {
    int value = 0;
    int digits = 0;
    while (digits < max_digits && std::isdigit(static_cast<unsigned char>(peek()))) {
      value = value * 10 + (peek() - '0');
      ++pos_;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    return value;
  }

  // [+-]h[h[h]][:mm[:ss]] in seconds; hours up to max_hours.
  std::optional<std::int32_t> hms(int max_hours) {
    int sign = 1;
    if (take('-')) {
      sign = -1;
    } else {
      take('+');
    }
    auto h = number(3);
    if (!h || *h > max_hours) return std::nullopt;
    int m = 0;
    int s = 0;
    if (take(':')) {
      auto mm = number(2);
      if (!mm || *mm > 59) return std::nullopt;
      m = *mm;
      if (take(':')) {
        auto ss = number(2);
        if (!ss || *ss > 59) return std::nullopt;
        s = *ss;
      }
    }
    return sign * (*h * 3600 + m * 60 + s);
  }

  std::optional<TzRule::Day> day() {
    TzRule::Day d;
    if (take('M')) {
      d.kind = TzRule::Day::Kind::month_week_day;
      auto m = number(2);
      if (!m || *m < 1 || *m > 12 || !take('.')) return std::nullopt;
      auto w = number(1);
      if (!w || *w < 1 || *w > 5 || !take('.')) return std::nullopt;
      auto wd = number(1);
      if (!wd || *wd > 6) return std::nullopt;
      d.month = *m;
      d.week = *w;
      d.day = *wd;
      return d;
    }
    const bool julian = take('J');
    auto n = number(3);
    if (!n) return std::nullopt;
    if (julian ? (*n < 1 || *n > 365) : *n > 365) return std::nullopt;
    d.kind = julian ? TzRule::Day::Kind::julian_no_leap : TzRule::Day::Kind::zero_based;
    d.day = *n;
    return d;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

chr::sys_days date_in(int y, const TzRule::Day& d) {
  const chr::year year{y};
  const chr::sys_days jan1{year / chr::January / 1};
  switch (d.kind) {
    case TzRule::Day::Kind::julian_no_leap: {
      int index = d.day - 1;
      if (year.is_leap() && d.day >= 60) ++index;  // Jn never names February 29
      return jan1 + chr::days{index};
    }
    case TzRule::Day::Kind::zero_based:
      return jan1 + chr::days{d.day};
    case TzRule::Day::Kind::month_week_day:
      break;
  }
  const chr::month month{static_cast<unsigned>(d.month)};
  const chr::weekday wd{static_cast<unsigned>(d.day)};
  if (d.week == 5) return chr::sys_days{year / month / wd[chr::last]};
  return chr::sys_days{year / month / wd[static_cast<unsigned>(d.week)]};
}

std::int64_t seconds_of(chr::sys_days d) {
  return std::int64_t{d.time_since_epoch().count()} * 86400;
}

}  // namespace

std::optional<TzRule> TzRule::parse(std::string_view text) {
  Cursor c(text);
  TzRule rule;
  if (!c.name()) return std::nullopt;
  auto std_west = c.hms(24);
  if (!std_west) return std::nullopt;
  rule.std_offset = -*std_west;  // POSIX offsets count west of Greenwich
  if (c.done()) return rule;
  if (!c.name()) return std::nullopt;
  rule.has_dst = true;
  rule.dst_offset = rule.std_offset + 3600;
  if (!c.done() && c.peek() != ',') {
    auto dst_west = c.hms(24);
    if (!dst_west) return std::nullopt;
    rule.dst_offset = -*dst_west;
  }
  if (c.done()) {
    // No rule given: the customary US one (glibc's default too).
    rule.start = Day{Day::Kind::month_week_day, 0, 3, 2};
    rule.end = Day{Day::Kind::month_week_day, 0, 11, 1};
    return rule;
  }
  auto part = [&](Day& day, std::int32_t& time) {
    if (!c.take(',')) return false;
    auto d = c.day();
    if (!d) return false;
    day = *d;
    if (c.take('/')) {
      auto t = c.hms(167);  // TZif v3 allows -167..167 hours
      if (!t) return false;
      time = *t;
    }
    return true;
  };
  if (!part(rule.start, rule.start_time) || !part(rule.end, rule.end_time) || !c.done()) {
    return std::nullopt;
  }
  return rule;
}

std::int32_t TzRule::offset_at(std::int64_t utc_seconds) const {
  if (!has_dst) return std_offset;
  const std::int64_t local_days =
      (utc_seconds + std_offset) / 86400 - ((utc_seconds + std_offset) % 86400 < 0 ? 1 : 0);
  const chr::year_month_day ymd{chr::sys_days{chr::days{local_days}}};
  const int y = static_cast<int>(ymd.year());
  // The change into DST happens on standard time, the change back on DST.
  const std::int64_t begins = seconds_of(date_in(y, start)) + start_time - std_offset;
  const std::int64_t ends = seconds_of(date_in(y, end)) + end_time - dst_offset;
  const bool dst = begins < ends ? (utc_seconds >= begins && utc_seconds < ends)
                                 : !(utc_seconds >= ends && utc_seconds < begins);  // southern
  return dst ? dst_offset : std_offset;
}

}  // namespace rpmw::core::orders
