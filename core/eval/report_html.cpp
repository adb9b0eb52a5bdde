// The standalone HTML page of an evaluation report: inline CSS only, no scripts, no external
// resources, every label escaped.
#include <set>

#include "core/eval/render_util.h"
#include "core/eval/report_render.h"

namespace rpmw::core::eval {

namespace {

constexpr std::string_view kStyle = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1f2328}
h1{margin-bottom:.25rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}
th,td{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:right}
th{background:#f6f8fa}
th:first-child,td:first-child{text-align:left}
.pass{color:#1a7f37;font-weight:600}
.fail{color:#cf222e;font-weight:600}
.matrix td{text-align:center;min-width:2.5rem}
.matrix th.col{writing-mode:vertical-rl;transform:rotate(180deg);text-align:left}
.note{color:#57606a}
)";

using Confusion = std::map<std::string, std::map<std::string, int>>;

void row(std::string& out, std::initializer_list<std::string> cells, bool header = false) {
  const char* open = header ? "<th>" : "<td>";
  const char* close = header ? "</th>" : "</td>";
  out += "<tr>";
  for (const std::string& cell : cells) {
    out += open;
    out += cell;
    out += close;
  }
  out += "</tr>\n";
}

std::string verdict(bool passed) {
  return passed ? "<span class=\"pass\">✔ passed</span>" : "<span class=\"fail\">✘ failed</span>";
}

std::string id_list(const std::vector<std::string>& ids) {
  if (ids.empty()) return "none";
  std::string out;
  for (const std::string& id : ids) {
    if (!out.empty()) out += ", ";
    out += "<code>" + html_escape(id) + "</code>";
  }
  return out;
}

void summary(std::string& out, const Report& r) {
  out += "<h2>Summary</h2>\n<table>\n";
  row(out, {"Metric", "Value"}, true);
  row(out, {"Examples", std::to_string(r.examples)});
  row(out, {"Accuracy", format_fixed(r.accuracy)});
  row(out, {"Macro F1", format_fixed(r.macro_f1)});
  row(out, {"Weighted F1", format_fixed(r.weighted_f1)});
  row(out, {"Team accuracy", format_fixed(r.team_accuracy)});
  row(out, {"Tier 0 false negatives", std::to_string(r.tier0_false_negative_ids.size())});
  row(out, {"Tier 0 false positives", std::to_string(r.tier0_false_positive_ids.size())});
  row(out, {"Tier 2 violations", std::to_string(r.tier2_violation_ids.size())});
  row(out, {"Schema invalid", std::to_string(r.schema_invalid)});
  row(out, {"ECE", format_fixed(r.ece)});
  row(out, {"Latency p50 (µs)", format_fixed(r.latency_p50_us, 1)});
  row(out, {"Latency p99 (µs)", format_fixed(r.latency_p99_us, 1)});
  out += "</table>\n";
}

void gates(std::string& out, const Report& r) {
  out += "<h2>Gates</h2>\n<table>\n";
  row(out, {"Gate", "Value", "Threshold", "Result"}, true);
  for (const Gate& g : r.gates) {
    const int decimals = g.higher_is_better ? 4 : 0;
    row(out, {html_escape(g.name), format_fixed(g.value, decimals),
              std::string(g.higher_is_better ? "≥ " : "≤ ") + format_fixed(g.threshold, decimals),
              g.passed ? "<span class=\"pass\">✔</span>" : "<span class=\"fail\">✘</span>"});
  }
  out += "</table>\n";
}

void per_intent(std::string& out, const Report& r) {
  out += "<h2>Per intent</h2>\n<table>\n";
  row(out, {"Intent", "Precision", "Recall", "F1", "Support", "Predicted"}, true);
  for (const auto& [intent, pc] : r.per_intent) {
    row(out, {html_escape(intent), format_fixed(pc.precision), format_fixed(pc.recall),
              format_fixed(pc.f1), std::to_string(pc.support), std::to_string(pc.predicted)});
  }
  out += "</table>\n";
}

// Rows are expected labels, columns predicted ones, both over the union so the diagonal is the
// agreement; each cell is shaded by its share of the row.
void matrix(std::string& out, const std::string& heading, const Confusion& confusion) {
  std::set<std::string> labels;
  for (const auto& [expected, cols] : confusion) {
    labels.insert(expected);
    for (const auto& [predicted, count] : cols) labels.insert(predicted);
  }
  out += "<h2>" + heading + "</h2>\n";
  if (labels.empty()) {
    out += "<p class=\"note\">No examples.</p>\n";
    return;
  }
  out += "<p class=\"note\">Rows: expected; columns: predicted; shade: share of the row.</p>\n";
  out += "<table class=\"matrix\">\n<tr><th>expected \\ predicted</th>";
  for (const std::string& label : labels)
    out += "<th class=\"col\">" + html_escape(label) + "</th>";
  out += "<th>total</th></tr>\n";
  for (const std::string& expected : labels) {
    const auto it = confusion.find(expected);
    int total = 0;
    if (it != confusion.end()) {
      for (const auto& [predicted, count] : it->second) total += count;
    }
    out += "<tr><th>" + html_escape(expected) + "</th>";
    for (const std::string& predicted : labels) {
      int count = 0;
      if (it != confusion.end()) {
        const auto cell = it->second.find(predicted);
        if (cell != it->second.end()) count = cell->second;
      }
      out += "<td style=\"background:" + heat_colour(count, total, expected == predicted) +
             "\" title=\"" + html_escape(expected) + " → " + html_escape(predicted) + ": " +
             std::to_string(count) + " of " + std::to_string(total) + "\">" +
             std::to_string(count) + "</td>";
    }
    out += "<td>" + std::to_string(total) + "</td></tr>\n";
  }
  out += "</table>\n";
}

void tiers(std::string& out, const Report& r) {
  out += "<h2>Tier 0</h2>\n<ul>\n";
  out += "<li>False negatives (" + std::to_string(r.tier0_false_negative_ids.size()) +
         "): " + id_list(r.tier0_false_negative_ids) + "</li>\n";
  out += "<li>False positives (" + std::to_string(r.tier0_false_positive_ids.size()) +
         "): " + id_list(r.tier0_false_positive_ids) + "</li>\n</ul>\n";
  out += "<h2>Tier 2</h2>\n<table>\n";
  row(out, {"Eligible", "Predicted Tier 2", "Correct Tier 2", "Denied eligible", "Violations"},
      true);
  row(out, {std::to_string(r.tier2.eligible), std::to_string(r.tier2.predicted_tier2),
            std::to_string(r.tier2.correct_tier2), std::to_string(r.tier2.denied_eligible),
            std::to_string(r.tier2_violation_ids.size())});
  out += "</table>\n<p>Violations: " + id_list(r.tier2_violation_ids) + "</p>\n";
}

void calibration(std::string& out, const Report& r) {
  out += "<h2>Calibration</h2>\n<p>ECE: " + format_fixed(r.ece) + "</p>\n<table>\n";
  row(out, {"Confidence", "Count", "Mean confidence", "Accuracy"}, true);
  for (std::size_t i = 0; i < r.calibration.size(); ++i) {
    const CalibrationBin& b = r.calibration[i];
    const bool last = i + 1 == r.calibration.size();
    row(out, {"[" + format_fixed(b.lower, 1) + ", " + format_fixed(b.upper, 1) + (last ? "]" : ")"),
              std::to_string(b.count), format_fixed(b.mean_confidence), format_fixed(b.accuracy)});
  }
  out += "</table>\n";
}

}  // namespace

std::string render_html(const Report& report, const std::string& title) {
  const std::string escaped_title = html_escape(title);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + escaped_title + "</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n<h1>" + escaped_title + "</h1>\n";
  out +=
      "<p>" + verdict(report.passed) + " · " + std::to_string(report.examples) + " examples</p>\n";
  summary(out, report);
  gates(out, report);
  per_intent(out, report);
  matrix(out, "Intent confusion matrix", report.intent_confusion);
  matrix(out, "Team confusion matrix", report.team_confusion);
  tiers(out, report);
  calibration(out, report);
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace rpmw::core::eval
