#include "core/eval/metrics.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

using doctest::Approx;
using rpmw::core::eval::compute_report;
using rpmw::core::eval::Gate;
using rpmw::core::eval::GateSettings;
using rpmw::core::eval::GoldenExample;
using rpmw::core::eval::Prediction;
using rpmw::core::eval::Report;

namespace {

GoldenExample example(std::string id, std::string intent, std::string team = "care") {
  GoldenExample ex;
  ex.example_id = std::move(id);
  ex.text = "redacted";
  ex.channel = "email";
  ex.primary_intent = std::move(intent);
  ex.destination_team = std::move(team);
  return ex;
}

Prediction prediction(std::string intent, std::string team = "care",
                      std::string tier = "TIER_1_SAFE_ASSIST") {
  Prediction p;
  p.primary_intent = std::move(intent);
  p.destination_team = std::move(team);
  p.tier = std::move(tier);
  p.action = "route_only";
  p.confidence = 0.5;
  return p;
}

// Settings with no top intents so a test only sees the gates it is about.
GateSettings plain_gates() {
  GateSettings g;
  g.top_intents.clear();
  return g;
}

const Gate& gate(const Report& r, const std::string& name) {
  for (const Gate& g : r.gates) {
    if (g.name == name) return g;
  }
  FAIL("no gate " << name);
  static const Gate none;
  return none;
}

bool has_gate(const Report& r, const std::string& name) {
  for (const Gate& g : r.gates) {
    if (g.name == name) return true;
  }
  return false;
}

// Two classes, each 3 of 4 right and 1 of 4 swapped: P = R = F1 = 0.75 for both, so macro,
// weighted and accuracy all sit exactly on 0.75.
struct Edge {
  std::vector<GoldenExample> examples;
  std::vector<Prediction> predictions;
};

Edge at_075() {
  Edge e;
  const char* labels[] = {"a", "a", "a", "a", "b", "b", "b", "b"};
  const char* preds[] = {"a", "a", "a", "b", "b", "b", "b", "a"};
  for (int i = 0; i < 8; ++i) {
    e.examples.push_back(example("e" + std::to_string(i), labels[i]));
    e.predictions.push_back(prediction(preds[i]));
  }
  return e;
}

}  // namespace

TEST_CASE("core/eval: three-class precision, recall and F1 by hand") {
  // labels a×4, b×3, c×3; predictions
  //   a → a a a b      b → b b c      c → c a a
  // TP a=3 b=2 c=1; predicted a=5 b=3 c=2
  //   a: P 3/5 = .6   R 3/4 = .75  F1 2·.6·.75/1.35 = 2/3
  //   b: P 2/3        R 2/3        F1 2/3
  //   c: P 1/2        R 1/3        F1 2·(1/6)/(5/6) = .4
  // macro    = (2/3 + 2/3 + .4) / 3           = 26/45 ≈ .577778
  // weighted = (4·2/3 + 3·2/3 + 3·.4) / 10    = 44/75 ≈ .586667
  // accuracy = 6/10
  const std::vector<std::pair<const char*, const char*>> rows = {
      {"a", "a"}, {"a", "a"}, {"a", "a"}, {"a", "b"}, {"b", "b"},
      {"b", "b"}, {"b", "c"}, {"c", "c"}, {"c", "a"}, {"c", "a"}};
  std::vector<GoldenExample> examples;
  std::vector<Prediction> predictions;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    examples.push_back(example("ex-" + std::to_string(i), rows[i].first));
    predictions.push_back(prediction(rows[i].second));
  }
  const Report r = compute_report(examples, predictions, {}, plain_gates());

  CHECK(r.examples == 10);
  CHECK(r.accuracy == Approx(0.6));
  REQUIRE(r.per_intent.size() == 3);
  CHECK(r.per_intent.at("a").precision == Approx(0.6));
  CHECK(r.per_intent.at("a").recall == Approx(0.75));
  CHECK(r.per_intent.at("a").f1 == Approx(2.0 / 3));
  CHECK(r.per_intent.at("a").support == 4);
  CHECK(r.per_intent.at("a").predicted == 5);
  CHECK(r.per_intent.at("b").precision == Approx(2.0 / 3));
  CHECK(r.per_intent.at("b").recall == Approx(2.0 / 3));
  CHECK(r.per_intent.at("b").f1 == Approx(2.0 / 3));
  CHECK(r.per_intent.at("b").support == 3);
  CHECK(r.per_intent.at("b").predicted == 3);
  CHECK(r.per_intent.at("c").precision == Approx(0.5));
  CHECK(r.per_intent.at("c").recall == Approx(1.0 / 3));
  CHECK(r.per_intent.at("c").f1 == Approx(0.4));
  CHECK(r.per_intent.at("c").support == 3);
  CHECK(r.per_intent.at("c").predicted == 2);
  CHECK(r.macro_f1 == Approx(26.0 / 45));
  CHECK(r.weighted_f1 == Approx(44.0 / 75));

  CHECK(r.intent_confusion.at("a").at("a") == 3);
  CHECK(r.intent_confusion.at("a").at("b") == 1);
  CHECK(r.intent_confusion.at("b").at("c") == 1);
  CHECK(r.intent_confusion.at("c").at("a") == 2);
  CHECK(r.intent_confusion.at("c").count("b") == 0);
  // Every team right: team metrics are perfect while intents are not.
  CHECK(r.team_accuracy == Approx(1.0));
  CHECK(r.per_team.at("care").f1 == Approx(1.0));
  CHECK(r.team_confusion.at("care").at("care") == 10);
}

