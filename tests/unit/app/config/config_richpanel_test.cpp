// The Richpanel and worker-deadline keys added with the action layer.
#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <string>

#include "app/config/config.h"

using rpmw::app::load_config;

namespace {

rpmw::app::EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace

TEST_CASE("app/config: the event deadline follows the visibility timeout unless set below it") {
  auto defaults = load_config("", env_of({}));
  REQUIRE(defaults.ok());
  CHECK(defaults.config.event_deadline_s() == 90);  // ¾ of 120 s

  auto short_lease = load_config("", env_of({{"RPMW_QUEUE_VISIBILITY_TIMEOUT_S", "2"}}));
  REQUIRE(short_lease.ok());
  CHECK(short_lease.config.event_deadline_s() == 1);

  auto explicit_ok = load_config("", env_of({{"RPMW_WORKER_EVENT_DEADLINE_S", "30"}}));
  REQUIRE(explicit_ok.ok());
  CHECK(explicit_ok.config.event_deadline_s() == 30);

  auto too_long = load_config("", env_of({{"RPMW_WORKER_EVENT_DEADLINE_S", "120"}}));
  CHECK_FALSE(too_long.ok());
}

TEST_CASE("app/config: Richpanel timeout and cool-down") {
  auto loaded = load_config(
      "", env_of({{"RPMW_RICHPANEL_TIMEOUT_MS", "2500"}, {"RPMW_RICHPANEL_COOLDOWN_MS", "1000"}}));
  REQUIRE(loaded.ok());
  CHECK(loaded.config.richpanel_timeout_ms == 2500);
  CHECK(loaded.config.richpanel_cooldown_ms == 1000);
  CHECK_FALSE(load_config("", env_of({{"RPMW_RICHPANEL_TIMEOUT_MS", "5"}})).ok());
  CHECK_FALSE(load_config("", env_of({{"RPMW_RICHPANEL_COOLDOWN_MS", "-1"}})).ok());
}
