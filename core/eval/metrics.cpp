#include "core/eval/metrics.h"

#include <algorithm>
#include <cmath>

namespace rpmw::core::eval {

namespace {

constexpr std::string_view kTier0 = "TIER_0_ESCALATION";
constexpr std::string_view kTier2 = "TIER_2_VERIFIED";
constexpr int kCalibrationBins = 10;
// Gate comparisons tolerate float noise so a metric exactly at its threshold passes
// (0.8 - 0.02 is not exactly 0.78 in binary).
constexpr double kGateEpsilon = 1e-9;

double ratio(double num, double den) {
  return den > 0 ? num / den : 0.0;
}

// Per-class P/R/F1 from (expected, predicted) label pairs, over the union of both label sets.
std::map<std::string, PerClass> per_class(
    const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::map<std::string, PerClass> classes;
  std::map<std::string, int> true_positives;
  for (const auto& [expected, predicted] : pairs) {
    ++classes[expected].support;
    ++classes[predicted].predicted;
    if (expected == predicted) ++true_positives[expected];
  }
  for (auto& [label, pc] : classes) {
    const double tp = true_positives[label];
    pc.precision = ratio(tp, pc.predicted);
    pc.recall = ratio(tp, pc.support);
    pc.f1 = ratio(2 * pc.precision * pc.recall, pc.precision + pc.recall);
  }
  return classes;
}

double accuracy_of(const std::vector<std::pair<std::string, std::string>>& pairs) {
  const auto correct =
      std::count_if(pairs.begin(), pairs.end(), [](const auto& p) { return p.first == p.second; });
  return ratio(static_cast<double>(correct), static_cast<double>(pairs.size()));
}

std::map<std::string, std::map<std::string, int>> confusion_of(
    const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::map<std::string, std::map<std::string, int>> confusion;
  for (const auto& [expected, predicted] : pairs) ++confusion[expected][predicted];
  return confusion;
}

// Nearest-rank percentile: the smallest value with at least p of the samples at or below it.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

double clamp_confidence(double c) {
  if (!std::isfinite(c)) return 0;
  return std::clamp(c, 0.0, 1.0);
}

bool is_tier0_label(const GoldenExample& ex, const std::set<std::string>& tier0_intents) {
  if (tier0_intents.count(ex.primary_intent) > 0) return true;
  return std::any_of(ex.secondary_intents.begin(), ex.secondary_intents.end(),
                     [&](const std::string& s) { return tier0_intents.count(s) > 0; });
}

void calibrate(Report& report, const std::vector<double>& confidences,
               const std::vector<bool>& correct) {
  std::vector<double> confidence_sum(kCalibrationBins, 0.0);
  std::vector<int> correct_count(kCalibrationBins, 0);
  report.calibration.assign(kCalibrationBins, CalibrationBin{});
  for (std::size_t i = 0; i < confidences.size(); ++i) {
    // Bins are [k/10, (k+1)/10) with 1.0 in the last; the epsilon keeps 0.7 out of bin 6.
    const int bin =
        std::min(kCalibrationBins - 1,
                 static_cast<int>(std::floor(confidences[i] * kCalibrationBins + 1e-9)));
    ++report.calibration[bin].count;
    confidence_sum[bin] += confidences[i];
    if (correct[i]) ++correct_count[bin];
  }
  const double total = static_cast<double>(confidences.size());
  report.ece = 0;
  for (int k = 0; k < kCalibrationBins; ++k) {
    CalibrationBin& bin = report.calibration[k];
    bin.lower = static_cast<double>(k) / kCalibrationBins;
    bin.upper = static_cast<double>(k + 1) / kCalibrationBins;
    bin.mean_confidence = ratio(confidence_sum[k], bin.count);
    bin.accuracy = ratio(correct_count[k], bin.count);
    report.ece += ratio(bin.count, total) * std::abs(bin.accuracy - bin.mean_confidence);
  }
}

Gate at_most(std::string name, double value, double max) {
  return Gate{std::move(name), value, max, false, value <= max + kGateEpsilon};
}

Gate at_least(std::string name, double value, double min) {
  return Gate{std::move(name), value, min, true, value >= min - kGateEpsilon};
}

void add_gates(Report& report, const GateSettings& settings, const std::optional<Report>& base) {
  report.gates.push_back(at_most("tier0_false_negatives",
                                 static_cast<double>(report.tier0_false_negative_ids.size()),
                                 settings.tier0_false_negatives_max));
  report.gates.push_back(at_most("tier2_violations",
                                 static_cast<double>(report.tier2_violation_ids.size()),
                                 settings.tier2_violations_max));
  report.gates.push_back(
      at_most("schema_invalid", report.schema_invalid, settings.schema_invalid_max));
  report.gates.push_back(at_least("macro_f1", report.macro_f1, settings.macro_f1_min));
  report.gates.push_back(at_least("weighted_f1", report.weighted_f1, settings.weighted_f1_min));
  std::set<std::string> seen;  // gate names are keys in the JSON output
  for (const std::string& intent : settings.top_intents) {
    if (!seen.insert(intent).second) continue;
    const auto it = report.per_intent.find(intent);
    if (it == report.per_intent.end() || it->second.support == 0) {
      // Nothing labelled with a top intent means its quality is unmeasured: never a pass.
      report.gates.push_back(Gate{"f1:" + intent, 0.0, settings.top_intent_f1_min, true, false});
    } else {
      report.gates.push_back(at_least("f1:" + intent, it->second.f1, settings.top_intent_f1_min));
    }
  }
  if (base) {
    const double band = settings.regression_band;
    report.gates.push_back(at_least("regression:macro_f1", report.macro_f1, base->macro_f1 - band));
    report.gates.push_back(
        at_least("regression:weighted_f1", report.weighted_f1, base->weighted_f1 - band));
    report.gates.push_back(at_least("regression:accuracy", report.accuracy, base->accuracy - band));
  }
  report.passed =
      std::all_of(report.gates.begin(), report.gates.end(), [](const Gate& g) { return g.passed; });
}

}  // namespace

Report compute_report(const std::vector<GoldenExample>& examples,
                      const std::vector<Prediction>& predictions,
                      const std::set<std::string>& tier0_intents, const GateSettings& gates,
                      const std::optional<Report>& baseline) {
  // A length mismatch is a caller bug; count only the pairs that exist rather than read past.
  const std::size_t n = std::min(examples.size(), predictions.size());
  Report report;
  report.examples = static_cast<int>(n);

  std::vector<std::pair<std::string, std::string>> intents;
  std::vector<std::pair<std::string, std::string>> teams;
  std::vector<double> latencies;
  std::vector<double> confidences;
  std::vector<bool> correct;
  intents.reserve(n);
  teams.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const GoldenExample& ex = examples[i];
    const Prediction& pred = predictions[i];
    intents.emplace_back(ex.primary_intent, pred.primary_intent);
    teams.emplace_back(ex.destination_team, pred.destination_team);
    latencies.push_back(std::isfinite(pred.latency_us) ? pred.latency_us : 0.0);
    confidences.push_back(clamp_confidence(pred.confidence));
    correct.push_back(ex.primary_intent == pred.primary_intent);

    const bool labelled_tier0 = is_tier0_label(ex, tier0_intents);
    const bool escalated = pred.tier == kTier0;
    if (labelled_tier0 && !escalated) report.tier0_false_negative_ids.push_back(ex.example_id);
    if (escalated && !labelled_tier0) report.tier0_false_positive_ids.push_back(ex.example_id);

    const bool eligible = ex.automation_tier_max == 2 && ex.deterministic_match_possible == "YES";
    const bool tier2 = pred.tier == kTier2;
    report.tier2.eligible += eligible ? 1 : 0;
    report.tier2.predicted_tier2 += tier2 ? 1 : 0;
    report.tier2.correct_tier2 += (eligible && tier2) ? 1 : 0;
    report.tier2.denied_eligible += (eligible && !tier2) ? 1 : 0;
    if (tier2 && !eligible) report.tier2_violation_ids.push_back(ex.example_id);

    if (!pred.schema_valid) ++report.schema_invalid;
  }
  std::sort(report.tier0_false_negative_ids.begin(), report.tier0_false_negative_ids.end());
  std::sort(report.tier0_false_positive_ids.begin(), report.tier0_false_positive_ids.end());
  std::sort(report.tier2_violation_ids.begin(), report.tier2_violation_ids.end());

  report.accuracy = accuracy_of(intents);
  report.team_accuracy = accuracy_of(teams);
  report.per_intent = per_class(intents);
  report.per_team = per_class(teams);
  report.intent_confusion = confusion_of(intents);
  report.team_confusion = confusion_of(teams);

  // Macro F1 averages only labelled classes: a class the engine invents has no recall to speak
  // of, and its false positives already lower the recall of the classes it stole from.
  int labelled_classes = 0;
  double f1_sum = 0;
  double weighted_sum = 0;
  for (const auto& [intent, pc] : report.per_intent) {
    if (pc.support == 0) continue;
    ++labelled_classes;
    f1_sum += pc.f1;
    weighted_sum += pc.f1 * pc.support;
  }
  report.macro_f1 = ratio(f1_sum, labelled_classes);
  report.weighted_f1 = ratio(weighted_sum, static_cast<double>(n));

  calibrate(report, confidences, correct);
  std::sort(latencies.begin(), latencies.end());
  report.latency_p50_us = percentile(latencies, 0.50);
  report.latency_p99_us = percentile(latencies, 0.99);

  add_gates(report, gates, baseline);
  return report;
}

}  // namespace rpmw::core::eval
