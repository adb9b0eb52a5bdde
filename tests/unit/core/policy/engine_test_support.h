#pragma once
// Shared by the policy-engine tests: the embedded policies, classifier answers, a fully enabled
// context, orders and verifier verdicts.
#include <algorithm>
#include <string>
#include <vector>

#include "app/policy/policy_loader.h"
#include "core/policy/policy_engine.h"

namespace rpmw::test_policy {

using rpmw::core::ClassifierDecision;
using rpmw::core::IntentScore;
using rpmw::core::VerifierResult;
using rpmw::core::policy::ClassifierOutcome;
using rpmw::core::policy::DecisionContext;
using rpmw::core::policy::PolicyDecision;
using rpmw::core::policy::PolicyEngine;
using rpmw::core::policy::PolicySet;
using rpmw::core::policy::Tier0Hit;
using rpmw::core::policy::Tier2Evidence;

inline const PolicySet& policies() {
  static const PolicySet set = rpmw::app::load_policies({}).set;
  return set;
}

// A validated classifier answer: primary with `confidence`, then secondaries with theirs.
inline ClassifierOutcome answer(const std::string& primary, double confidence,
                                std::vector<IntentScore> others = {}) {
  ClassifierDecision d;
  d.primary_intent = primary;
  d.routing.confidence = confidence;
  d.scores.push_back({primary, confidence});
  for (const IntentScore& s : others) {
    d.secondary_intents.push_back(s.intent);
    d.scores.push_back(s);
  }
  d.model = "test";
  ClassifierOutcome outcome;
  outcome.decision = d;
  outcome.classifier = "rules";
  return outcome;
}

// Everything on, so each test switches off just what it is about.
inline DecisionContext live(const std::string& channel = "email") {
  DecisionContext c;
  c.flags.shadow_mode = false;
  c.flags.safe_mode = false;
  c.flags.automation_enabled = true;
  c.channel = channel;
  c.word_count = 12;
  c.now = rpmw::core::from_epoch_ms(1'767'225'600'000);
  return c;
}

inline bool has(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

inline PolicyDecision decide(const ClassifierOutcome& o, const DecisionContext& c = live()) {
  return PolicyEngine(policies()).decide(o, c);
}

inline rpmw::core::Order order_with(bool tracking) {
  rpmw::core::Order order;
  order.order_id = "1001";
  order.created_at_ms = 1'767'000'000'000;
  order.shipping_method = "Standard";
  if (tracking) {
    rpmw::core::Fulfillment f;
    f.tracking.push_back({"1Z999", "UPS", "", ""});
    order.fulfillments.push_back(f);
  }
  return order;
}

inline VerifierResult verdict(bool allow, double confidence) {
  VerifierResult v;
  v.allow_tier2 = allow;
  v.confidence = confidence;
  v.reason_code = allow ? "OK" : "CONFLICTING_INTENT";
  return v;
}

}  // namespace rpmw::test_policy
