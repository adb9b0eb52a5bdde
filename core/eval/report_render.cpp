// The JSON and markdown renderings; the HTML page lives in report_html.cpp.
#include "core/eval/report_render.h"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <limits>

#include "core/eval/render_util.h"

namespace rpmw::core::eval {
namespace json = boost::json;

namespace {

// Count-style gates (value must stay at or under the threshold); everything else is a minimum.
bool is_count_gate(std::string_view name) {
  return name == "tier0_false_negatives" || name == "tier2_violations" || name == "schema_invalid";
}

json::array to_array(const std::vector<std::string>& ids) {
  json::array out;
  out.reserve(ids.size());
  for (const std::string& id : ids) out.emplace_back(id);
  return out;
}

// ---- reading ----

tl::unexpected<Error> bad(std::string_view key) {
  return fail(ErrorKind::invalid_input, "bad_value:" + std::string(key));
}

std::optional<double> as_number(const json::value& v) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return std::nullopt;
}

std::optional<int> as_count(const json::value& v) {
  if (v.is_int64() && v.get_int64() >= 0 && v.get_int64() <= std::numeric_limits<int>::max()) {
    return static_cast<int>(v.get_int64());
  }
  if (v.is_uint64() &&
      v.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
    return static_cast<int>(v.get_uint64());
  }
  return std::nullopt;
}

// Reads `key` into `out` when present; `required` turns absence into missing_field.
Status read_number(const json::object& obj, std::string_view key, double& out, bool required) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr) {
    if (!required) return {};
    return fail(ErrorKind::invalid_input, "missing_field:" + std::string(key));
  }
  const auto n = as_number(*v);
  if (!n) return bad(key);
  out = *n;
  return {};
}

Status read_count(const json::object& obj, std::string_view key, int& out, bool required) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr) {
    if (!required) return {};
    return fail(ErrorKind::invalid_input, "missing_field:" + std::string(key));
  }
  const auto n = as_count(*v);
  if (!n) return bad(key);
  out = *n;
  return {};
}

// An id list with its count: both optional, but they must agree when both are present.
Status read_ids(const json::object& obj, std::string_view count_key, std::string_view ids_key,
                std::vector<std::string>& out) {
  if (const json::value* v = obj.if_contains(ids_key)) {
    if (!v->is_array()) return bad(ids_key);
    for (const json::value& id : v->get_array()) {
      if (!id.is_string()) return bad(ids_key);
      out.emplace_back(id.get_string());
    }
  }
  if (const json::value* v = obj.if_contains(count_key)) {
    const auto n = as_count(*v);
    if (!n) return bad(count_key);
    if (obj.contains(ids_key) && static_cast<std::size_t>(*n) != out.size()) {
      return bad(count_key);
    }
  }
  return {};
}

Status read_per_intent(const json::object& obj, std::map<std::string, PerClass>& out) {
  const json::value* v = obj.if_contains("per_intent");
  if (v == nullptr) return {};
  if (!v->is_object()) return bad("per_intent");
  for (const auto& [intent, entry] : v->get_object()) {
    if (!entry.is_object()) return bad("per_intent");
    const json::object& e = entry.get_object();
    PerClass pc;
    Status s = read_number(e, "precision", pc.precision, true);
    if (s) s = read_number(e, "recall", pc.recall, true);
    if (s) s = read_number(e, "f1", pc.f1, true);
    if (s) s = read_count(e, "support", pc.support, true);
    if (!s) return bad("per_intent");
    out[std::string(intent)] = pc;
  }
  return {};
}

Status read_gates(const json::object& obj, std::vector<Gate>& out) {
  const json::value* v = obj.if_contains("gates");
  if (v == nullptr) return {};
  if (!v->is_object()) return bad("gates");
  for (const auto& [name, entry] : v->get_object()) {
    if (!entry.is_object()) return bad("gates");
    const json::object& e = entry.get_object();
    Gate gate;
    gate.name = std::string(name);
    gate.higher_is_better = !is_count_gate(name);
    Status s = read_number(e, "value", gate.value, true);
    if (s) s = read_number(e, "threshold", gate.threshold, true);
    const json::value* passed = e.if_contains("passed");
    if (!s || passed == nullptr || !passed->is_bool()) return bad("gates");
    gate.passed = passed->get_bool();
    out.push_back(std::move(gate));
  }
  return {};
}

