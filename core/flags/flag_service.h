#pragma once
// Kill switches with safe defaults, cached reads and audited changes (spec/01 "Flags").
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/error.h"
#include "core/ports/clock.h"
#include "core/ports/event_log.h"
#include "core/ports/flag_store.h"

namespace rpmw::core::flags {

inline constexpr std::string_view kShadowMode = "shadow_mode";
inline constexpr std::string_view kSafeMode = "safe_mode";
inline constexpr std::string_view kAutomationEnabled = "automation_enabled";
inline constexpr std::string_view kLlmEnabled = "llm.enabled";
inline constexpr std::string_view kShopifyFallback = "orders.shopify_fallback";

struct FlagDefaults {
  bool richpanel_configured = false;  // shadow_mode defaults to true without a Richpanel key
  bool llm_configured = false;
  // Initial values from configuration; apply while the store holds no value for the flag.
  std::map<std::string, std::string> initial;
};

// One consistent view of every flag, taken from one store read.
struct FlagSnapshot {
  bool shadow_mode = true;
  bool safe_mode = true;
  bool automation_enabled = false;
  bool llm_enabled = false;
  bool shopify_fallback = false;  // order number + contact match through Shopify (optional)
  bool degraded = false;          // the store could not be read and no good value was cached
  std::map<std::string, std::string> effective;  // name → value after defaults and overrides

  bool template_enabled(std::string_view template_id, bool catalog_default) const;
  bool channel_automation(std::string_view channel) const;
};

// Validates a flag name and value; returns an error code or empty when valid.
std::string validate_flag(std::string_view name, std::string_view value);
// "a=true,b=false" → map; error code on bad syntax.
Result<std::map<std::string, std::string>> parse_flag_list(std::string_view text);

class FlagService {
 public:
  FlagService(FlagStore& store, const Clock& clock, EventLog& log, FlagDefaults defaults,
              std::chrono::milliseconds cache_ttl);

  FlagSnapshot snapshot();
  // Validates, writes to the store, logs system.flag.changed with old and new values, and drops
  // the cache so the change acts immediately in this process.
  Status set(const std::string& name, const std::string& value, std::string_view actor);
  void invalidate();

 private:
  FlagSnapshot build(const std::map<std::string, std::string>& stored) const;

  FlagStore& store_;
  const Clock& clock_;
  EventLog& log_;
  FlagDefaults defaults_;
  std::chrono::milliseconds cache_ttl_;

  std::mutex mutex_;
  std::optional<FlagSnapshot> cached_;
  TimePoint cached_at_{};
};

}  // namespace rpmw::core::flags
