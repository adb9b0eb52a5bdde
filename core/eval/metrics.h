#pragma once
// Evaluation metrics and gates over golden examples and the engine's predictions (spec/02). Pure:
// the caller runs the engine, this file only counts.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/eval/golden.h"

namespace rpmw::core::eval {

struct Prediction {
  std::string primary_intent;
  std::vector<std::string> secondary_intents;
  std::string destination_team;
  std::string tier;    // TIER_0_ESCALATION | TIER_1_SAFE_ASSIST | TIER_2_VERIFIED (never TIER_3)
  std::string action;  // route_only | send_reply | ack_only | skipped
  std::optional<std::string> template_id;
  double confidence = 0;  // routing confidence of the primary intent
  bool schema_valid = true;
  double latency_us = 0;
};

struct PerClass {
  double precision = 0;
  double recall = 0;
  double f1 = 0;
  int support = 0;    // examples whose label is this class
  int predicted = 0;  // examples predicted as this class
};

struct CalibrationBin {
  double lower = 0;
  double upper = 0;
  int count = 0;
  double mean_confidence = 0;
  double accuracy = 0;
};

struct Gate {
  std::string name;
  double value = 0;
  double threshold = 0;
  bool higher_is_better = true;  // false: value must be ≤ threshold
  bool passed = false;
};

struct GateSettings {
  double macro_f1_min = 0.75;
  double weighted_f1_min = 0.90;
  double top_intent_f1_min = 0.85;
  std::vector<std::string> top_intents = {"order_status_tracking", "cancel_order",
                                          "technical_support", "cancel_subscription",
                                          "missing_items_in_shipment"};
  int tier0_false_negatives_max = 0;
  int tier2_violations_max = 0;
  int schema_invalid_max = 0;
  // Against a stored baseline report (optional): a metric may drop by at most this much.
  double regression_band = 0.02;
};

struct Tier2Breakdown {
  int eligible = 0;         // golden: automation_tier_max == 2 and match possible YES
  int predicted_tier2 = 0;  // engine said TIER_2_VERIFIED
  int correct_tier2 = 0;    // both
  int denied_eligible = 0;  // eligible but engine did not pick Tier 2 (safe, but a miss)
};

struct Report {
  int examples = 0;
  double accuracy = 0;
  double macro_f1 = 0;
  double weighted_f1 = 0;
  double team_accuracy = 0;
  std::map<std::string, PerClass> per_intent;
  std::map<std::string, PerClass> per_team;
  // confusion[expected][predicted] = count
  std::map<std::string, std::map<std::string, int>> intent_confusion;
  std::map<std::string, std::map<std::string, int>> team_confusion;
  std::vector<std::string> tier0_false_negative_ids;  // labelled Tier 0, not escalated
  std::vector<std::string> tier0_false_positive_ids;  // escalated, not labelled Tier 0
  std::vector<std::string> tier2_violation_ids;       // Tier 2 where the label forbids it
  Tier2Breakdown tier2;
  int schema_invalid = 0;
  std::vector<CalibrationBin> calibration;  // 10 equal-width bins over [0, 1]
  double ece = 0;                           // expected calibration error
  double latency_p50_us = 0;
  double latency_p99_us = 0;
  std::vector<Gate> gates;
  bool passed = false;
};

// `tier0_intents`: intent ids whose policy is Tier 0 (a label with any of them, primary or
// secondary, is a Tier 0 example). `predictions[i]` belongs to `examples[i]`.
// Tier 2 violation: predicted TIER_2_VERIFIED while the label's automation_tier_max < 2 or its
// deterministic_match_possible is not YES.
Report compute_report(const std::vector<GoldenExample>& examples,
                      const std::vector<Prediction>& predictions,
                      const std::set<std::string>& tier0_intents, const GateSettings& gates,
                      const std::optional<Report>& baseline = std::nullopt);

}  // namespace rpmw::core::eval