TEST_CASE("core/eval: a predicted-only class is listed but left out of macro F1") {
  // a: TP 1, support 2, predicted 1 → P 1, R .5, F1 2/3. d: support 0, predicted 1 → all 0.
  const std::vector<GoldenExample> examples = {example("1", "a"), example("2", "a")};
  const std::vector<Prediction> predictions = {prediction("a"), prediction("d")};
  const Report r = compute_report(examples, predictions, {}, plain_gates());
  REQUIRE(r.per_intent.count("d") == 1);
  CHECK(r.per_intent.at("d").support == 0);
  CHECK(r.per_intent.at("d").predicted == 1);
  CHECK(r.per_intent.at("d").precision == 0);
  CHECK(r.per_intent.at("d").f1 == 0);
  CHECK(r.per_intent.at("a").f1 == Approx(2.0 / 3));
  CHECK(r.macro_f1 == Approx(2.0 / 3));
  CHECK(r.weighted_f1 == Approx(2.0 / 3));
}

TEST_CASE("core/eval: team accuracy and per-team metrics") {
  const std::vector<GoldenExample> examples = {example("1", "a", "care"), example("2", "a", "care"),
                                               example("3", "a", "returns")};
  const std::vector<Prediction> predictions = {prediction("a", "care"), prediction("a", "returns"),
                                               prediction("a", "returns")};
  const Report r = compute_report(examples, predictions, {}, plain_gates());
  CHECK(r.team_accuracy == Approx(2.0 / 3));
  CHECK(r.per_team.at("care").precision == Approx(1.0));
  CHECK(r.per_team.at("care").recall == Approx(0.5));
  CHECK(r.per_team.at("returns").precision == Approx(0.5));
  CHECK(r.per_team.at("returns").recall == Approx(1.0));
  CHECK(r.team_confusion.at("care").at("returns") == 1);
  CHECK(r.accuracy == Approx(1.0));
}

