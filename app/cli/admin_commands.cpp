// Local operator commands: config check, flags, dlq. They open the same SQLite store as serve.
#include <boost/json.hpp>

#include <iomanip>
#include <iostream>

#include "adapters/observability/json_line_log.h"
#include "app/cli/commands.h"
#include "app/runtime/local_runtime.h"
#include "app/templates/catalog_loader.h"

namespace rpmw::app {

int report_config_errors(const ConfigResult& loaded) {
  std::cerr << "rpmw: invalid configuration";
  if (!loaded.config.config_file.empty()) std::cerr << " (" << loaded.config.config_file << ")";
  std::cerr << ":\n";
  for (const auto& error : loaded.errors) std::cerr << "  - " << error << "\n";
  return 2;
}

int run_config_check(const ConfigResult& loaded) {
  if (!loaded.ok()) return report_config_errors(loaded);
  std::vector<std::string> problems;
  auto kit =
      EngineKit::create(PolicySources{loaded.config.policies_dir, loaded.config.templates_dir},
                        EngineOptions{.llm_options = llm_options_of(loaded.config)}, problems);
  if (!kit) {
    std::cerr << "rpmw: the policy files are invalid:\n";
    for (const std::string& p : problems) std::cerr << "  - " << p << "\n";
    return 2;
  }
  // The reply copy is part of the configuration: a template the policy names must render.
  size_t template_count = 0;
  const std::vector<std::string> template_problems =
      lint_templates(loaded.config.policies_dir, loaded.config.templates_dir, &template_count);
  if (!template_problems.empty()) {
    std::cerr << "rpmw: the template files are invalid:\n";
    for (const std::string& p : template_problems) std::cerr << "  - " << p << "\n";
    return 2;
  }
  std::cout << "configuration OK";
  if (!loaded.config.config_file.empty()) std::cout << " (" << loaded.config.config_file << ")";
  std::cout << "\n  profile " << loaded.config.profile << ", env " << loaded.config.env
            << ", listen " << loaded.config.listen << ", data " << loaded.config.data_dir
            << ", workers " << loaded.config.workers << "\n";
  const core::policy::PolicySet& set = kit->policies();
  std::cout << "  policies " << set.version << " ("
            << (loaded.config.policies_dir.empty() ? "embedded" : loaded.config.policies_dir)
            << "): " << set.intents.size() << " intents, " << set.teams.size() << " teams, "
            << set.templates.size() << " templates; lexicon " << set.lexicon_version << ", rules "
            << set.rules_version << "\n";
  std::cout << "  templates " << set.templates_version << ": " << template_count
            << " templates lint clean\n";
  if (loaded.config.richpanel_api_key.empty()) {
    std::cout << "  no Richpanel key: shadow mode (decisions recorded, no Richpanel writes)\n";
  }
  const Config& c = loaded.config;
  if (!c.shopify_shop.empty() && !c.shopify_access_token.empty()) {
    std::cout << "  Shopify order-number fallback available for " << c.shopify_shop << " (API "
              << c.shopify_api_version << "); acts while orders.shopify_fallback is true\n";
  } else if (!c.shopify_shop.empty()) {
    std::cout << "  shopify_shop is set without RPMW_SHOPIFY_ACCESS_TOKEN: no Shopify fallback\n";
  }
  return 0;
}

namespace {
// Opens the local store for a one-shot command; prints the reason and returns null on failure.
std::unique_ptr<LocalRuntime> open_local(const ConfigResult& loaded) {
  if (!loaded.ok()) {
    report_config_errors(loaded);
    return nullptr;
  }
  Config config = loaded.config;
  config.log_level = "warn";  // one-shot tools keep stdout for their own output
  auto runtime = LocalRuntime::open(config);
  if (!runtime) {
    std::cerr << "rpmw: cannot open the local store " << config.database_path() << ": "
              << runtime.error().code << "\n";
    return nullptr;
  }
  return std::move(*runtime);
}
}  // namespace

int run_flags_get(const ConfigResult& loaded, const std::string& name, bool as_json) {
  auto rt = open_local(loaded);
  if (!rt) return loaded.ok() ? 1 : 2;
  const auto snapshot = rt->flags().snapshot();
  if (!name.empty()) {
    auto it = snapshot.effective.find(name);
    if (it == snapshot.effective.end()) {
      if (!core::flags::validate_flag(name, "true").empty()) {
        std::cerr << "rpmw: unknown flag '" << name << "'\n";
        return 2;
      }
      std::cout << (as_json ? "\"default\"\n" : "(catalog default)\n");
      return 0;
    }
    std::cout << it->second << "\n";
    return 0;
  }
  if (as_json) {
    boost::json::object out;
    for (const auto& [key, value] : snapshot.effective) out[key] = value == "true";
    std::cout << boost::json::serialize(out) << "\n";
    return 0;
  }
  for (const auto& [key, value] : snapshot.effective) {
    std::cout << std::left << std::setw(32) << key << value << "\n";
  }
  return 0;
}

int run_flags_set(const ConfigResult& loaded, const std::string& name, const std::string& value) {
  if (std::string code = core::flags::validate_flag(name, value); !code.empty()) {
    std::cerr << "rpmw: cannot set '" << name
              << "': " << (code == "unknown_flag" ? "unknown flag" : "value must be true or false")
              << "\n";
    return 2;
  }
  auto rt = open_local(loaded);
  if (!rt) return loaded.ok() ? 1 : 2;
  rt->log().set_min_level(core::LogLevel::info);  // the change itself is an audited event
  if (auto set = rt->flags().set(name, value, "cli"); !set) {
    std::cerr << "rpmw: cannot set '" << name << "': " << set.error().code << "\n";
    return 1;
  }
  std::cerr << name << " = " << value << "\n";
  return 0;
}

int run_dlq_list(const ConfigResult& loaded, int limit, bool as_json) {
  auto rt = open_local(loaded);
  if (!rt) return loaded.ok() ? 1 : 2;
  auto letters = rt->queue().list_dead_letters(limit);
  if (!letters) {
    std::cerr << "rpmw: cannot read the DLQ: " << letters.error().code << "\n";
    return 1;
  }
  for (const auto& letter : *letters) {
    if (as_json) {
      boost::json::object row;
      row["event_id"] = letter.event_id;
      row["ticket_id"] = letter.group;
      row["trace_id"] = letter.trace_id;
      row["reason"] = letter.reason;
      row["receive_count"] = letter.receive_count;
      row["dead_at"] = adapters::observability::format_iso8601_ms(letter.dead_at);
      std::cout << boost::json::serialize(row) << "\n";
    } else {
      std::cout << letter.event_id << "  "
                << adapters::observability::format_iso8601_ms(letter.dead_at)
                << "  receives=" << letter.receive_count << "  " << letter.reason << "\n";
    }
  }
  if (!as_json && letters->empty()) std::cout << "DLQ is empty\n";
  return 0;
}

int run_dlq_redrive(const ConfigResult& loaded, const std::string& event_id) {
  auto rt = open_local(loaded);
  if (!rt) return loaded.ok() ? 1 : 2;
  if (auto moved = rt->queue().redrive(event_id); !moved) {
    std::cerr << "rpmw: cannot redrive " << event_id << ": " << moved.error().code << "\n";
    return moved.error().kind == core::ErrorKind::not_found ? 3 : 1;
  }
  std::cerr << "redriven " << event_id << "\n";
  return 0;
}

}  // namespace rpmw::app
