#include "core/eval/report_render.h"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "core/eval/render_util.h"

namespace json = boost::json;
using doctest::Approx;
using rpmw::core::eval::compute_report;
using rpmw::core::eval::format_fixed;
using rpmw::core::eval::GateSettings;
using rpmw::core::eval::GoldenExample;
using rpmw::core::eval::heat_colour;
using rpmw::core::eval::html_escape;
using rpmw::core::eval::markdown_escape;
using rpmw::core::eval::Prediction;
using rpmw::core::eval::render_html;
using rpmw::core::eval::render_markdown;
using rpmw::core::eval::Report;
using rpmw::core::eval::report_from_json;
using rpmw::core::eval::report_to_json;
using rpmw::core::eval::top_confusions;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A small run with something in every section: a confusion, a Tier 0 miss and false alarm, a
// Tier 2 violation, one schema-invalid answer and a failing top-intent gate.
Report sample_report(const std::string& odd_label = "cancel_order") {
  std::vector<GoldenExample> examples;
  std::vector<Prediction> predictions;
  const auto add = [&](std::string id, std::string label, std::string predicted, std::string tier,
                       int tier_max = 1) {
    GoldenExample ex;
    ex.example_id = std::move(id);
    ex.primary_intent = std::move(label);
    ex.destination_team = "care";
    ex.automation_tier_max = tier_max;
    examples.push_back(ex);
    Prediction p;
    p.primary_intent = std::move(predicted);
    p.destination_team = "care";
    p.tier = std::move(tier);
    p.confidence = 0.85;
    p.latency_us = 120;
    predictions.push_back(p);
  };
  add("ex-1", "order_status_tracking", "order_status_tracking", "TIER_1_SAFE_ASSIST");
  add("ex-2", "order_status_tracking", odd_label, "TIER_1_SAFE_ASSIST");
  add("ex-3", odd_label, odd_label, "TIER_2_VERIFIED");
  add("ex-4", "legal_threat", "legal_threat", "TIER_1_SAFE_ASSIST");
  add("ex-5", "cancel_order", "cancel_order", "TIER_0_ESCALATION");
  predictions[4].schema_valid = false;
  GateSettings settings;
  settings.top_intents = {"order_status_tracking", "technical_support"};
  return compute_report(examples, predictions, {"legal_threat"}, settings);
}

std::set<std::string> keys_of(const json::object& o) {
  std::set<std::string> keys;
  for (const auto& kv : o) keys.insert(std::string(kv.key()));
  return keys;
}

}  // namespace

TEST_CASE("core/eval: report_to_json writes exactly the documented keys") {
  const Report r = sample_report();
  const json::object o = report_to_json(r);
  CHECK(keys_of(o) == std::set<std::string>{"examples", "accuracy", "macro_f1", "weighted_f1",
                                            "team_accuracy", "tier0_false_negatives",
                                            "tier0_false_negative_ids", "tier0_false_positives",
                                            "tier0_false_positive_ids", "tier2_violations",
                                            "tier2_violation_ids", "schema_invalid", "ece",
                                            "per_intent", "gates", "passed"});
  CHECK(o.at("examples").as_int64() == 5);
  CHECK(o.at("accuracy").as_double() == Approx(0.8));
  CHECK(o.at("tier0_false_negatives").as_int64() == 1);
  CHECK(o.at("tier0_false_negative_ids").as_array() == json::array{"ex-4"});
  CHECK(o.at("tier0_false_positives").as_int64() == 1);
  CHECK(o.at("tier0_false_positive_ids").as_array() == json::array{"ex-5"});
  CHECK(o.at("tier2_violations").as_int64() == 1);
  CHECK(o.at("tier2_violation_ids").as_array() == json::array{"ex-3"});
  CHECK(o.at("schema_invalid").as_int64() == 1);
  CHECK(o.at("passed").as_bool() == false);

  const json::object& otr = o.at("per_intent").at("order_status_tracking").as_object();
  CHECK(keys_of(otr) == std::set<std::string>{"precision", "recall", "f1", "support"});
  CHECK(otr.at("precision").as_double() == Approx(1.0));
  CHECK(otr.at("recall").as_double() == Approx(0.5));
  CHECK(otr.at("support").as_int64() == 2);

  const json::object& gates = o.at("gates").as_object();
  CHECK(gates.size() == r.gates.size());
  const json::object& t0 = gates.at("tier0_false_negatives").as_object();
  CHECK(keys_of(t0) == std::set<std::string>{"value", "threshold", "passed"});
  CHECK(t0.at("passed").as_bool() == false);
  CHECK(gates.at("f1:technical_support").at("value").to_number<double>() == 0);
  // Gates keep the report's order (JSON objects keep insertion order).
  CHECK(gates.begin()->key() == "tier0_false_negatives");
}