// ---- markdown ----

void md_row(std::string& out, std::initializer_list<std::string> cells) {
  out += '|';
  for (const std::string& cell : cells) {
    out += ' ';
    out += cell;
    out += " |";
  }
  out += '\n';
}

std::string md_id_list(const std::vector<std::string>& ids) {
  if (ids.empty()) return "none";
  std::string out;
  for (const std::string& id : ids) {
    if (!out.empty()) out += ", ";
    out += markdown_escape(id);
  }
  return out;
}

}  // namespace

json::object report_to_json(const Report& report) {
  json::object o;
  o["examples"] = report.examples;
  o["accuracy"] = report.accuracy;
  o["macro_f1"] = report.macro_f1;
  o["weighted_f1"] = report.weighted_f1;
  o["team_accuracy"] = report.team_accuracy;
  o["tier0_false_negatives"] = static_cast<std::int64_t>(report.tier0_false_negative_ids.size());
  o["tier0_false_negative_ids"] = to_array(report.tier0_false_negative_ids);
  o["tier0_false_positives"] = static_cast<std::int64_t>(report.tier0_false_positive_ids.size());
  o["tier0_false_positive_ids"] = to_array(report.tier0_false_positive_ids);
  o["tier2_violations"] = static_cast<std::int64_t>(report.tier2_violation_ids.size());
  o["tier2_violation_ids"] = to_array(report.tier2_violation_ids);
  o["schema_invalid"] = report.schema_invalid;
  o["ece"] = report.ece;
  json::object per_intent;
  for (const auto& [intent, pc] : report.per_intent) {
    per_intent[intent] = json::object{
        {"precision", pc.precision}, {"recall", pc.recall}, {"f1", pc.f1}, {"support", pc.support}};
  }
  o["per_intent"] = std::move(per_intent);
  json::object gates;
  for (const Gate& gate : report.gates) {
    gates[gate.name] =
        json::object{{"value", gate.value}, {"threshold", gate.threshold}, {"passed", gate.passed}};
  }
  o["gates"] = std::move(gates);
  o["passed"] = report.passed;
  return o;
}

Result<Report> report_from_json(const json::object& obj) {
  Report r;
  Status s = read_count(obj, "examples", r.examples, true);
  if (s) s = read_number(obj, "accuracy", r.accuracy, true);
  if (s) s = read_number(obj, "macro_f1", r.macro_f1, true);
  if (s) s = read_number(obj, "weighted_f1", r.weighted_f1, true);
  if (s) s = read_number(obj, "team_accuracy", r.team_accuracy, false);
  if (s)
    s = read_ids(obj, "tier0_false_negatives", "tier0_false_negative_ids",
                 r.tier0_false_negative_ids);
  if (s)
    s = read_ids(obj, "tier0_false_positives", "tier0_false_positive_ids",
                 r.tier0_false_positive_ids);
  if (s) s = read_ids(obj, "tier2_violations", "tier2_violation_ids", r.tier2_violation_ids);
  if (s) s = read_count(obj, "schema_invalid", r.schema_invalid, false);
  if (s) s = read_number(obj, "ece", r.ece, false);
  if (s) s = read_per_intent(obj, r.per_intent);
  if (s) s = read_gates(obj, r.gates);
  if (!s) return tl::unexpected(s.error());
  if (const json::value* passed = obj.if_contains("passed")) {
    if (!passed->is_bool()) return bad("passed");
    r.passed = passed->get_bool();
  }
  return r;
}

