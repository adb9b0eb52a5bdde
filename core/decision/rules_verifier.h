#pragma once
// The deterministic Tier 2 verifier (default; the LLM verifier is optional). It allows Tier 2
// only when the order link is deterministic, the intent is an order-status intent and no
// conflicting intent (cancel, edit, refund, any Tier 0, any P0–P2) is present.
#include "core/policy/policy_set.h"
#include "core/ports/classifier.h"

namespace rpmw::core::decision {

class RulesVerifier final : public Verifier {
 public:
  explicit RulesVerifier(const policy::PolicySet& policies) : policies_(policies) {}
  Result<VerifierResult> verify(const VerifierInput& input) override;

 private:
  const policy::PolicySet& policies_;
};

}  // namespace rpmw::core::decision
