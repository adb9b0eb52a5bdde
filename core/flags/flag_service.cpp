#include "core/flags/flag_service.h"

#include <array>

namespace rpmw::core::flags {
namespace {

constexpr std::array<std::string_view, 6> kChannels = {"email",  "livechat", "social",
                                                       "tiktok", "phone",    "unknown"};

bool default_channel_automation(std::string_view channel) {
  return channel == "email" || channel == "livechat";
}

std::optional<bool> parse_bool(std::string_view value) {
  if (value == "true") return true;
  if (value == "false") return false;
  return std::nullopt;
}

bool is_template_flag(std::string_view name) {
  constexpr std::string_view kPrefix = "template.";
  constexpr std::string_view kSuffix = ".enabled";
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) return false;
  std::string_view id = name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::optional<std::string_view> channel_of(std::string_view name) {
  constexpr std::string_view kPrefix = "channel.";
  constexpr std::string_view kSuffix = ".automation";
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) return std::nullopt;
  std::string_view channel =
      name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  for (std::string_view known : kChannels) {
    if (channel == known) return known;
  }
  return std::nullopt;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

std::string validate_flag(std::string_view name, std::string_view value) {
  const bool known = name == kShadowMode || name == kSafeMode || name == kAutomationEnabled ||
                     name == kLlmEnabled || name == kShopifyFallback || is_template_flag(name) ||
                     channel_of(name).has_value();
  if (!known) return "unknown_flag";
  if (!parse_bool(value)) return "flag_value_not_boolean";
  return {};
}

Result<std::map<std::string, std::string>> parse_flag_list(std::string_view text) {
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (item.empty()) continue;
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos) return fail(ErrorKind::invalid_input, "flag_missing_equals");
    std::string name = trim(std::string_view(item).substr(0, eq));
    std::string value = trim(std::string_view(item).substr(eq + 1));
    if (std::string code = validate_flag(name, value); !code.empty()) {
      return fail(ErrorKind::invalid_input, code + ":" + name);
    }
    out[name] = value;
  }
  return out;
}

bool FlagSnapshot::template_enabled(std::string_view template_id, bool catalog_default) const {
  auto it = effective.find("template." + std::string(template_id) + ".enabled");
  if (it == effective.end()) return catalog_default;
  return it->second == "true";
}

bool FlagSnapshot::channel_automation(std::string_view channel) const {
  auto it = effective.find("channel." + std::string(channel) + ".automation");
  if (it == effective.end()) return default_channel_automation(channel);
  return it->second == "true";
}

FlagService::FlagService(FlagStore& store, const Clock& clock, EventLog& log, FlagDefaults defaults,
                         std::chrono::milliseconds cache_ttl)
    : store_(store),
      clock_(clock),
      log_(log),
      defaults_(std::move(defaults)),
      cache_ttl_(cache_ttl) {}

FlagSnapshot FlagService::build(const std::map<std::string, std::string>& stored) const {
  std::map<std::string, std::string> effective;
  effective[std::string(kShadowMode)] = defaults_.richpanel_configured ? "false" : "true";
  effective[std::string(kSafeMode)] = "false";
  effective[std::string(kAutomationEnabled)] = "false";
  effective[std::string(kLlmEnabled)] = defaults_.llm_configured ? "true" : "false";
  effective[std::string(kShopifyFallback)] = "false";
  for (std::string_view channel : kChannels) {
    effective["channel." + std::string(channel) + ".automation"] =
        default_channel_automation(channel) ? "true" : "false";
  }
  for (const auto& [name, value] : defaults_.initial) effective[name] = value;
  for (const auto& [name, value] : stored) {
    // A stored value we cannot understand is ignored: the configured or built-in default applies.
    if (validate_flag(name, value).empty()) effective[name] = value;
  }
  FlagSnapshot snapshot;
  snapshot.shadow_mode = effective[std::string(kShadowMode)] == "true";
  snapshot.safe_mode = effective[std::string(kSafeMode)] == "true";
  snapshot.automation_enabled = effective[std::string(kAutomationEnabled)] == "true";
  snapshot.llm_enabled = effective[std::string(kLlmEnabled)] == "true";
  snapshot.shopify_fallback = effective[std::string(kShopifyFallback)] == "true";
  snapshot.effective = std::move(effective);
  return snapshot;
}

FlagSnapshot FlagService::snapshot() {
  const TimePoint now = clock_.now();
  std::lock_guard lock(mutex_);
  if (cached_ && now - cached_at_ < cache_ttl_) return *cached_;
  auto stored = store_.list();
  if (!stored) {
    LogEvent event(LogLevel::warn, "system.flags.read.failed");
    event.result(stored.error().code);
    log_.write(event);
    if (cached_) return *cached_;  // keep the last good value
    FlagSnapshot safe = build({});
    safe.safe_mode = true;
    safe.effective[std::string(kSafeMode)] = "true";
    safe.degraded = true;
    return safe;  // not cached: retry the store on the next read
  }
  cached_ = build(*stored);
  cached_at_ = now;
  return *cached_;
}

void FlagService::invalidate() {
  std::lock_guard lock(mutex_);
  cached_.reset();
}

Status FlagService::set(const std::string& name, const std::string& value, std::string_view actor) {
  if (std::string code = validate_flag(name, value); !code.empty()) {
    return fail(ErrorKind::invalid_input, code);
  }
  const FlagSnapshot before = snapshot();
  if (auto written = store_.set(name, value); !written) return written;
  invalidate();
  auto old_it = before.effective.find(name);
  LogEvent event(LogLevel::info, "system.flag.changed");
  event.code("flag", name)
      .code("old_value", old_it == before.effective.end() ? "unset" : old_it->second)
      .code("new_value", value)
      .code("actor", actor);
  log_.write(event);
  if (name == kSafeMode && value == "true") {
    log_.write(LogEvent(LogLevel::warn, "system.safe_mode.enabled").code("actor", actor));
  }
  return {};
}

}  // namespace rpmw::core::flags
