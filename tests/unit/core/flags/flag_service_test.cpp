#include "core/flags/flag_service.h"

#include <doctest/doctest.h>

#include <map>
#include <string>

#include "tests/fakes/fake_clock.h"
#include "tests/fakes/in_memory_flags.h"
#include "tests/fakes/recording_event_log.h"

using rpmw::core::ErrorKind;
using rpmw::core::flags::FlagDefaults;
using rpmw::core::flags::FlagService;
using rpmw::core::flags::FlagSnapshot;
using rpmw::core::flags::parse_flag_list;
using rpmw::core::flags::validate_flag;
using rpmw::fakes::FakeClock;
using rpmw::fakes::field_text;
using rpmw::fakes::InMemoryFlagStore;
using rpmw::fakes::RecordingEventLog;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds kTtl{30000};

struct Harness {
  explicit Harness(FlagDefaults defaults = {}, std::map<std::string, std::string> stored = {})
      : store(std::move(stored)), service(store, clock, log, std::move(defaults), kTtl) {}

  FakeClock clock;
  InMemoryFlagStore store;
  RecordingEventLog log;
  FlagService service;
};

rpmw::core::Error store_down() {
  return {ErrorKind::unavailable, "store_down", {}};
}

}  // namespace

TEST_CASE("core/flags: defaults without a Richpanel key or an LLM") {
  Harness h;
  const FlagSnapshot s = h.service.snapshot();
  CHECK(s.shadow_mode);
  CHECK_FALSE(s.safe_mode);
  CHECK_FALSE(s.automation_enabled);
  CHECK_FALSE(s.llm_enabled);
  CHECK_FALSE(s.degraded);
  CHECK(s.channel_automation("email"));
  CHECK(s.channel_automation("livechat"));
  CHECK_FALSE(s.channel_automation("social"));
  CHECK_FALSE(s.channel_automation("tiktok"));
  CHECK_FALSE(s.channel_automation("phone"));
  CHECK_FALSE(s.channel_automation("unknown"));
  CHECK_FALSE(s.channel_automation("fax"));
  CHECK(s.template_enabled("t_order_status", true));
  CHECK_FALSE(s.template_enabled("t_order_status", false));
  CHECK(s.effective.at("shadow_mode") == "true");
  CHECK(s.effective.at("safe_mode") == "false");
  CHECK(s.effective.at("automation_enabled") == "false");
  CHECK(s.effective.at("llm.enabled") == "false");
  CHECK_FALSE(s.shopify_fallback);
  CHECK(s.effective.at("orders.shopify_fallback") == "false");
  CHECK(s.effective.at("channel.email.automation") == "true");
  CHECK(s.effective.at("channel.social.automation") == "false");
}

TEST_CASE("core/flags: shadow_mode and llm.enabled follow the configuration") {
  FlagDefaults defaults;
  defaults.richpanel_configured = true;
  defaults.llm_configured = true;
  Harness h(defaults);
  const FlagSnapshot s = h.service.snapshot();
  CHECK_FALSE(s.shadow_mode);
  CHECK(s.llm_enabled);
  CHECK_FALSE(s.safe_mode);
  CHECK_FALSE(s.automation_enabled);
}

TEST_CASE("core/flags: initial values from config apply until the store has a value") {
  FlagDefaults defaults;
  defaults.initial = {{"automation_enabled", "true"},
                      {"template.t_unknown_ack.enabled", "false"},
                      {"channel.social.automation", "true"}};
  Harness h(defaults);
  FlagSnapshot s = h.service.snapshot();
  CHECK(s.automation_enabled);
  CHECK_FALSE(s.template_enabled("t_unknown_ack", true));
  CHECK(s.channel_automation("social"));

  REQUIRE(h.store.set("automation_enabled", "false").has_value());
  h.service.invalidate();
  s = h.service.snapshot();
  CHECK_FALSE(s.automation_enabled);                       // the store wins
  CHECK_FALSE(s.template_enabled("t_unknown_ack", true));  // still the initial value
}

TEST_CASE("core/flags: stored values win over defaults") {
  Harness h({}, {{"shadow_mode", "false"},
                 {"safe_mode", "true"},
                 {"automation_enabled", "true"},
                 {"llm.enabled", "true"},
                 {"orders.shopify_fallback", "true"},
                 {"channel.email.automation", "false"},
                 {"channel.tiktok.automation", "true"},
                 {"template.t_order_status.enabled", "false"}});
  const FlagSnapshot s = h.service.snapshot();
  CHECK_FALSE(s.shadow_mode);
  CHECK(s.safe_mode);
  CHECK(s.automation_enabled);
  CHECK(s.llm_enabled);
  CHECK(s.shopify_fallback);
  CHECK_FALSE(s.channel_automation("email"));
  CHECK(s.channel_automation("tiktok"));
  CHECK_FALSE(s.template_enabled("t_order_status", true));
}

