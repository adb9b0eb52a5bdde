#pragma once
// Loads policies/ (policy.yaml, tier0_lexicon.yaml, rules.yaml, prompts/) and
// templates/catalog.yaml from a directory, or from the copies embedded at build time, into one
// validated PolicySet.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/policy/policy_set.h"

namespace rpmw::app {

struct PolicySources {
  std::string policies_dir;   // empty: the embedded policies/
  std::string templates_dir;  // empty: the embedded templates/
};

struct PolicyLoad {
  core::policy::PolicySet set;
  std::vector<std::string> errors;  // one readable line per problem, prefixed with the file
  bool ok() const { return errors.empty(); }
};

PolicyLoad load_policies(const PolicySources& sources);

// A file under policies/ (e.g. "prompts/classifier_v1.md"); nullopt when missing.
std::optional<std::string> read_policy_file(const PolicySources& sources, std::string_view name);

}  // namespace rpmw::app