TEST_CASE("core/eval: report JSON round trip") {
  Report with_baseline = sample_report();
  with_baseline = compute_report({}, {}, {}, GateSettings{}, with_baseline);  // regression gates
  for (const Report& r : {sample_report(), with_baseline, Report{}}) {
    const json::object first = report_to_json(r);
    auto back = report_from_json(first);
    REQUIRE(back);
    CHECK(report_to_json(*back) == first);
    CHECK(back->macro_f1 == r.macro_f1);
    // Through text, as a stored baseline goes (Boost 1.81 parses doubles to within an ulp).
    auto stored = report_from_json(json::parse(json::serialize(first)).as_object());
    REQUIRE(stored);
    CHECK(stored->macro_f1 == Approx(r.macro_f1));
    CHECK(stored->per_intent.size() == r.per_intent.size());
    CHECK(back->tier0_false_negative_ids == r.tier0_false_negative_ids);
    REQUIRE(back->gates.size() == r.gates.size());
    for (std::size_t i = 0; i < r.gates.size(); ++i) {
      CHECK(back->gates[i].name == r.gates[i].name);
      CHECK(back->gates[i].higher_is_better == r.gates[i].higher_is_better);
      CHECK(back->gates[i].passed == r.gates[i].passed);
    }
  }
}

TEST_CASE("core/eval: report_from_json ignores unknown keys and defaults the optional ones") {
  const json::object o = json::parse(R"({"examples":3,"accuracy":1,"macro_f1":0.5,)"
                                     R"("weighted_f1":0.25,"calibration":[],"model":"x"})")
                             .as_object();
  auto r = report_from_json(o);
  REQUIRE(r);
  CHECK(r->examples == 3);
  CHECK(r->accuracy == 1.0);  // integers read as numbers
  CHECK(r->macro_f1 == 0.5);
  CHECK(r->weighted_f1 == 0.25);
  CHECK(r->per_intent.empty());
  CHECK(r->gates.empty());
  CHECK_FALSE(r->passed);
}

TEST_CASE("core/eval: report_from_json rejects missing and malformed fields") {
  const auto error_of = [](const std::string& text) {
    auto r = report_from_json(json::parse(text).as_object());
    return r ? std::string("ok") : r.error().code;
  };
  const std::string base = R"("examples":1,"accuracy":1,"macro_f1":1,"weighted_f1":1)";
  CHECK(error_of("{" + base + "}") == "ok");
  CHECK(error_of(R"({"examples":1,"accuracy":1,"weighted_f1":1})") == "missing_field:macro_f1");
  CHECK(error_of(R"({"accuracy":1,"macro_f1":1,"weighted_f1":1})") == "missing_field:examples");
  CHECK(error_of(R"({"examples":-1,"accuracy":1,"macro_f1":1,"weighted_f1":1})") ==
        "bad_value:examples");
  CHECK(error_of(R"({"examples":1,"accuracy":"1","macro_f1":1,"weighted_f1":1})") ==
        "bad_value:accuracy");
  CHECK(error_of("{" + base + R"(,"tier0_false_negative_ids":[1]})") ==
        "bad_value:tier0_false_negative_ids");
  CHECK(error_of("{" + base + R"(,"tier0_false_negatives":2,"tier0_false_negative_ids":["a"]})") ==
        "bad_value:tier0_false_negatives");
  CHECK(error_of("{" + base + R"(,"per_intent":{"a":{"precision":1}}})") == "bad_value:per_intent");
  CHECK(error_of("{" + base + R"(,"gates":{"g":{"value":1,"threshold":1}}})") == "bad_value:gates");
  CHECK(error_of("{" + base + R"(,"gates":[]})") == "bad_value:gates");
  CHECK(error_of("{" + base + R"(,"passed":"yes"})") == "bad_value:passed");
}

