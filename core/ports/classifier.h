#pragma once
// Intent classification and the Tier 2 verifier. The decision types are filled in by the decision
// engine; the port only fixes the shape of the call.
#include <string>
#include <vector>

#include "core/common/error.h"

namespace rpmw::core {

struct ClassifierInput {
  std::string redacted_text;  // never raw customer text
  std::string channel;
  std::vector<std::string> ticket_tags;
  bool attachment_only = false;
};

struct IntentScore {
  std::string intent;
  double confidence = 0;
};

// mw_decision_v1 as parsed and validated.
struct ClassifierDecision {
  std::string language;  // en | es | unknown
  std::string primary_intent;
  std::vector<std::string> secondary_intents;
  std::vector<IntentScore> scores;  // top candidates, best first
  std::string destination_team;
  double routing_confidence = 0;
  std::string tier;
  std::string action;
  std::string template_id;
  std::vector<std::string> risk_flags;
  std::string model;           // "rules" or the LLM model name
  std::string prompt_version;  // empty for rules
};

class Classifier {
 public:
  virtual ~Classifier() = default;
  virtual Result<ClassifierDecision> classify(const ClassifierInput& input) = 0;
};

struct VerifierInput {
  std::string redacted_text;
  std::string primary_intent;
  std::vector<std::string> secondary_intents;
  bool deterministic_match = false;
};

// mw_tier2_verifier_v1 as parsed and validated.
struct VerifierResult {
  bool allow_tier2 = false;
  double confidence = 0;
  std::string downgrade_to_tier;
  std::string reason_code;
};

class Verifier {
 public:
  virtual ~Verifier() = default;
  virtual Result<VerifierResult> verify(const VerifierInput& input) = 0;
};

}  // namespace rpmw::core
