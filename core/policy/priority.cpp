#include "core/policy/priority.h"

#include <algorithm>

namespace rpmw::core::policy {
namespace {

std::string general_intent(const PolicySet& policies) {
  for (const IntentPolicy& intent : policies.intents) {
    if (intent.general) return intent.id;
  }
  return "unknown_other";
}

std::size_t order_of(const PolicySet& policies, const std::string& id) {
  for (std::size_t i = 0; i < policies.intents.size(); ++i) {
    if (policies.intents[i].id == id) return i;
  }
  return policies.intents.size();
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

Ranked rank_intents(const PolicySet& policies, std::vector<IntentScore> candidates,
                    const std::string& channel) {
  // One entry per known intent, keeping its best confidence.
  std::vector<IntentScore> known;
  for (IntentScore& c : candidates) {
    if (policies.intent(c.intent) == nullptr) continue;
    auto same = std::find_if(known.begin(), known.end(),
                             [&](const IntentScore& k) { return k.intent == c.intent; });
    if (same == known.end()) {
      known.push_back(std::move(c));
    } else {
      same->confidence = std::max(same->confidence, c.confidence);
    }
  }
  // The general intent means "nothing specific": never a secondary next to a real one.
  if (known.size() > 1) {
    std::erase_if(known, [&](const IntentScore& k) { return policies.intent(k.intent)->general; });
  }
  Ranked ranked;
  if (known.empty()) {
    ranked.primary = IntentScore{general_intent(policies), 0};
  } else {
    auto before = [&](const IntentScore& a, const IntentScore& b) {
      const IntentPolicy& pa = *policies.intent(a.intent);
      const IntentPolicy& pb = *policies.intent(b.intent);
      const bool a0 = pa.tier == TierPolicy::tier0;
      const bool b0 = pb.tier == TierPolicy::tier0;
      if (a0 != b0) return a0;
      if (a0 && b0 && a.confidence != b.confidence) return a.confidence > b.confidence;
      if (pa.priority != pb.priority) return pa.priority < pb.priority;
      if (pa.root_cause != pb.root_cause) return pa.root_cause;
      if (a.confidence != b.confidence) return a.confidence > b.confidence;
      return order_of(policies, a.intent) < order_of(policies, b.intent);
    };
    std::sort(known.begin(), known.end(), before);
    // Specialist beats general: move the best specialist ahead of the listed general concerns.
    if (!policies.is_tier0(known.front().intent)) {
      for (std::size_t i = 1; i < known.size(); ++i) {
        const IntentPolicy& p = *policies.intent(known[i].intent);
        if (!p.specialist) continue;
        bool only_general_ahead = true;
        for (std::size_t j = 0; j < i; ++j) {
          if (!contains(policies.specialist_over, known[j].intent)) only_general_ahead = false;
        }
        if (only_general_ahead) {
          std::rotate(known.begin(), known.begin() + static_cast<std::ptrdiff_t>(i),
                      known.begin() + static_cast<std::ptrdiff_t>(i) + 1);
          ranked.specialist_applied = true;
        }
        break;
      }
    }
    ranked.primary = known.front();
    for (std::size_t i = 1; i < known.size() && ranked.secondary.size() < 2; ++i) {
      ranked.secondary.push_back(known[i]);
    }
  }
  const IntentPolicy* primary = policies.intent(ranked.primary.intent);
  if (primary != nullptr && primary->general) {
    auto channel_rule = policies.channel_first.find(channel);
    if (channel_rule != policies.channel_first.end()) {
      ranked.primary.intent = channel_rule->second;
      ranked.channel_first_applied = true;
    }
  }
  return ranked;
}

}  // namespace rpmw::core::policy