TEST_CASE("core/eval: render_markdown has every section") {
  const Report r = sample_report();
  const std::string md = render_markdown(r, "Nightly | eval");
  CHECK(md.rfind("# Nightly \\| eval\n", 0) == 0);
  for (const char* heading : {"## Summary", "## Gates", "## Per intent", "## Tier 0", "## Tier 2",
                              "## Calibration", "## Top confusions"}) {
    CHECK(contains(md, heading));
  }
  CHECK(contains(md, "| Accuracy | 0.8000 |"));
  CHECK(contains(md, "| Result | ✘ failed |"));
  CHECK(contains(md, "| tier0_false_negatives | 1 | ≤ 0 | ✘ |"));
  CHECK(contains(md, "| tier2_violations | 1 | ≤ 0 | ✘ |"));
  CHECK(contains(md, "| f1:order_status_tracking | 0.6667 | ≥ 0.8500 | ✘ |"));
  CHECK(contains(md, "| f1:technical_support | 0.0000 | ≥ 0.8500 | ✘ |"));
  CHECK(contains(md, "| order_status_tracking | 1.0000 | 0.5000 | 0.6667 | 2 | 1 |"));
  CHECK(contains(md, "- False negatives (1): ex-4\n"));
  CHECK(contains(md, "- False positives (1): ex-5\n"));
  CHECK(contains(md, "- Violations: ex-3\n"));
  CHECK(contains(md, "| 0 | 1 | 0 | 0 | 1 |"));  // Tier 2 breakdown row
  CHECK(contains(md, "| [0.8, 0.9) | 5 | 0.8500 | 0.8000 |"));
  CHECK(contains(md, "| [0.9, 1.0] | 0 |"));
  CHECK(contains(md, "1. order_status_tracking → cancel_order: 1\n"));
  // Per-intent rows are in intent order.
  CHECK(md.find("| cancel_order | 0.6667") < md.find("| legal_threat |"));
  CHECK(md.find("| legal_threat |") < md.find("| order_status_tracking | 1"));
}

TEST_CASE("core/eval: render_markdown marks passing gates and empty lists") {
  GateSettings settings;
  settings.top_intents = {"a"};
  GoldenExample ex;
  ex.example_id = "1";
  ex.primary_intent = "a";
  Prediction p;
  p.primary_intent = "a";
  const Report r = compute_report({ex}, {p}, {}, settings);
  const std::string md = render_markdown(r, "ok");
  CHECK(contains(md, "| macro_f1 | 1.0000 | ≥ 0.7500 | ✔ |"));
  CHECK(contains(md, "| Result | ✔ passed |"));
  CHECK(contains(md, "- False negatives (0): none\n"));
  CHECK(contains(md, "## Top confusions\n\nnone\n"));
}

TEST_CASE("core/eval: render_html is a standalone page") {
  const std::string html = render_html(sample_report(), "Eval");
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(contains(html, "<style>"));
  CHECK(contains(html, "<title>Eval</title>"));
  CHECK_FALSE(contains(html, "<script"));
  CHECK_FALSE(contains(html, "<link"));
  CHECK_FALSE(contains(html, "src="));
  CHECK_FALSE(contains(html, "href="));
  CHECK_FALSE(contains(html, "http://"));
  CHECK_FALSE(contains(html, "https://"));
  CHECK(contains(html, "<h2>Gates</h2>"));
  CHECK(contains(html, "<h2>Per intent</h2>"));
  CHECK(contains(html, "<h2>Intent confusion matrix</h2>"));
  CHECK(contains(html, "<td>f1:technical_support</td>"));
  CHECK(contains(html, "<span class=\"fail\">✘</span>"));
  CHECK(html.size() > 1000);
  CHECK(html.substr(html.size() - 8) == "</html>\n");
}

