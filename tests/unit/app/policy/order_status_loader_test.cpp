#include "app/policy/order_status_loader.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/policy/embedded_files.h"
#include "app/policy/policy_loader.h"
#include "tests/unit/app/unit_temp_dir.h"

using rpmw::app::load_order_status;
using rpmw::app::load_policies;
using rpmw::app::load_time_zone;
using rpmw::core::orders::DeliveryWindow;
using rpmw::core::orders::OrderStatusPolicy;

namespace {

bool any_contains(const std::vector<std::string>& lines, const std::string& needle) {
  for (const auto& l : lines) {
    if (l.find(needle) != std::string::npos) return true;
  }
  return false;
}

struct Loaded {
  OrderStatusPolicy policy;
  std::vector<std::string> errors;  // shape problems, then validation
};

Loaded load(const std::string& yaml) {
  Loaded out;
  const YAML::Node root = YAML::Load(yaml);
  load_order_status(root["order_status"], out.policy, out.errors);
  for (auto& p : validate_order_status(out.policy)) out.errors.push_back(p);
  return out;
}

}  // namespace

TEST_CASE("app/policy: the embedded order_status section") {
  const auto loaded = load_policies({});
  REQUIRE(loaded.ok());
  const OrderStatusPolicy& os = loaded.set.order_status;
  CHECK(os.time_zone == "UTC");
  REQUIRE(os.zone.has_value());
  CHECK(os.zone->offset_at(0) == 0);
  CHECK(os.holidays.empty());
  // The file spells out exactly the built-in defaults.
  CHECK(os.shipping_windows == rpmw::core::orders::default_shipping_windows());
}

TEST_CASE("app/policy: order_status parsing and validation") {
  SUBCASE("missing section: defaults") {
    const Loaded l = load("version: x\n");
    CHECK(l.errors.empty());
    CHECK(l.policy.shipping_windows.at("standard") == DeliveryWindow{3, 5});
    CHECK(l.policy.zone.has_value());
  }
  SUBCASE("a given map replaces the defaults; keys are lower-cased; one number is [n, n]") {
    const Loaded l = load(
        "order_status:\n  time_zone: '+05:30'\n  holidays: [2026-12-25]\n"
        "  shipping_windows: {Standard: [4, 6], Rush: 1}\n");
    CHECK(l.errors.empty());
    CHECK(l.policy.shipping_windows ==
          std::map<std::string, DeliveryWindow>{{"standard", {4, 6}}, {"rush", {1, 1}}});
    CHECK(l.policy.holidays == std::vector<std::string>{"2026-12-25"});
    CHECK(l.policy.zone->offset_at(0) == 19800);
  }
  SUBCASE("bad windows and dates") {
    const Loaded l = load(
        "order_status:\n  holidays: [2026-02-30, tomorrow]\n"
        "  shipping_windows: {standard: [5, 3], ground: [-1, 2], odd: [1, 2, 3], word: fast}\n");
    CHECK(any_contains(l.errors, "shipping_windows 'standard': needs 0 <= min <= max"));
    CHECK(any_contains(l.errors, "shipping_windows 'ground': needs 0 <= min <= max"));
    CHECK(any_contains(l.errors, "shipping_windows 'odd' must be [min, max]"));
    CHECK(any_contains(l.errors, "shipping_windows 'word' must be [min, max]"));
    CHECK(any_contains(l.errors, "holiday '2026-02-30' is not a YYYY-MM-DD date"));
    CHECK(any_contains(l.errors, "holiday 'tomorrow' is not a YYYY-MM-DD date"));
  }
  SUBCASE("unknown zones are validation errors") {
    CHECK(any_contains(load("order_status: {time_zone: Mars/Olympus_Mons}\n").errors,
                       "unknown time_zone 'Mars/Olympus_Mons' (no_zoneinfo_file under"));
    CHECK(any_contains(load("order_status: {time_zone: ../../etc/passwd}\n").errors,
                       "unknown time_zone '../../etc/passwd' (bad_zone_name)"));
    CHECK(any_contains(load("order_status: {time_zone: '+25:00'}\n").errors,
                       "unknown time_zone '+25:00'"));
  }
  SUBCASE("a zoneinfo directory of one's own") {
    rpmw::unit::UnitTempDir tmp;
    std::filesystem::create_directories(tmp.path() + "/Test");
    tmp.file("Test/NotTzif", "hello, this is not a TZif file at all, not even close....");
    const Loaded l =
        load("order_status: {time_zone: Test/NotTzif, zoneinfo_dir: '" + tmp.path() + "'}\n");
    CHECK(any_contains(l.errors, "unknown time_zone 'Test/NotTzif' (tzif_bad_magic)"));
  }
  SUBCASE("shape errors") {
    CHECK(any_contains(load("order_status: [1]\n").errors, "order_status: expected a mapping"));
    CHECK(any_contains(load("order_status: {holidays: x}\n").errors, "'holidays' must be a list"));
  }
}

TEST_CASE("app/policy: IANA zones from the system zoneinfo") {
  if (!std::filesystem::exists("/usr/share/zoneinfo/America/New_York")) {
    MESSAGE("skipped: /usr/share/zoneinfo/America/New_York is missing (install tzdata)");
    return;
  }
  auto ny = load_time_zone("America/New_York", "/usr/share/zoneinfo");
  REQUIRE(ny.has_value());
  CHECK(ny->name() == "America/New_York");
  CHECK(ny->offset_at(1'767'225'600) == -18000);  // 2026-01-01T00:00Z: EST
  const Loaded l = load("order_status: {time_zone: America/New_York}\n");
  CHECK(l.errors.empty());
  CHECK(load_time_zone("America/Nowhere", "/usr/share/zoneinfo").error().code ==
        "no_zoneinfo_file");
}

TEST_CASE("app/policy: config check reports a bad order_status section") {
  rpmw::unit::UnitTempDir tmp;
  const std::string dir = tmp.path();
  std::filesystem::create_directories(dir + "/policies/prompts");
  std::filesystem::create_directories(dir + "/templates");
  for (const auto& file : rpmw::app::embedded_files()) {
    std::ofstream(dir + "/" + std::string(file.path)) << file.text;
  }
  std::ifstream in(dir + "/policies/policy.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string policy = text.str();
  const std::string from = "\n  time_zone: UTC";
  REQUIRE(policy.find(from) != std::string::npos);
  policy.replace(policy.find(from), from.size(), "\n  time_zone: Nowhere/City");
  std::ofstream(dir + "/policies/policy.yaml") << policy;
  const auto loaded = load_policies({dir + "/policies", dir + "/templates"});
  CHECK_FALSE(loaded.ok());
  CHECK(any_contains(loaded.errors, "order_status: unknown time_zone 'Nowhere/City'"));
}
