#pragma once
// Step 7–8 of spec/02: the authoritative policy engine. The classifier only advises; this decides
// the team, tags, tier and whether a template may be sent, and it fails closed: any doubt routes
// to a human and sends nothing. Pure: no I/O, time comes in with the context.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/flags/flag_service.h"
#include "core/orders/delivery_estimate.h"
#include "core/policy/policy_set.h"
#include "core/policy/tier0_screen.h"
#include "core/ports/classifier.h"
#include "core/ports/clock.h"
#include "core/ports/order_source.h"
#include "core/ports/state_store.h"

namespace rpmw::core::policy {

// How the classification step ended.
struct ClassifierOutcome {
  enum class Kind {
    ok,              // a validated decision from the configured classifier
    fallback,        // the LLM was unavailable; the rules classifier answered (route-only)
    schema_invalid,  // the model's output failed validation: fail closed
    unavailable,     // no classifier answered: fail closed
  };
  Kind kind = Kind::ok;
  std::optional<ClassifierDecision> decision;
  std::string error_code;  // machine code of the failure, if any
  std::string classifier;  // "rules", "llm", "rules_fallback", "none"
};

struct DecisionContext {
  flags::FlagSnapshot flags;
  std::string channel;  // canonical
  int word_count = 0;
  bool attachment_only = false;
  bool ticket_closed = false;
  std::vector<std::string> ticket_tags;
  std::optional<ConversationRecord> conversation;
  TimePoint now{};
  Tier0Result tier0;
};

struct PolicyDecision {
  std::string primary_intent;
  std::vector<std::string> secondary_intents;
  std::string team;
  std::string route_tag;
  std::string tier =
      "TIER_1_SAFE_ASSIST";           // TIER_0_ESCALATION | TIER_1_SAFE_ASSIST | TIER_2_VERIFIED
  std::string action = "route_only";  // route_only | send_reply | ack_only | skipped
  std::optional<std::string> template_id;  // set when action is send_reply
  bool close_after_reply = false;          // only the auto-close template
  std::map<std::string, std::string>
      template_vars;  // allow-listed reply variables (Tier 2 order facts)
  double classifier_confidence = 0;
  double routing_confidence = 0;
  double margin = 0;
  std::optional<double> verifier_confidence;
  std::vector<std::string> risk_flags;
  std::vector<std::string> tags;        // one add-tags call: route, intent, control, outcome
  std::vector<std::string> reply_tags;  // added only when the reply was sent
  std::vector<std::string> reason_codes;
  bool tier2_candidate = false;  // needs the order match and the verifier (finish_tier2)
  // For the record (PII-free): the Tier 2 selection label ("tracking", "eta_within_window", …)
  // and, for an order without tracking, the estimate's numbers.
  std::string order_selection;
  std::optional<orders::DeliveryEstimate> delivery_estimate;
};

// What step 8 found for a Tier 2 candidate.
struct Tier2Evidence {
  int linked_orders = 0;                   // 1 = deterministic match
  bool lookup_failed = false;              // the order source failed
  std::optional<Order> order;              // the one linked order, when fetched
  std::optional<VerifierResult> verifier;  // absent: the verifier failed
};

class PolicyEngine {
 public:
  explicit PolicyEngine(const PolicySet& policies) : policies_(policies) {}

  PolicyDecision decide(const ClassifierOutcome& outcome, const DecisionContext& context) const;
  // Applies the order match and the verifier to a decision with tier2_candidate set.
  PolicyDecision finish_tier2(PolicyDecision decision, const Tier2Evidence& evidence,
                              const DecisionContext& context) const;

  const PolicySet& policies() const { return policies_; }

 private:
  void route(PolicyDecision& d, const std::string& team) const;
  void finalize_tags(PolicyDecision& d) const;
  // Every flag/ticket reason that blocks a customer-facing reply; empty when none.
  std::vector<std::string> reply_blockers(const DecisionContext& c,
                                          const std::string& template_id) const;
  void allow_reply(PolicyDecision& d, const std::string& template_id, const char* reason) const;

  const PolicySet& policies_;
};

// Reason codes (spec/02 plus the engine's own, all machine codes).
namespace reason {
inline constexpr const char* kTier0 = "tier0_always_handoff";
inline constexpr const char* kTier1 = "tier1_safe_assist";
inline constexpr const char* kTier2 = "tier2_verified";
inline constexpr const char* kTier2NoMatch = "tier2_missing_deterministic_match";
inline constexpr const char* kTier2VerifierFailed = "tier2_verifier_failed";
inline constexpr const char* kTier2HighPriority = "tier2_denied_high_priority";
inline constexpr const char* kTier2ContextMissing = "tier2_required_context_missing";
inline constexpr const char* kTier2EtaWindow = "tier2_eta_within_window";
inline constexpr const char* kTier2Late = "tier2_eta_late";
inline constexpr const char* kTier2NoEstimate = "tier2_no_delivery_estimate";
inline constexpr const char* kSafeMode = "safe_mode_route_only";
inline constexpr const char* kAutomationDisabled = "automation_disabled";
inline constexpr const char* kShadow = "shadow_mode";
inline constexpr const char* kTemplateDisabled = "template_disabled";
inline constexpr const char* kChannel = "channel_not_automated";
inline constexpr const char* kCooldown = "cooldown_active";
inline constexpr const char* kFollowUp = "auto_replied_follow_up";
inline constexpr const char* kSchemaInvalid = "schema_invalid_fail_closed";
inline constexpr const char* kVendorError = "vendor_error_fail_closed";
inline constexpr const char* kFallback = "llm_fallback_rules";
inline constexpr const char* kTier3 = "tier3_downgraded";
inline constexpr const char* kLowConfidence = "low_confidence_route";
inline constexpr const char* kUncertain = "uncertain_route";
inline constexpr const char* kReplyThreshold = "reply_threshold_not_met";
inline constexpr const char* kRouteOnlyIntent = "route_only_intent";
inline constexpr const char* kAttachmentOnly = "attachment_only";
inline constexpr const char* kTicketClosed = "ticket_closed";
inline constexpr const char* kTeamFallback = "team_fallback";
inline constexpr const char* kChannelFirst = "channel_first";
inline constexpr const char* kSpecialist = "specialist_rule";
inline constexpr const char* kManualTriage = "model_requested_manual_triage";
inline constexpr const char* kTier0ScreenFailed = "tier0_screen_incomplete";
inline constexpr const char* kDuplicate = "duplicate_event";
inline constexpr const char* kOperatorLast = "operator_last";
}  // namespace reason

}  // namespace rpmw::core::policy