TEST_CASE("core/eval: Tier 0 false negatives and false positives by example id") {
  std::vector<GoldenExample> examples = {
      example("t0-primary", "chargeback_dispute"), example("t0-secondary", "order_status_tracking"),
      example("plain", "order_status_tracking"), example("t0-caught", "legal_threat"),
      example("a-plain", "cancel_order")};
  examples[1].secondary_intents = {"legal_threat"};
  const std::vector<Prediction> predictions = {
      prediction("chargeback_dispute", "care", "TIER_1_SAFE_ASSIST"),    // FN
      prediction("order_status_tracking", "care", "TIER_2_VERIFIED"),    // FN via secondary
      prediction("order_status_tracking", "care", "TIER_0_ESCALATION"),  // FP
      prediction("legal_threat", "care", "TIER_0_ESCALATION"),           // caught
      prediction("cancel_order", "care", "TIER_0_ESCALATION"),           // FP
  };
  const Report r =
      compute_report(examples, predictions, {"chargeback_dispute", "legal_threat"}, plain_gates());
  CHECK(r.tier0_false_negative_ids == std::vector<std::string>{"t0-primary", "t0-secondary"});
  CHECK(r.tier0_false_positive_ids == std::vector<std::string>{"a-plain", "plain"});  // sorted
  CHECK(gate(r, "tier0_false_negatives").value == 2);
  CHECK_FALSE(gate(r, "tier0_false_negatives").passed);
}

TEST_CASE("core/eval: Tier 2 breakdown and violations") {
  std::vector<GoldenExample> examples = {example("eligible-hit", "order_status_tracking"),
                                         example("eligible-miss", "order_status_tracking"),
                                         example("tier1-label", "order_status_tracking"),
                                         example("match-unknown", "order_status_tracking"),
                                         example("match-no", "order_status_tracking")};
  for (auto& ex : examples) {
    ex.automation_tier_max = 2;
    ex.deterministic_match_possible = "YES";
  }
  examples[2].automation_tier_max = 1;
  examples[3].deterministic_match_possible = "UNKNOWN";
  examples[4].deterministic_match_possible = "NO";
  const std::string t2 = "TIER_2_VERIFIED";
  const std::vector<Prediction> predictions = {
      prediction("order_status_tracking", "care", t2),
      prediction("order_status_tracking", "care", "TIER_1_SAFE_ASSIST"),
      prediction("order_status_tracking", "care", t2),
      prediction("order_status_tracking", "care", t2),
      prediction("order_status_tracking", "care", t2)};
  const Report r = compute_report(examples, predictions, {}, plain_gates());
  CHECK(r.tier2.eligible == 2);
  CHECK(r.tier2.predicted_tier2 == 4);
  CHECK(r.tier2.correct_tier2 == 1);
  CHECK(r.tier2.denied_eligible == 1);
  CHECK(r.tier2_violation_ids ==
        std::vector<std::string>{"match-no", "match-unknown", "tier1-label"});
}

TEST_CASE("core/eval: schema-invalid predictions are counted") {
  const std::vector<GoldenExample> examples = {example("1", "a"), example("2", "a"),
                                               example("3", "a")};
  std::vector<Prediction> predictions = {prediction("a"), prediction("a"), prediction("a")};
  predictions[0].schema_valid = false;
  predictions[2].schema_valid = false;
  const Report r = compute_report(examples, predictions, {}, plain_gates());
  CHECK(r.schema_invalid == 2);
}

TEST_CASE("core/eval: calibration bins and ECE by hand") {
  // conf .95 right, .95 wrong → bin 9: acc .5, conf .95, gap .45 · 2/4 = .225
  // conf .15 right           → bin 1: gap .85 · 1/4 = .2125
  // conf .70 right           → bin 7 (lower edge): gap .3 · 1/4 = .075
  // ECE = .5125
  const std::vector<GoldenExample> examples = {example("1", "a"), example("2", "a"),
                                               example("3", "a"), example("4", "a")};
  std::vector<Prediction> predictions = {prediction("a"), prediction("b"), prediction("a"),
                                         prediction("a")};
  predictions[0].confidence = 0.95;
  predictions[1].confidence = 0.95;
  predictions[2].confidence = 0.15;
  predictions[3].confidence = 0.7;
  const Report r = compute_report(examples, predictions, {}, plain_gates());
  REQUIRE(r.calibration.size() == 10);
  CHECK(r.calibration[9].count == 2);
  CHECK(r.calibration[9].mean_confidence == Approx(0.95));
  CHECK(r.calibration[9].accuracy == Approx(0.5));
  CHECK(r.calibration[1].count == 1);
  CHECK(r.calibration[1].accuracy == Approx(1.0));
  CHECK(r.calibration[7].count == 1);
  CHECK(r.calibration[6].count == 0);
  CHECK(r.calibration[6].mean_confidence == 0);
  CHECK(r.calibration[6].accuracy == 0);
  CHECK(r.calibration[3].lower == Approx(0.3));
  CHECK(r.calibration[3].upper == Approx(0.4));
  CHECK(r.ece == Approx(0.5125));
}