std::string render_markdown(const Report& report, const std::string& title) {
  std::string out = "# " + markdown_escape(title) + "\n\n## Summary\n\n";
  md_row(out, {"Metric", "Value"});
  out += "|---|---:|\n";
  md_row(out, {"Examples", std::to_string(report.examples)});
  md_row(out, {"Accuracy", format_fixed(report.accuracy)});
  md_row(out, {"Macro F1", format_fixed(report.macro_f1)});
  md_row(out, {"Weighted F1", format_fixed(report.weighted_f1)});
  md_row(out, {"Team accuracy", format_fixed(report.team_accuracy)});
  md_row(out, {"Tier 0 false negatives", std::to_string(report.tier0_false_negative_ids.size())});
  md_row(out, {"Tier 0 false positives", std::to_string(report.tier0_false_positive_ids.size())});
  md_row(out, {"Tier 2 violations", std::to_string(report.tier2_violation_ids.size())});
  md_row(out, {"Schema invalid", std::to_string(report.schema_invalid)});
  md_row(out, {"ECE", format_fixed(report.ece)});
  md_row(out, {"Latency p50 (µs)", format_fixed(report.latency_p50_us, 1)});
  md_row(out, {"Latency p99 (µs)", format_fixed(report.latency_p99_us, 1)});
  md_row(out, {"Result", report.passed ? "✔ passed" : "✘ failed"});

  out += "\n## Gates\n\n";
  md_row(out, {"Gate", "Value", "Threshold", "Result"});
  out += "|---|---:|---:|:---:|\n";
  for (const Gate& g : report.gates) {
    const int decimals = g.higher_is_better ? 4 : 0;
    md_row(out,
           {markdown_escape(g.name), format_fixed(g.value, decimals),
            std::string(g.higher_is_better ? "≥ " : "≤ ") + format_fixed(g.threshold, decimals),
            g.passed ? "✔" : "✘"});
  }

  out += "\n## Per intent\n\n";
  md_row(out, {"Intent", "Precision", "Recall", "F1", "Support", "Predicted"});
  out += "|---|---:|---:|---:|---:|---:|\n";
  for (const auto& [intent, pc] : report.per_intent) {
    md_row(out, {markdown_escape(intent), format_fixed(pc.precision), format_fixed(pc.recall),
                 format_fixed(pc.f1), std::to_string(pc.support), std::to_string(pc.predicted)});
  }

  out += "\n## Tier 0\n\n";
  out += "- False negatives (" + std::to_string(report.tier0_false_negative_ids.size()) +
         "): " + md_id_list(report.tier0_false_negative_ids) + "\n";
  out += "- False positives (" + std::to_string(report.tier0_false_positive_ids.size()) +
         "): " + md_id_list(report.tier0_false_positive_ids) + "\n";

  out += "\n## Tier 2\n\n";
  md_row(out, {"Eligible", "Predicted Tier 2", "Correct Tier 2", "Denied eligible", "Violations"});
  out += "|---:|---:|---:|---:|---:|\n";
  md_row(out,
         {std::to_string(report.tier2.eligible), std::to_string(report.tier2.predicted_tier2),
          std::to_string(report.tier2.correct_tier2), std::to_string(report.tier2.denied_eligible),
          std::to_string(report.tier2_violation_ids.size())});
  out += "\n- Violations: " + md_id_list(report.tier2_violation_ids) + "\n";

  out += "\n## Calibration\n\nECE: " + format_fixed(report.ece) + "\n\n";
  md_row(out, {"Confidence", "Count", "Mean confidence", "Accuracy"});
  out += "|---|---:|---:|---:|\n";
  for (std::size_t i = 0; i < report.calibration.size(); ++i) {
    const CalibrationBin& b = report.calibration[i];
    const bool last = i + 1 == report.calibration.size();
    md_row(out,
           {"[" + format_fixed(b.lower, 1) + ", " + format_fixed(b.upper, 1) + (last ? "]" : ")"),
            std::to_string(b.count), format_fixed(b.mean_confidence), format_fixed(b.accuracy)});
  }

  out += "\n## Top confusions\n\n";
  const auto confusions = top_confusions(report.intent_confusion, 10);
  if (confusions.empty()) out += "none\n";
  for (std::size_t i = 0; i < confusions.size(); ++i) {
    out += std::to_string(i + 1) + ". " + markdown_escape(confusions[i].expected) + " → " +
           markdown_escape(confusions[i].predicted) + ": " + std::to_string(confusions[i].count) +
           "\n";
  }
  return out;
}

}  // namespace rpmw::core::eval
