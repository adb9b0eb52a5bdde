#pragma once
// Intent classification and the Tier 2 verifier. The decision types mirror the strict output
// schemas of spec/02 (`mw_decision_v1`, `mw_tier2_verifier_v1`); the policy engine, not the
// classifier, has the last word.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/error.h"

namespace rpmw::core {

struct ClassifierInput {
  std::string redacted_text;  // never raw customer text
  std::string channel;        // canonical: email, livechat, social, tiktok, phone, unknown
  std::string language;       // guess from features: en | es | unknown
  std::vector<std::string> ticket_tags;
  bool attachment_only = false;
  bool has_order_number = false;
  int word_count = 0;
  // Tier 0 intents the deterministic screen already found (the rules classifier reuses them
  // instead of matching the Tier 0 lexicon a second time).
  std::vector<std::string> tier0_screen_hits;
};

struct IntentScore {
  std::string intent;
  double confidence = 0;
};

struct TokenUsage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
};

// mw_decision_v1 as parsed and validated (every schema field), plus provenance.
struct ClassifierDecision {
  std::string schema_version = "mw_decision_v1";
  std::string language = "unknown";  // en | es | unknown
  std::string primary_intent;
  std::vector<std::string> secondary_intents;  // at most 2

  struct Routing {
    std::string destination_team;
    double confidence = 0;
    bool needs_manual_triage = false;
    std::vector<std::string> tags;  // at most 12
  } routing;

  struct Automation {
    std::string tier = "TIER_1_SAFE_ASSIST";  // TIER_0_ESCALATION … TIER_3_AUTO_ACTION
    std::string action = "ROUTE_ONLY";        // ROUTE_ONLY | SEND_TEMPLATE | ACK_ONLY
    std::optional<std::string> template_id;   // catalog id or null
    double confidence = 0;
    bool requires_deterministic_match = false;
  } automation;

  struct Risk {
    std::vector<std::string> flags;  // CHARGEBACK_DISPUTE, LEGAL_THREAT, … (at most 3)
    bool force_human = false;
  } risk;

  std::vector<std::string> clarifying_questions;  // ASK_ORDER_NUMBER, … (at most 3)
  std::string notes_for_agent;                    // at most 500 chars, no PII

  // Not part of the schema: every candidate with its confidence, best first. The rules classifier
  // fills all of them; an LLM decision carries the primary (routing.confidence) and secondaries.
  std::vector<IntentScore> scores;
  std::string model;           // "rules" or the LLM model name
  std::string prompt_version;  // empty for rules
  TokenUsage usage;
};

class Classifier {
 public:
  virtual ~Classifier() = default;
  virtual Result<ClassifierDecision> classify(const ClassifierInput& input) = 0;
};

struct VerifierInput {
  std::string redacted_text;
  std::string channel;
  std::string primary_intent;
  std::vector<std::string> secondary_intents;
  bool deterministic_match = false;
  bool has_tracking = false;
};

// mw_tier2_verifier_v1 as parsed and validated.
struct VerifierResult {
  std::string schema_version = "mw_tier2_verifier_v1";
  bool allow_tier2 = false;
  double confidence = 0;
  // TIER_1_SAFE_ASSIST | ROUTE_ONLY | TIER_0_ESCALATION
  std::string downgrade_to_tier = "TIER_1_SAFE_ASSIST";
  // OK | NOT_ORDER_STATUS | CONFLICTING_INTENT | DETERMINISTIC_MATCH_FALSE | TOO_AMBIGUOUS |
  // ESCALATION_PRESENT
  std::string reason_code;
  std::string notes;  // at most 300 chars
  std::string model;
  std::string prompt_version;
  TokenUsage usage;
};

class Verifier {
 public:
  virtual ~Verifier() = default;
  virtual Result<VerifierResult> verify(const VerifierInput& input) = 0;
};

}  // namespace rpmw::core