TEST_CASE("core/eval: calibration clamps confidences onto [0, 1]") {
  const std::vector<GoldenExample> examples = {example("1", "a"), example("2", "a"),
                                               example("3", "a"), example("4", "a")};
  std::vector<Prediction> predictions(4, prediction("a"));
  predictions[0].confidence = 1.0;   // last bin includes 1
  predictions[1].confidence = 1.5;   // clamped to 1
  predictions[2].confidence = -0.2;  // clamped to 0
  predictions[3].confidence = std::nan("");
  const Report r = compute_report(examples, predictions, {}, plain_gates());
  CHECK(r.calibration[9].count == 2);
  CHECK(r.calibration[9].mean_confidence == Approx(1.0));
  CHECK(r.calibration[0].count == 2);
  CHECK(r.calibration[0].mean_confidence == 0);
  CHECK(r.ece == Approx(0.5));  // half perfectly calibrated, half off by 1
  CHECK(std::isfinite(r.ece));
}

TEST_CASE("core/eval: latency percentiles use the nearest rank") {
  std::vector<GoldenExample> examples;
  std::vector<Prediction> predictions;
  for (int i = 100; i >= 1; --i) {  // unsorted input
    examples.push_back(example(std::to_string(i), "a"));
    predictions.push_back(prediction("a"));
    predictions.back().latency_us = i * 10.0;
  }
  Report r = compute_report(examples, predictions, {}, plain_gates());
  CHECK(r.latency_p50_us == Approx(500));
  CHECK(r.latency_p99_us == Approx(990));

  examples.resize(4);
  predictions = {prediction("a"), prediction("a"), prediction("a"), prediction("a")};
  for (int i = 0; i < 4; ++i) predictions[i].latency_us = 40.0 - i * 10;
  r = compute_report(examples, predictions, {}, plain_gates());
  CHECK(r.latency_p50_us == Approx(20));  // rank ceil(.5·4) = 2
  CHECK(r.latency_p99_us == Approx(40));  // rank ceil(.99·4) = 4
}

TEST_CASE("core/eval: empty input yields zeros, not NaN, and fails the quality gates") {
  const Report r = compute_report({}, {}, {"legal_threat"}, GateSettings{});
  CHECK(r.examples == 0);
  CHECK(r.accuracy == 0);
  CHECK(r.macro_f1 == 0);
  CHECK(r.weighted_f1 == 0);
  CHECK(r.team_accuracy == 0);
  CHECK(r.ece == 0);
  CHECK(r.latency_p50_us == 0);
  CHECK(r.latency_p99_us == 0);
  CHECK(r.per_intent.empty());
  CHECK(r.intent_confusion.empty());
  REQUIRE(r.calibration.size() == 10);
  for (const auto& bin : r.calibration) {
    CHECK(bin.count == 0);
    CHECK(std::isfinite(bin.mean_confidence));
  }
  CHECK(gate(r, "tier0_false_negatives").passed);
  CHECK(gate(r, "schema_invalid").passed);
  CHECK_FALSE(gate(r, "macro_f1").passed);
  CHECK_FALSE(gate(r, "f1:order_status_tracking").passed);
  CHECK_FALSE(r.passed);
}

TEST_CASE("core/eval: predictions beyond the examples are ignored") {
  const std::vector<GoldenExample> examples = {example("1", "a")};
  const std::vector<Prediction> predictions = {prediction("a"), prediction("b")};
  const Report r = compute_report(examples, predictions, {}, plain_gates());
  CHECK(r.examples == 1);
  CHECK(r.per_intent.count("b") == 0);
}

