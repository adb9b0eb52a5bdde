#include "core/orders/time_zone.h"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/orders/dates.h"
#include "core/orders/tz_rule.h"

using rpmw::core::TimePoint;
using rpmw::core::orders::Date;
using rpmw::core::orders::local_date;
using rpmw::core::orders::TimeZone;
using rpmw::core::orders::TzRule;
using namespace std::chrono;

namespace {

std::int64_t utc_s(year_month_day day, int h, int m = 0, int s = 0) {
  return std::int64_t{sys_days{day}.time_since_epoch().count()} * 86400 + h * 3600 + m * 60 + s;
}

TimePoint at(year_month_day day, int h, int m = 0) {
  return TimePoint(seconds(utc_s(day, h, m)));
}

// TZif bytes: a v1 block with nothing in it, then the v2 header and 64-bit data, then a footer.
struct Tzif {
  char version = '2';
  std::vector<std::int64_t> times;
  std::vector<std::uint8_t> types;
  std::vector<std::int32_t> offsets = {0};
  std::string footer = "\nUTC0\n";

  static void be(std::string& out, std::uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
  }
  static void header(std::string& out, char version, std::uint32_t time, std::uint32_t type,
                     std::uint32_t chars) {
    out += "TZif";
    out += version;
    out += std::string(15, '\0');
    for (std::uint32_t count : {0U, 0U, 0U, time, type, chars}) be(out, count, 4);
  }
  std::string bytes() const {
    std::string out;
    header(out, version, 0, 1, 4);
    out += std::string(6, '\0') + "UTC" + '\0';  // v1 data: one type, four abbreviation bytes
    if (version == '\0') return out;
    header(out, version, static_cast<std::uint32_t>(times.size()),
           static_cast<std::uint32_t>(offsets.size()), 4);
    for (std::int64_t t : times) be(out, static_cast<std::uint64_t>(t), 8);
    for (std::uint8_t t : types) out += static_cast<char>(t);
    for (std::int32_t o : offsets) {
      be(out, static_cast<std::uint32_t>(o), 4);
      out += std::string(2, '\0');
    }
    out += std::string("ABC") + '\0';
    return out + footer;
  }
};

std::optional<std::string> read_zoneinfo(const std::string& name) {
  std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("core/orders: fixed zones") {
  CHECK(TimeZone::fixed("UTC")->offset_at(0) == 0);
  CHECK(TimeZone::fixed("+05:30")->offset_at(0) == 19800);
  CHECK(TimeZone::fixed("-08:00")->offset_at(0) == -28800);
  CHECK(TimeZone::fixed("+18:00").has_value());
  for (const char* bad : {"", "utc", "+5:30", "+05:60", "+19:00", "05:30", "+05-30", "EST"}) {
    CAPTURE(bad);
    CHECK_FALSE(TimeZone::fixed(bad).has_value());
  }
}

TEST_CASE("core/orders: IANA names that may be looked up as files") {
  for (const char* ok : {"America/New_York", "Etc/GMT+5", "America/Port-au-Prince", "UTC"}) {
    CHECK(TimeZone::is_iana_name(ok));
  }
  for (const char* bad : {"", "/etc/passwd", "../etc/passwd", "America/../../x", "America/",
                          "Europe//Paris", "a b", "Europe\\Paris"}) {
    CAPTURE(bad);
    CHECK_FALSE(TimeZone::is_iana_name(bad));
  }
}

TEST_CASE("core/orders: POSIX TZ rules") {
  const auto us = TzRule::parse("EST5EDT,M3.2.0,M11.1.0");
  REQUIRE(us.has_value());
  // 2026: DST from Sunday March 8, 02:00 EST (07:00Z) to Sunday November 1, 02:00 EDT (06:00Z).
  CHECK(us->offset_at(utc_s(2026y / March / 8, 6, 59, 59)) == -18000);
  CHECK(us->offset_at(utc_s(2026y / March / 8, 7)) == -14400);
  CHECK(us->offset_at(utc_s(2026y / November / 1, 5, 59, 59)) == -14400);
  CHECK(us->offset_at(utc_s(2026y / November / 1, 6)) == -18000);

  const auto sydney = TzRule::parse("AEST-10AEDT,M10.1.0,M4.1.0/3");
  REQUIRE(sydney.has_value());
  CHECK(sydney->offset_at(utc_s(2026y / January / 15, 0)) == 11 * 3600);
  CHECK(sydney->offset_at(utc_s(2026y / July / 1, 0)) == 10 * 3600);

  CHECK(TzRule::parse("<+0530>-5:30")->offset_at(0) == 19800);
  CHECK(TzRule::parse("IST-5:30")->offset_at(0) == 19800);
  CHECK(TzRule::parse("<-03>3")->offset_at(0) == -10800);

  // Jn never counts February 29; n does.
  const auto julian = TzRule::parse("AAA0BBB,J60/0,J300/0");
  REQUIRE(julian.has_value());
  CHECK(julian->offset_at(utc_s(2028y / February / 29, 12)) == 0);
  CHECK(julian->offset_at(utc_s(2028y / March / 1, 0)) == 3600);
  const auto zero_based = TzRule::parse("AAA0BBB,59/0,300/0");
  REQUIRE(zero_based.has_value());
  CHECK(zero_based->offset_at(utc_s(2028y / February / 28, 12)) == 0);
  CHECK(zero_based->offset_at(utc_s(2028y / February / 29, 0)) == 3600);

  for (const char* bad : {"", "E5", "EST", "EST5EDT,M13.1.0,M11.1.0", "EST5EDT,M3.2.0",
                          "EST5EDT,M3.2.0,M11.1.0x", "EST25"}) {
    CAPTURE(bad);
    CHECK_FALSE(TzRule::parse(bad).has_value());
  }
}

TEST_CASE("core/orders: TZif parsing") {
  Tzif z;
  z.times = {1000, 2000};
  z.types = {1, 0};
  z.offsets = {3600, 7200};
  z.footer = "\n<+01>-1\n";
  auto zone = TimeZone::from_tzif("Test/Zone", z.bytes());
  REQUIRE(zone.has_value());
  CHECK(zone->name() == "Test/Zone");
  CHECK(zone->offset_at(999) == 3600);   // type 0 before the first transition
  CHECK(zone->offset_at(1000) == 7200);  // type 1 from the first transition
  CHECK(zone->offset_at(2500) == 3600);  // after the last: the footer rule

  auto code = [](const std::string& bytes) {
    auto r = TimeZone::from_tzif("x", bytes);
    return r ? std::string("ok") : r.error().code;
  };
  const std::string good = z.bytes();
  CHECK(code(good.substr(0, 30)) == "tzif_truncated");
  CHECK(code(good.substr(0, good.size() - 12)) == "tzif_truncated");
  CHECK(code("TZxf" + good.substr(4)) == "tzif_bad_magic");
  Tzif v1 = z;
  v1.version = '\0';
  CHECK(code(v1.bytes()) == "tzif_v1_only");
  Tzif descending = z;
  descending.times = {2000, 1000};
  CHECK(code(descending.bytes()) == "tzif_bad_data");
  Tzif bad_type = z;
  bad_type.types = {0, 5};
  CHECK(code(bad_type.bytes()) == "tzif_bad_data");
  Tzif bad_footer = z;
  bad_footer.footer = "\nnot a rule\n";
  CHECK(code(bad_footer.bytes()) == "tzif_bad_footer");
  Tzif no_footer = z;
  no_footer.footer = "";
  CHECK(code(no_footer.bytes()) == "tzif_bad_footer");
  Tzif empty_rule = z;
  empty_rule.footer = "\n\n";
  auto last = TimeZone::from_tzif("x", empty_rule.bytes());
  REQUIRE(last.has_value());
  CHECK(last->offset_at(5000) == 3600);  // no rule: the last transition's type holds
}

TEST_CASE("core/orders: America/New_York from the system zoneinfo, with DST") {
  const auto bytes = read_zoneinfo("America/New_York");
  if (!bytes) {
    MESSAGE("skipped: /usr/share/zoneinfo/America/New_York is missing (install tzdata)");
    return;
  }
  auto ny = TimeZone::from_tzif("America/New_York", *bytes);
  REQUIRE(ny.has_value());
  CHECK(ny->offset_at(utc_s(2026y / March / 8, 6, 59, 59)) == -18000);
  CHECK(ny->offset_at(utc_s(2026y / March / 8, 7)) == -14400);
  CHECK(ny->offset_at(utc_s(2026y / November / 1, 5, 59, 59)) == -14400);
  CHECK(ny->offset_at(utc_s(2026y / November / 1, 6)) == -18000);
  // 04:30Z is already the next day in summer (EDT, −4) but not in winter (EST, −5).
  CHECK(local_date(at(2026y / July / 1, 4, 30), *ny) == Date{2026y / July / 1});
  CHECK(local_date(at(2026y / January / 15, 4, 30), *ny) == Date{2026y / January / 14});
  // Past the file's transitions (2037 in fat files, 2007 in slim ones) the footer rule applies.
  CHECK(local_date(at(2045y / July / 1, 4, 30), *ny) == Date{2045y / July / 1});
  CHECK(local_date(at(2045y / January / 15, 4, 30), *ny) == Date{2045y / January / 14});
  CHECK(ny->offset_at(utc_s(1960y / July / 1, 12)) == -14400);
}

TEST_CASE("core/orders: every installed zone parses") {
  const std::filesystem::path root = "/usr/share/zoneinfo";
  if (!std::filesystem::exists(root / "America/New_York")) {
    MESSAGE("skipped: no /usr/share/zoneinfo");
    return;
  }
  int parsed = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.file_size() < 44) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    const std::string bytes = s.str();
    if (bytes.rfind("TZif", 0) != 0) continue;  // zone.tab, tzdata.zi, …
    auto zone = TimeZone::from_tzif(entry.path().string(), bytes);
    CAPTURE(entry.path().string());
    CHECK(zone.has_value());
    ++parsed;
  }
  MESSAGE("TZif files parsed: " << parsed);
  CHECK(parsed > 300);
}