TEST_CASE("core/flags: an invalid stored value falls back to the default") {
  FlagDefaults defaults;
  defaults.richpanel_configured = true;
  Harness h(defaults, {{"safe_mode", "yes"},
                       {"shadow_mode", "banana"},
                       {"automation_enabled", "TRUE"},
                       {"channel.phone.automation", "1"},
                       {"unknown_flag", "true"},
                       {"template.Bad-Id.enabled", "false"}});
  const FlagSnapshot s = h.service.snapshot();
  CHECK_FALSE(s.safe_mode);
  CHECK_FALSE(s.shadow_mode);
  CHECK_FALSE(s.automation_enabled);
  CHECK_FALSE(s.channel_automation("phone"));
  CHECK(s.effective.count("unknown_flag") == 0);
  CHECK(s.effective.count("template.Bad-Id.enabled") == 0);
  CHECK_FALSE(s.degraded);
}

TEST_CASE("core/flags: reads are cached for the TTL") {
  Harness h;
  CHECK_FALSE(h.service.snapshot().automation_enabled);
  // Another process changes the store.
  REQUIRE(h.store.set("automation_enabled", "true").has_value());
  h.clock.advance(kTtl - milliseconds(1));
  CHECK_FALSE(h.service.snapshot().automation_enabled);
  h.clock.advance(milliseconds(1));
  CHECK(h.service.snapshot().automation_enabled);

  // The refresh restarted the TTL.
  REQUIRE(h.store.set("automation_enabled", "false").has_value());
  h.clock.advance(milliseconds(10000));
  CHECK(h.service.snapshot().automation_enabled);
}

TEST_CASE("core/flags: set() acts immediately in this process") {
  Harness h;
  CHECK_FALSE(h.service.snapshot().automation_enabled);
  REQUIRE(h.service.set("automation_enabled", "true", "cli").has_value());
  CHECK(h.service.snapshot().automation_enabled);
  auto stored = h.store.get("automation_enabled");
  REQUIRE(stored.has_value());
  CHECK(*stored == std::optional<std::string>("true"));
}

TEST_CASE("core/flags: a read failure keeps the last good value") {
  Harness h({}, {{"automation_enabled", "true"}});
  REQUIRE(h.service.snapshot().automation_enabled);
  h.clock.advance(kTtl);
  h.store.fail_next(store_down(), "list");
  const FlagSnapshot s = h.service.snapshot();
  CHECK(s.automation_enabled);
  CHECK_FALSE(s.safe_mode);
  CHECK_FALSE(s.degraded);
  auto logged = h.log.find("system.flags.read.failed");
  REQUIRE(logged.has_value());
  CHECK(field_text(*logged, "result") == "store_down");

  // The failure did not extend the cache: the next read goes to the store again.
  REQUIRE(h.store.set("automation_enabled", "false").has_value());
  CHECK_FALSE(h.service.snapshot().automation_enabled);
}

TEST_CASE("core/flags: a read failure with no good value behaves as safe_mode") {
  Harness h({}, {{"safe_mode", "false"}, {"automation_enabled", "true"}});
  h.store.fail_next(store_down(), "list");
  const FlagSnapshot s = h.service.snapshot();
  CHECK(s.safe_mode);
  CHECK(s.degraded);
  CHECK(s.effective.at("safe_mode") == "true");
  CHECK_FALSE(s.automation_enabled);  // defaults, not fail-open
  CHECK(s.shadow_mode);

  // Not cached: as soon as the store answers, the real values apply.
  const FlagSnapshot recovered = h.service.snapshot();
  CHECK_FALSE(recovered.degraded);
  CHECK_FALSE(recovered.safe_mode);
  CHECK(recovered.automation_enabled);
}

TEST_CASE("core/flags: set() validates the name and the value") {
  Harness h;
  auto unknown = h.service.set("turbo_mode", "true", "cli");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().kind == ErrorKind::invalid_input);
  CHECK(unknown.error().code == "unknown_flag");

  auto not_bool = h.service.set("safe_mode", "yes", "cli");
  REQUIRE_FALSE(not_bool.has_value());
  CHECK(not_bool.error().kind == ErrorKind::invalid_input);
  CHECK(not_bool.error().code == "flag_value_not_boolean");

  CHECK_FALSE(h.service.set("channel.fax.automation", "true", "cli").has_value());
  CHECK_FALSE(h.service.set("template..enabled", "true", "cli").has_value());
  CHECK_FALSE(h.service.set("template.Upper.enabled", "true", "cli").has_value());

  auto listed = h.store.list();
  REQUIRE(listed.has_value());
  CHECK(listed->empty());
  CHECK(h.log.count("system.flag.changed") == 0);
}

