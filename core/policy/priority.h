#pragma once
// The multi-intent priority matrix of spec/02, shared by the rules classifier and the policy
// engine so both order intents the same way.
#include <string>
#include <vector>

#include "core/policy/policy_set.h"
#include "core/ports/classifier.h"

namespace rpmw::core::policy {

struct Ranked {
  IntentScore primary;
  std::vector<IntentScore> secondary;  // at most 2, by priority
  bool specialist_applied = false;
  bool channel_first_applied = false;
};

// `candidates`: the intents present (unknown ids are ignored). Any Tier 0 intent wins (highest
// confidence among Tier 0); otherwise the highest priority level; on a tie the root cause, then
// the higher confidence, then policy order. A specialist intent present beats the intents listed
// in `specialist_over`. A general primary on a channel-first channel becomes that channel's
// intent. Empty candidates rank as the general intent (unknown_other) with confidence 0.
Ranked rank_intents(const PolicySet& policies, std::vector<IntentScore> candidates,
                    const std::string& channel);

}  // namespace rpmw::core::policy
