#pragma once
// Every Richpanel tag rpmw may write (spec/03), derived from the policy data so a new team,
// intent or template brings its tag along: the route and needs tags of every team, the intent,
// secondary and extra tags of every intent, mw-template-<id> for every template, the fixed
// control, tier and outcome tags, and the mw_feedback_* tags agents add (rpmw only reads them,
// but `rpmw bootstrap` creates them too). Pure.
#include <string>
#include <vector>

#include "core/policy/policy_set.h"

namespace rpmw::core::policy {

enum class TagKind {
  route,
  intent,
  secondary,
  needs,
  template_used,
  control,
  tier,
  outcome,
  feedback
};

struct TagSpec {
  std::string name;
  TagKind kind = TagKind::control;
  std::string description;  // fixed wording for Richpanel's tag list; never customer data
};

// Unique names, in a stable order (route tags first, feedback tags last).
std::vector<TagSpec> tag_catalog(const PolicySet& set);

// The names only, in the same order.
std::vector<std::string> tag_names(const std::vector<TagSpec>& catalog);

std::string_view to_string(TagKind kind);

}  // namespace rpmw::core::policy
