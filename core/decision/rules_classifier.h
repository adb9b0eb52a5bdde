#pragma once
// The embedded rules classifier (default; no network; the fallback when the LLM is down). Weighted
// lexicon phrases per intent (policies/rules.yaml), matched with RE2 sets, plus the Tier 0 screen's
// hits (ClassifierInput::tier0_screen_hits), scored, ranked by the shared priority matrix and
// reported as a valid mw_decision_v1 with calibrated-looking confidences (≈0.95 strong, ≈0.7 weak)
// so the same thresholds apply.
#include <memory>

#include "core/policy/lexicon_matcher.h"
#include "core/policy/policy_set.h"
#include "core/ports/classifier.h"

namespace rpmw::core::decision {

// Confidence for a summed lexicon score: 0.55 + 0.40 × min(score, 1), a little more for
// corroborated matches, never above 0.97.
double rules_confidence(double score);

class RulesClassifier final : public Classifier {
 public:
  // `policies` must outlive the classifier.
  static Result<std::unique_ptr<RulesClassifier>> build(const policy::PolicySet& policies);

  Result<ClassifierDecision> classify(const ClassifierInput& input) override;

 private:
  RulesClassifier(const policy::PolicySet& policies,
                  std::unique_ptr<policy::LexiconMatcher> matcher,
                  std::vector<std::string> group_intents);

  const policy::PolicySet& policies_;
  std::unique_ptr<policy::LexiconMatcher> matcher_;
  std::vector<std::string> group_intents_;  // matcher group → intent id
};

}  // namespace rpmw::core::decision