TEST_CASE("core/flags: set() logs the change with old and new values") {
  Harness h;
  REQUIRE(h.service.set("automation_enabled", "true", "admin_api").has_value());
  auto changed = h.log.find("system.flag.changed");
  REQUIRE(changed.has_value());
  CHECK(field_text(*changed, "flag") == "automation_enabled");
  CHECK(field_text(*changed, "old_value") == "false");
  CHECK(field_text(*changed, "new_value") == "true");
  CHECK(field_text(*changed, "actor") == "admin_api");
  CHECK(h.log.count("system.safe_mode.enabled") == 0);

  h.log.clear();
  REQUIRE(h.service.set("template.t_unknown_ack.enabled", "false", "cli").has_value());
  changed = h.log.find("system.flag.changed");
  REQUIRE(changed.has_value());
  CHECK(field_text(*changed, "old_value") == "unset");
  CHECK(field_text(*changed, "new_value") == "false");

  h.log.clear();
  REQUIRE(h.service.set("safe_mode", "true", "cli").has_value());
  CHECK(h.log.count("system.flag.changed") == 1);
  auto safe = h.log.find("system.safe_mode.enabled");
  REQUIRE(safe.has_value());
  CHECK(field_text(*safe, "actor") == "cli");
  CHECK(h.service.snapshot().safe_mode);

  h.log.clear();
  REQUIRE(h.service.set("safe_mode", "false", "cli").has_value());
  CHECK(h.log.count("system.safe_mode.enabled") == 0);
  changed = h.log.find("system.flag.changed");
  REQUIRE(changed.has_value());
  CHECK(field_text(*changed, "old_value") == "true");
}

TEST_CASE("core/flags: set() reports a store failure and logs no change") {
  Harness h;
  h.store.fail_next(store_down(), "set");
  auto result = h.service.set("automation_enabled", "true", "cli");
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == "store_down");
  CHECK(h.log.count("system.flag.changed") == 0);
  CHECK_FALSE(h.service.snapshot().automation_enabled);
}

TEST_CASE("core/flags: validate_flag knows every flag family") {
  CHECK(validate_flag("shadow_mode", "true").empty());
  CHECK(validate_flag("safe_mode", "false").empty());
  CHECK(validate_flag("automation_enabled", "true").empty());
  CHECK(validate_flag("llm.enabled", "false").empty());
  CHECK(validate_flag("orders.shopify_fallback", "true").empty());
  CHECK(validate_flag("orders.shopify_fallback", "yes") == "flag_value_not_boolean");
  CHECK(validate_flag("orders.other", "true") == "unknown_flag");
  CHECK(validate_flag("template.t_unknown_ack.enabled", "true").empty());
  CHECK(validate_flag("template.a1_b2.enabled", "true").empty());
  for (const char* channel : {"email", "livechat", "social", "tiktok", "phone", "unknown"}) {
    CHECK(validate_flag(std::string("channel.") + channel + ".automation", "true").empty());
  }
  CHECK(validate_flag("template." + std::string(64, 'a') + ".enabled", "true").empty());
  CHECK(validate_flag("template." + std::string(65, 'a') + ".enabled", "true") == "unknown_flag");
  CHECK(validate_flag("template.t.x.enabled", "true") == "unknown_flag");
  CHECK(validate_flag("channel.Email.automation", "true") == "unknown_flag");
  CHECK(validate_flag("", "true") == "unknown_flag");
  CHECK(validate_flag("safe_mode", "") == "flag_value_not_boolean");
  CHECK(validate_flag("safe_mode", "True") == "flag_value_not_boolean");
  CHECK(validate_flag("safe_mode", "1") == "flag_value_not_boolean");
  CHECK(validate_flag("nope", "maybe") == "unknown_flag");  // the name is checked first
}

TEST_CASE("core/flags: parse_flag_list accepts comma-separated name=value pairs") {
  auto parsed = parse_flag_list(
      "automation_enabled=true, template.t_unknown_ack.enabled = false "
      ",,channel.social.automation=true");
  REQUIRE(parsed.has_value());
  CHECK(parsed->size() == 3);
  CHECK(parsed->at("automation_enabled") == "true");
  CHECK(parsed->at("template.t_unknown_ack.enabled") == "false");
  CHECK(parsed->at("channel.social.automation") == "true");

  auto empty = parse_flag_list("");
  REQUIRE(empty.has_value());
  CHECK(empty->empty());
  auto blanks = parse_flag_list(" , ,\t,");
  REQUIRE(blanks.has_value());
  CHECK(blanks->empty());

  auto last_wins = parse_flag_list("safe_mode=true,safe_mode=false");
  REQUIRE(last_wins.has_value());
  CHECK(last_wins->at("safe_mode") == "false");
}

TEST_CASE("core/flags: parse_flag_list names the bad entry") {
  auto missing = parse_flag_list("automation_enabled");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().kind == ErrorKind::invalid_input);
  CHECK(missing.error().code == "flag_missing_equals");

  auto unknown = parse_flag_list("safe_mode=false,turbo=true");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == "unknown_flag:turbo");

  auto not_bool = parse_flag_list("safe_mode=on");
  REQUIRE_FALSE(not_bool.has_value());
  CHECK(not_bool.error().code == "flag_value_not_boolean:safe_mode");

  auto empty_value = parse_flag_list("safe_mode=");
  REQUIRE_FALSE(empty_value.has_value());
  CHECK(empty_value.error().code == "flag_value_not_boolean:safe_mode");
}
