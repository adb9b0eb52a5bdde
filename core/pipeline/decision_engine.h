#pragma once
// Steps 2–8 of spec/02 for one customer comment: normalise, features, redact, Tier 0 screen,
// classify (LLM with rules fallback, or rules), policy, and for Tier 2 candidates the
// deterministic order match and the verifier. Shared by the worker pipeline, `rpmw replay` and
// `rpmw eval`, so all three decide the same way. Thread-safe when its ports are.
#include <optional>
#include <string>
#include <string_view>

#include "core/flags/flag_service.h"
#include "core/policy/policy_engine.h"
#include "core/policy/tier0_screen.h"
#include "core/ports/classifier.h"
#include "core/ports/helpdesk.h"
#include "core/ports/order_source.h"
#include "core/ports/state_store.h"
#include "core/text/features.h"
#include "core/text/redact.h"

namespace rpmw::core::pipeline {

struct EngineDeps {
  const policy::PolicySet& policies;
  const policy::Tier0Screen& tier0;
  const text::Redactor& redactor;
  Classifier& rules;  // always there: default and fallback
  Verifier& rules_verifier;
  Classifier* llm = nullptr;         // used while the llm.enabled flag is on
  Verifier* llm_verifier = nullptr;  // used with the LLM classifier when configured
  OrderSource* orders = nullptr;     // null: no deterministic match is possible
  // The order-number fallback (Shopify) for tickets without a linked order, used while the
  // orders.shopify_fallback flag is on; null: none.
  OrderSearch* order_search = nullptr;
};

struct EngineInput {
  const Ticket& ticket;
  const Comment& latest;  // the customer comment being decided
  const flags::FlagSnapshot& flags;
  std::optional<ConversationRecord> conversation;
  TimePoint now{};
};

struct EngineResult {
  policy::PolicyDecision decision;
  policy::ClassifierOutcome::Kind outcome = policy::ClassifierOutcome::Kind::ok;
  std::string classifier;  // rules | llm | rules_fallback | none
  std::string classifier_error;
  std::string model;
  std::string prompt_version;
  std::string language;
  TokenUsage usage;
  text::Features features;
  text::RedactionCounts redactions;
  std::vector<std::string> tier0_hits;  // intents the screen matched
  bool truncated = false;
  bool order_lookup = false;  // the order source was asked
  // How the Tier 2 order was found, PII-free: richpanel_link | shopify_contact | none |
  // shopify_error; empty when no lookup ran.
  std::string order_match;
  std::optional<std::string> verifier_reason;
};

class DecisionEngine {
 public:
  explicit DecisionEngine(EngineDeps deps) : deps_(deps), policy_(deps.policies) {}
  EngineResult run(const EngineInput& input) const;
  const policy::PolicySet& policies() const { return deps_.policies; }

 private:
  // Step 8's deterministic match: the Richpanel link, else (flag on) the order-number fallback.
  policy::Tier2Evidence find_order(const EngineInput& input, std::string_view normalized_text,
                                   EngineResult& result) const;

  EngineDeps deps_;
  policy::PolicyEngine policy_;
};

// The text rpmw reads from a comment: its plain body, else its HTML body.
std::string comment_text(const Comment& comment, bool& is_html);

}  // namespace rpmw::core::pipeline
