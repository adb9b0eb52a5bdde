// `rpmw config check`: the configuration, the policy files and the template catalog.
#include <iostream>

#include "app/cli/commands.h"
#include "app/runtime/runtime.h"
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

}  // namespace rpmw::app