TEST_CASE("core/eval: gate order and names") {
  GateSettings settings;
  settings.top_intents = {"a", "b", "a"};  // duplicate dropped: gate names are JSON keys
  const Edge e = at_075();
  Report r = compute_report(e.examples, e.predictions, {}, settings);
  std::vector<std::string> names;
  for (const Gate& g : r.gates) names.push_back(g.name);
  CHECK(names == std::vector<std::string>{"tier0_false_negatives", "tier2_violations",
                                          "schema_invalid", "macro_f1", "weighted_f1", "f1:a",
                                          "f1:b"});
  CHECK_FALSE(gate(r, "tier0_false_negatives").higher_is_better);
  CHECK(gate(r, "macro_f1").higher_is_better);

  r = compute_report(e.examples, e.predictions, {}, settings, r);
  CHECK(r.gates.size() == 10);
  CHECK(r.gates[7].name == "regression:macro_f1");
  CHECK(r.gates[8].name == "regression:weighted_f1");
  CHECK(r.gates[9].name == "regression:accuracy");
}

TEST_CASE("core/eval: F1 gates pass at their threshold and fail just above it") {
  const Edge e = at_075();
  GateSettings settings = plain_gates();
  settings.top_intents = {"a"};
  settings.macro_f1_min = 0.75;
  settings.weighted_f1_min = 0.75;
  settings.top_intent_f1_min = 0.75;
  Report r = compute_report(e.examples, e.predictions, {}, settings);
  CHECK(r.macro_f1 == Approx(0.75));
  CHECK(gate(r, "macro_f1").passed);
  CHECK(gate(r, "macro_f1").threshold == 0.75);
  CHECK(gate(r, "weighted_f1").passed);
  CHECK(gate(r, "f1:a").passed);
  CHECK(gate(r, "f1:a").value == Approx(0.75));
  CHECK(r.passed);

  settings.macro_f1_min = 0.7501;
  r = compute_report(e.examples, e.predictions, {}, settings);
  CHECK_FALSE(gate(r, "macro_f1").passed);
  CHECK(gate(r, "weighted_f1").passed);
  CHECK_FALSE(r.passed);

  settings.macro_f1_min = 0.75;
  settings.weighted_f1_min = 0.7501;
  r = compute_report(e.examples, e.predictions, {}, settings);
  CHECK(gate(r, "macro_f1").passed);
  CHECK_FALSE(gate(r, "weighted_f1").passed);
  CHECK_FALSE(r.passed);

  settings.weighted_f1_min = 0.75;
  settings.top_intent_f1_min = 0.7501;
  r = compute_report(e.examples, e.predictions, {}, settings);
  CHECK_FALSE(gate(r, "f1:a").passed);
  CHECK_FALSE(r.passed);
}

TEST_CASE("core/eval: a top intent without support fails with value 0") {
  const Edge e = at_075();
  GateSettings settings = plain_gates();
  settings.macro_f1_min = 0;
  settings.weighted_f1_min = 0;
  settings.top_intents = {"never_labelled"};
  settings.top_intent_f1_min = 0;  // even a zero threshold cannot be met by an unmeasured class
  const Report r = compute_report(e.examples, e.predictions, {}, settings);
  CHECK(gate(r, "f1:never_labelled").value == 0);
  CHECK_FALSE(gate(r, "f1:never_labelled").passed);
  CHECK_FALSE(r.passed);
}

