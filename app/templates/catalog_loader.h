#pragma once
// Loads templates/catalog.yaml and templates/brand.yaml (a directory, or the copies embedded at
// build time) into core::templates::Catalog, and gathers the template ids the policy can choose.
#include <string>
#include <vector>

#include "core/policy/policy_set.h"
#include "core/templates/catalog.h"

namespace rpmw::app {

struct CatalogLoad {
  core::templates::Catalog catalog;
  std::vector<std::string> errors;  // one readable line per problem, prefixed with the file
  bool ok() const { return errors.empty(); }
};

// `templates_dir` empty: the embedded templates/. A missing brand.yaml keeps the defaults.
CatalogLoad load_template_catalog(const std::string& templates_dir);

// Every template id the policy can name: the intents' Tier 1 / Tier 2 templates and the
// allow-list the decision engine loaded.
std::vector<std::string> policy_template_ids(const core::policy::PolicySet& set);

// Loads policies and templates and lints them; one line per problem (load errors included).
std::vector<std::string> lint_templates(const std::string& policies_dir,
                                        const std::string& templates_dir,
                                        size_t* template_count = nullptr);

}  // namespace rpmw::app