TEST_CASE("core/eval: render_html colours the confusion matrix by row share") {
  const std::string html = render_html(sample_report(), "Eval");
  // order_status_tracking row: 1 of 2 right (half green), 1 of 2 confused (half red).
  CHECK(contains(html, "background:" + heat_colour(1, 2, true) +
                           "\" title=\"order_status_tracking → order_status_tracking: 1 of 2\""));
  CHECK(contains(html, "background:" + heat_colour(1, 2, false) +
                           "\" title=\"order_status_tracking → cancel_order: 1 of 2\""));
  // legal_threat row: all right → full green; an empty cell is white.
  CHECK(contains(html, "background:#63be7b\" title=\"legal_threat → legal_threat: 1 of 1\""));
  CHECK(contains(html, "background:#ffffff\" title=\"legal_threat → cancel_order: 0 of 1\""));
}

TEST_CASE("core/eval: render_html escapes every label") {
  const Report r = sample_report("<script>alert('x')</script>");
  const std::string html = render_html(r, "<b>\"title\"</b> & co");
  CHECK_FALSE(contains(html, "<script"));
  CHECK_FALSE(contains(html, "<b>"));
  CHECK(contains(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
  CHECK(contains(html, "<title>&lt;b&gt;&quot;title&quot;&lt;/b&gt; &amp; co</title>"));
  // Markdown neutralises it too.
  const std::string md = render_markdown(r, "t");
  CHECK_FALSE(contains(md, "<script"));
  CHECK(contains(md, "&lt;script&gt;"));
}

TEST_CASE("core/eval: renderings of an empty report") {
  const Report r = compute_report({}, {}, {}, GateSettings{});
  const std::string md = render_markdown(r, "empty");
  CHECK(contains(md, "| Examples | 0 |"));
  CHECK_FALSE(contains(md, "nan"));
  const std::string html = render_html(r, "empty");
  CHECK(contains(html, "No examples."));
  CHECK_FALSE(contains(html, "nan"));
  auto back = report_from_json(report_to_json(r));
  REQUIRE(back);
  CHECK(back->examples == 0);
}

TEST_CASE("core/eval: rendering helpers") {
  CHECK(format_fixed(0.75) == "0.7500");
  CHECK(format_fixed(2.0 / 3) == "0.6667");
  CHECK(format_fixed(1234.56, 1) == "1234.6");
  CHECK(format_fixed(0, 0) == "0");
  CHECK(format_fixed(std::nan("")) == "nan");
  CHECK(html_escape(R"(<a href="x">'&'</a>)") ==
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  CHECK(markdown_escape("a|b\\c\n<d>") == "a\\|b\\\\c &lt;d&gt;");
  CHECK(heat_colour(0, 5, true) == "#ffffff");
  CHECK(heat_colour(0, 0, false) == "#ffffff");
  CHECK(heat_colour(3, 3, true) == "#63be7b");
  CHECK(heat_colour(3, 3, false) == "#f8696b");
  CHECK(heat_colour(1, 2, false) == "#fcb4b5");  // halfway: 251.5, 180, 181 rounded
}

TEST_CASE("core/eval: top confusions by count, then labels") {
  const std::map<std::string, std::map<std::string, int>> confusion = {
      {"a", {{"a", 9}, {"b", 1}, {"c", 3}}},
      {"b", {{"a", 3}, {"b", 0}}},
      {"c", {{"a", 0}, {"b", 2}}}};
  const auto cells = top_confusions(confusion, 3);
  REQUIRE(cells.size() == 3);
  CHECK((cells[0].expected == "a" && cells[0].predicted == "c" && cells[0].count == 3));
  CHECK((cells[1].expected == "b" && cells[1].predicted == "a" && cells[1].count == 3));
  CHECK((cells[2].expected == "c" && cells[2].predicted == "b" && cells[2].count == 2));
  CHECK(top_confusions(confusion, 10).size() == 4);  // diagonal and zero cells left out
}
