#include "core/decision/rules_verifier.h"

namespace rpmw::core::decision {
namespace {

VerifierResult answer(bool allow, double confidence, const char* downgrade, const char* reason) {
  VerifierResult result;
  result.allow_tier2 = allow;
  result.confidence = confidence;
  result.downgrade_to_tier = downgrade;
  result.reason_code = reason;
  result.model = "rules";
  return result;
}

}  // namespace

Result<VerifierResult> RulesVerifier::verify(const VerifierInput& input) {
  const policy::IntentPolicy* primary = policies_.intent(input.primary_intent);
  if (primary == nullptr || primary->tier != policy::TierPolicy::tier2) {
    return answer(false, 0.95, "TIER_1_SAFE_ASSIST", "NOT_ORDER_STATUS");
  }
  for (const std::string& id : input.secondary_intents) {
    const policy::IntentPolicy* secondary = policies_.intent(id);
    if (secondary == nullptr) return answer(false, 0.9, "ROUTE_ONLY", "TOO_AMBIGUOUS");
    if (secondary->tier == policy::TierPolicy::tier0) {
      return answer(false, 0.95, "TIER_0_ESCALATION", "ESCALATION_PRESENT");
    }
    if (secondary->priority <= 3) {
      return answer(false, 0.9, "TIER_1_SAFE_ASSIST", "CONFLICTING_INTENT");
    }
  }
  if (!input.deterministic_match) {
    return answer(false, 0.95, "TIER_1_SAFE_ASSIST", "DETERMINISTIC_MATCH_FALSE");
  }
  return answer(true, 0.9, "TIER_1_SAFE_ASSIST", "OK");
}

}  // namespace rpmw::core::decision