TEST_CASE("core/eval: count gates pass at their maximum and fail one over") {
  std::vector<GoldenExample> examples = {example("t0", "legal_threat"), example("t2", "a"),
                                         example("bad", "a")};
  examples[1].automation_tier_max = 1;
  std::vector<Prediction> predictions = {prediction("legal_threat", "care", "TIER_1_SAFE_ASSIST"),
                                         prediction("a", "care", "TIER_2_VERIFIED"),
                                         prediction("a")};
  predictions[2].schema_valid = false;
  GateSettings settings = plain_gates();
  settings.macro_f1_min = 0;
  settings.weighted_f1_min = 0;
  settings.tier0_false_negatives_max = 1;
  settings.tier2_violations_max = 1;
  settings.schema_invalid_max = 1;
  Report r = compute_report(examples, predictions, {"legal_threat"}, settings);
  CHECK(gate(r, "tier0_false_negatives").value == 1);
  CHECK(gate(r, "tier0_false_negatives").passed);
  CHECK(gate(r, "tier2_violations").value == 1);
  CHECK(gate(r, "tier2_violations").passed);
  CHECK(gate(r, "schema_invalid").value == 1);
  CHECK(gate(r, "schema_invalid").passed);
  CHECK(r.passed);

  settings.tier0_false_negatives_max = 0;
  r = compute_report(examples, predictions, {"legal_threat"}, settings);
  CHECK_FALSE(gate(r, "tier0_false_negatives").passed);
  CHECK(gate(r, "tier2_violations").passed);
  CHECK_FALSE(r.passed);

  settings.tier0_false_negatives_max = 1;
  settings.tier2_violations_max = 0;
  r = compute_report(examples, predictions, {"legal_threat"}, settings);
  CHECK_FALSE(gate(r, "tier2_violations").passed);
  CHECK_FALSE(r.passed);

  settings.tier2_violations_max = 1;
  settings.schema_invalid_max = 0;
  r = compute_report(examples, predictions, {"legal_threat"}, settings);
  CHECK_FALSE(gate(r, "schema_invalid").passed);
  CHECK(gate(r, "schema_invalid").threshold == 0);
  CHECK_FALSE(r.passed);
}

TEST_CASE("core/eval: baseline regression gates allow a drop up to the band") {
  const Edge e = at_075();  // accuracy = macro = weighted = 0.75
  GateSettings settings = plain_gates();
  settings.macro_f1_min = 0;
  settings.weighted_f1_min = 0;
  settings.regression_band = 0.02;

  Report baseline;
  baseline.macro_f1 = 0.77;  // 0.77 - 0.02 = 0.75: exactly at the edge
  baseline.weighted_f1 = 0.77;
  baseline.accuracy = 0.77;
  Report r = compute_report(e.examples, e.predictions, {}, settings, baseline);
  CHECK(gate(r, "regression:macro_f1").passed);
  CHECK(gate(r, "regression:macro_f1").threshold == Approx(0.75));
  CHECK(gate(r, "regression:weighted_f1").passed);
  CHECK(gate(r, "regression:accuracy").passed);
  CHECK(r.passed);

  baseline.macro_f1 = 0.7701;
  r = compute_report(e.examples, e.predictions, {}, settings, baseline);
  CHECK_FALSE(gate(r, "regression:macro_f1").passed);
  CHECK(gate(r, "regression:weighted_f1").passed);
  CHECK_FALSE(r.passed);

  baseline.macro_f1 = 0.77;
  baseline.weighted_f1 = 0.7701;
  r = compute_report(e.examples, e.predictions, {}, settings, baseline);
  CHECK_FALSE(gate(r, "regression:weighted_f1").passed);
  CHECK_FALSE(r.passed);

  baseline.weighted_f1 = 0.77;
  baseline.accuracy = 0.7701;
  r = compute_report(e.examples, e.predictions, {}, settings, baseline);
  CHECK_FALSE(gate(r, "regression:accuracy").passed);
  CHECK_FALSE(r.passed);

  // An improvement over the baseline always passes; no baseline, no regression gates.
  baseline.macro_f1 = baseline.weighted_f1 = baseline.accuracy = 0.5;
  r = compute_report(e.examples, e.predictions, {}, settings, baseline);
  CHECK(r.passed);
  r = compute_report(e.examples, e.predictions, {}, settings);
  CHECK_FALSE(has_gate(r, "regression:macro_f1"));
}

TEST_CASE("core/eval: a perfect run passes the default gates") {
  GateSettings settings;
  std::vector<GoldenExample> examples;
  std::vector<Prediction> predictions;
  for (const std::string& intent : settings.top_intents) {
    examples.push_back(example("ex-" + intent, intent));
    predictions.push_back(prediction(intent));
  }
  const Report r = compute_report(examples, predictions, {"legal_threat"}, settings);
  CHECK(r.macro_f1 == Approx(1.0));
  CHECK(r.gates.size() == 5 + settings.top_intents.size());
  CHECK(r.passed);
}
