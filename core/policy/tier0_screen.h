#pragma once
// Step 5 of spec/02: the deterministic Tier 0 screen. Runs on the normalised text before any
// model; a hit forces Tier 0 whatever a classifier says.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"
#include "core/policy/lexicon_matcher.h"
#include "core/policy/policy_set.h"

namespace rpmw::core::policy {

struct Tier0Hit {
  std::string intent;     // the Tier 0 intent of the category
  std::string risk_flag;  // its schema risk flag
  double weight = 0;      // summed weights of the matched terms
  int terms = 0;          // how many terms matched
};

struct Tier0Result {
  std::vector<Tier0Hit> hits;  // strongest first; ties keep lexicon order
  bool failed = false;         // the screen could not run to the end: treat as unsafe
  bool any() const { return !hits.empty(); }
};

class Tier0Screen {
 public:
  static Result<std::unique_ptr<Tier0Screen>> build(const PolicySet& policies);
  Tier0Result screen(std::string_view normalized_text) const;

 private:
  Tier0Screen(std::vector<Tier0Hit> categories, std::unique_ptr<LexiconMatcher> matcher)
      : categories_(std::move(categories)), matcher_(std::move(matcher)) {}
  std::vector<Tier0Hit> categories_;  // one per lexicon category, weight 0
  std::unique_ptr<LexiconMatcher> matcher_;
};

}  // namespace rpmw::core::policy
