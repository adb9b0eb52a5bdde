// `rpmw replay` and `rpmw eval` as a user runs them: real processes, real files.
#include <doctest/doctest.h>

#include <fstream>

#include "tests/integration/helpers.h"

namespace rpmw::itest {
namespace {

std::string data_file(const std::string& name) {
  return std::string(RPMW_SOURCE_DIR) + "/tests/data/" + name;
}

std::map<std::string, json::object> by_id(const std::string& jsonl) {
  std::map<std::string, json::object> out;
  std::istringstream in(jsonl);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    json::object o = parse_object(line);
    out[std::string(o.at("example_id").as_string())] = o;
  }
  return out;
}

}  // namespace

TEST_CASE("offline: replay runs recorded events through the pipeline and diffs two runs") {
  TempDir dir("rpmw-offline");
  const std::string input = data_file("replay_sample.jsonl");
  const std::string baseline = (dir / "baseline.jsonl").string();

  // Live flags as proposed for the rollout: automation on.
  Run live =
      run_rpmw({"replay", input, "--json", "--flags", "automation_enabled=true"}, dir, "live");
  REQUIRE_MESSAGE(live.code == 0, live.err);
  auto records = by_id(live.out);
  REQUIRE(records.size() == 8);
  // Email ticket snapshot (Message-ID id, HTML body) + one linked order with tracking: Tier 2.
  CHECK(records["r-001"].at("primary_intent").as_string() == "order_status_tracking");
  CHECK(records["r-001"].at("tier").as_string() == "TIER_2_VERIFIED");
  CHECK(records["r-001"].at("template_id").as_string() == "t_order_status_verified");
  CHECK(records["r-001"].at("event_key").as_string() == "<CAF1x9Qp7=abc+x@mail.gmail.com>:c-101");
  // The same customer comment again: a duplicate, nothing decided twice.
  CHECK(records["r-002"].at("status").as_string() == "duplicate");
  // The newest comment is an operator's: skipped.
  CHECK(records["r-003"].at("action").as_string() == "skipped");
  CHECK(records["r-004"].at("primary_intent").as_string() == "fraud_suspected");
  CHECK(records["r-004"].at("action").as_string() == "route_only");
  // No linked order: the Tier 1 "ask for the order number" template.
  CHECK(records["r-005"].at("template_id").as_string() == "t_order_status_ask_order_number");
  CHECK(records["r-006"].at("destination_team").as_string() == "Technical Support Team");
  CHECK(records["r-007"].at("primary_intent").as_string() == "cancel_order");
  CHECK(records["r-007"].at("language").as_string() == "es");
  // A closed ticket is routed, never answered.
  CHECK(records["r-008"].at("action").as_string() == "route_only");

  // The default flags (automation off) as the baseline, written to a file.
  Run base = run_rpmw({"replay", input, "--out", baseline}, dir, "base");
  REQUIRE_MESSAGE(base.code == 0, base.err);
  CHECK(base.out.find("decisions written to") != std::string::npos);
  CHECK(read_lines(baseline).size() == 8);

  // What turning automation on changes, as text and as JSON.
  Run diff = run_rpmw(
      {"replay", input, "--baseline", baseline, "--flags", "automation_enabled=true"}, dir, "diff");
  REQUIRE_MESSAGE(diff.code == 0, diff.err);
  CHECK(diff.out.find("route_only") != std::string::npos);
  CHECK(diff.out.find("send_reply") != std::string::npos);
  CHECK(diff.out.find("r-001") != std::string::npos);
  Run diff_json = run_rpmw({"replay", input, "--baseline", baseline, "--json", "--out",
                            (dir / "current.jsonl").string(), "--flags", "automation_enabled=true"},
                           dir, "diff-json");
  REQUIRE_MESSAGE(diff_json.code == 0, diff_json.err);
  const json::object d = parse_object(diff_json.out);
  CHECK(d.at("compared").as_int64() == 8);
  CHECK(d.at("unchanged").as_int64() < 8);
}

TEST_CASE("offline: replay and eval reject bad input with a clear message and exit code") {
  TempDir dir("rpmw-offline");
  const std::string bad = (dir / "bad.jsonl").string();
  std::ofstream(bad) << "{\"text\":\"ok\",\"channel\":\"email\"}\nnot json\n";
  Run replay = run_rpmw({"replay", bad}, dir, "bad-replay");
  CHECK(replay.code == 2);
  CHECK(replay.err.find("bad.jsonl:2: invalid_json") != std::string::npos);
  Run missing = run_rpmw({"replay", (dir / "nope.jsonl").string()}, dir, "missing");
  CHECK(missing.code == 2);
  CHECK(missing.err.find("cannot read") != std::string::npos);
  Run eval = run_rpmw({"eval", bad}, dir, "bad-eval");
  CHECK(eval.code == 2);
  CHECK(eval.err.find("bad.jsonl:1: missing_field:example_id") != std::string::npos);
  Run flags =
      run_rpmw({"replay", data_file("replay_sample.jsonl"), "--flags", "nope=1"}, dir, "bad-flags");
  CHECK(flags.code == 2);
  CHECK(flags.err.find("--flags") != std::string::npos);
}

TEST_CASE("offline: eval passes the gates on the golden set and fails a bad one") {
  TempDir dir("rpmw-offline");
  const std::string md = (dir / "report.md").string();
  const std::string html = (dir / "report.html").string();
  Run ok =
      run_rpmw({"eval", data_file("golden_v1.jsonl"), "--json", "--report", md, "--html", html},
               dir, "eval");
  CHECK_MESSAGE(ok.code == 0, ok.out.substr(0, 2000));
  const json::object report = parse_object(ok.out);
  REQUIRE(report.contains("passed"));
  CHECK(report.at("passed").as_bool());
  CHECK(report.at("examples").as_int64() >= 400);
  CHECK(report.at("tier0_false_negatives").as_int64() == 0);
  CHECK(report.at("tier2_violations").as_int64() == 0);
  CHECK(read_file(md).find("macro") != std::string::npos);
  CHECK(read_file(html).find("<table") != std::string::npos);

  // A golden set whose labels are all wrong fails its gates: exit 1.
  const std::string wrong = (dir / "wrong.jsonl").string();
  std::ofstream(wrong)
      << R"({"example_id":"w1","text":"I will file a chargeback","channel":"email","primary_intent":"order_status_tracking","secondary_intents":[],"destination_team":"Email Support Team","automation_tier_max":2,"template_id":null,"deterministic_match_possible":"NO"})"
      << "\n";
  Run failed = run_rpmw({"eval", wrong}, dir, "eval-wrong");
  CHECK(failed.code == 1);
  CHECK(failed.out.find("FAIL") != std::string::npos);
}

}  // namespace rpmw::itest
