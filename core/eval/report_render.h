#pragma once
// The three renderings of an evaluation report: the machine JSON of spec/02 (`rpmw eval --json`),
// a markdown report and a standalone HTML page (confusion matrix as a colour table).
#include <string>

#include <boost/json.hpp>

#include "core/common/error.h"
#include "core/eval/metrics.h"

namespace rpmw::core::eval {

// Keys: examples, accuracy, macro_f1, weighted_f1, team_accuracy, tier0_false_negatives (count),
// tier0_false_negative_ids, tier0_false_positives (count), tier0_false_positive_ids,
// tier2_violations (count), tier2_violation_ids, schema_invalid, ece, per_intent {intent:
// {precision, recall, f1, support}}, gates {name: {value, threshold, passed}}, passed.
boost::json::object report_to_json(const Report& report);
// Reads back what report_to_json wrote (for --baseline comparisons); ignores unknown keys.
Result<Report> report_from_json(const boost::json::object& object);

std::string render_markdown(const Report& report, const std::string& title);
// Self-contained page (inline CSS, no scripts, no external resources); every label HTML-escaped.
std::string render_html(const Report& report, const std::string& title);

}  // namespace rpmw::core::eval
