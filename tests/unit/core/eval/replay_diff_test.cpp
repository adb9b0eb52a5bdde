#include "core/eval/replay_diff.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace json = boost::json;
using rpmw::core::eval::diff_replays;
using rpmw::core::eval::FieldDiff;
using rpmw::core::eval::render_replay_diff_text;
using rpmw::core::eval::replay_diff_to_json;
using rpmw::core::eval::replay_record_id;
using rpmw::core::eval::ReplayDiff;
using rpmw::core::eval::ReplayDiffOptions;
using rpmw::core::eval::SetFieldDiff;
using rpmw::core::eval::Transition;

namespace {

json::object record(const std::string& id, const std::string& intent = "order_status_tracking",
                    const std::string& team = "care",
                    const std::string& tier = "TIER_1_SAFE_ASSIST") {
  return json::object{{"example_id", id},
                      {"primary_intent", intent},
                      {"secondary_intents", json::array{}},
                      {"destination_team", team},
                      {"tier", tier},
                      {"action", "route_only"},
                      {"template_id", nullptr},
                      {"reason_codes", json::array{"tier1_safe_assist"}},
                      {"tags", json::array{"mw-intent-order_status"}}};
}

const FieldDiff& field(const ReplayDiff& d, const std::string& name) {
  for (const FieldDiff& f : d.fields) {
    if (f.field == name) return f;
  }
  FAIL("no field " << name);
  static const FieldDiff none;
  return none;
}

const SetFieldDiff& set_field(const ReplayDiff& d, const std::string& name) {
  for (const SetFieldDiff& f : d.set_fields) {
    if (f.field == name) return f;
  }
  FAIL("no set field " << name);
  static const SetFieldDiff none;
  return none;
}

using Ids = std::vector<std::string>;

}  // namespace

TEST_CASE("core/eval: replay_record_id prefers example_id, else event_key") {
  CHECK(replay_record_id(json::object{{"example_id", "gs-1"}, {"event_key", "k"}}) == "gs-1");
  CHECK(replay_record_id(json::object{{"event_key", "k"}}) == "k");
  CHECK(replay_record_id(json::object{{"example_id", ""}, {"event_key", "k"}}) == "k");
  CHECK(replay_record_id(json::object{{"example_id", nullptr}, {"event_key", "k"}}) == "k");
  CHECK(replay_record_id(json::object{{"example_id", 42}}) == "42");
  CHECK_FALSE(replay_record_id(json::object{{"example_id", json::array{}}}).has_value());
  CHECK_FALSE(replay_record_id(json::object{{"primary_intent", "x"}}).has_value());
}

TEST_CASE("core/eval: identical runs diff to nothing") {
  const std::vector<json::object> run = {record("a"), record("b"), record("c")};
  const ReplayDiff d = diff_replays(run, run);
  CHECK(d.compared == 3);
  CHECK(d.unchanged == 3);
  CHECK(d.changed() == 0);
  CHECK(d.only_in_current.empty());
  CHECK(d.only_in_baseline.empty());
  REQUIRE(d.fields.size() == 5);
  for (const FieldDiff& f : d.fields) {
    CHECK(f.changed == 0);
    CHECK(f.transitions.empty());
  }
  REQUIRE(d.set_fields.size() == 2);
  CHECK(d.set_fields[0].field == "reason_codes");
  CHECK(d.set_fields[1].field == "tags");
}

TEST_CASE("core/eval: replay diff fields come in a fixed order") {
  const ReplayDiff d = diff_replays({}, {});
  Ids names;
  for (const FieldDiff& f : d.fields) names.push_back(f.field);
  CHECK(names == Ids{"primary_intent", "destination_team", "tier", "template_id", "action"});
}

TEST_CASE("core/eval: records match by id, not by position") {
  const std::vector<json::object> baseline = {record("a"), record("b"), record("gone")};
  const std::vector<json::object> current = {record("new-2"), record("b"), record("a"),
                                             record("new-1")};
  const ReplayDiff d = diff_replays(baseline, current);
  CHECK(d.compared == 2);
  CHECK(d.unchanged == 2);
  CHECK(d.only_in_current == Ids{"new-1", "new-2"});
  CHECK(d.only_in_baseline == Ids{"gone"});
}

TEST_CASE("core/eval: event_key matches records without an example_id") {
  json::object was = record("x");
  was.erase("example_id");
  was["event_key"] = "msg:abc";
  json::object now = was;
  now["tier"] = "TIER_0_ESCALATION";
  const ReplayDiff d = diff_replays({was}, {now});
  CHECK(d.compared == 1);
  REQUIRE(field(d, "tier").transitions.size() == 1);
  CHECK(field(d, "tier").transitions[0].example_ids == Ids{"msg:abc"});
}

TEST_CASE("core/eval: transitions are counted, sorted and capped at five examples") {
  std::vector<json::object> baseline;
  std::vector<json::object> current;
  // 7 × order_status_tracking → shipping_delay_not_shipped, 2 × cancel_order → refund_request,
  // 2 × cancel_order → edit_order (a tie: name order), 1 unchanged.
  for (int i = 0; i < 7; ++i) {
    const std::string id = "s" + std::to_string(i);
    baseline.push_back(record(id, "order_status_tracking"));
    current.push_back(record(id, "shipping_delay_not_shipped"));
  }
  for (const char* id : {"r2", "r1"}) {
    baseline.push_back(record(id, "cancel_order"));
    current.push_back(record(id, "refund_request"));
  }
  for (const char* id : {"e1", "e2"}) {
    baseline.push_back(record(id, "cancel_order"));
    current.push_back(record(id, "edit_order"));
  }
  baseline.push_back(record("same"));
  current.push_back(record("same"));

  const ReplayDiff d = diff_replays(baseline, current);
  CHECK(d.compared == 12);
  CHECK(d.unchanged == 1);
  CHECK(d.changed() == 11);
  const FieldDiff& intent = field(d, "primary_intent");
  CHECK(intent.changed == 11);
  REQUIRE(intent.transitions.size() == 3);
  const Transition& top = intent.transitions[0];
  CHECK(top.label() == "order_status_tracking → shipping_delay_not_shipped");
  CHECK(top.count == 7);
  CHECK(top.example_ids == Ids{"s0", "s1", "s2", "s3", "s4"});
  CHECK(intent.transitions[1].label() == "cancel_order → edit_order");
  CHECK(intent.transitions[1].example_ids == Ids{"e1", "e2"});
  CHECK(intent.transitions[2].label() == "cancel_order → refund_request");
  CHECK(intent.transitions[2].example_ids == Ids{"r1", "r2"});  // id order, not input order
  CHECK(field(d, "destination_team").transitions.empty());

  ReplayDiffOptions options;
  options.max_example_ids = 1;
  CHECK(diff_replays(baseline, current, options).fields[0].transitions[0].example_ids == Ids{"s0"});
}

TEST_CASE("core/eval: one record can change several fields") {
  json::object now = record("a", "cancel_order", "returns", "TIER_0_ESCALATION");
  now["action"] = "send_reply";
  now["template_id"] = "t_cancel_ack";
  const ReplayDiff d = diff_replays({record("a")}, {now});
  CHECK(d.compared == 1);
  CHECK(d.unchanged == 0);
  CHECK(field(d, "primary_intent").transitions[0].label() ==
        "order_status_tracking → cancel_order");
  CHECK(field(d, "destination_team").transitions[0].label() == "care → returns");
  CHECK(field(d, "tier").transitions[0].label() == "TIER_1_SAFE_ASSIST → TIER_0_ESCALATION");
  CHECK(field(d, "template_id").transitions[0].label() == "null → t_cancel_ack");
  CHECK(field(d, "action").transitions[0].label() == "route_only → send_reply");
}

TEST_CASE("core/eval: absent, null and non-string values are spelled apart") {
  json::object was = record("a");
  was.erase("template_id");
  json::object now = record("a");  // template_id: null
  now["tier"] = 2;
  const ReplayDiff d = diff_replays({was}, {now});
  CHECK(field(d, "template_id").transitions[0].label() == "(absent) → null");
  CHECK(field(d, "tier").transitions[0].label() == "TIER_1_SAFE_ASSIST → 2");
  // A number and the string of its digits are different values.
  json::object as_string = record("b");
  as_string["tier"] = "2";
  json::object as_number = record("b");
  as_number["tier"] = 2;
  CHECK(diff_replays({as_string}, {as_number}).unchanged == 0);
}

TEST_CASE("core/eval: reason codes and tags compare as sets") {
  json::object was = record("a");
  was["reason_codes"] = json::array{"tier1_safe_assist", "shadow_mode"};
  json::object reordered = was;
  reordered["reason_codes"] = json::array{"shadow_mode", "tier1_safe_assist", "shadow_mode"};
  CHECK(diff_replays({was}, {reordered}).unchanged == 1);

  json::object b_was = record("b");
  b_was["reason_codes"] = json::array{"tier1_safe_assist", "shadow_mode"};
  json::object now = was;
  now["reason_codes"] = json::array{"tier0_always_handoff"};
  now["tags"] = json::array{"mw-intent-order_status", "mw-tier0"};
  json::object b_now = b_was;
  b_now["reason_codes"] = json::array{"tier0_always_handoff", "tier1_safe_assist"};
  b_now.erase("tags");  // absent = empty

  const ReplayDiff d = diff_replays({was, b_was}, {now, b_now});
  CHECK(d.unchanged == 0);
  const SetFieldDiff& codes = set_field(d, "reason_codes");
  CHECK(codes.changed == 2);
  REQUIRE(codes.added.size() == 1);
  CHECK(codes.added[0].value == "tier0_always_handoff");
  CHECK(codes.added[0].count == 2);
  REQUIRE(codes.removed.size() == 2);
  CHECK(codes.removed[0].value == "shadow_mode");  // 2 records
  CHECK(codes.removed[0].count == 2);
  CHECK(codes.removed[1].value == "tier1_safe_assist");  // 1 record
  const SetFieldDiff& tags = set_field(d, "tags");
  CHECK(tags.changed == 2);
  REQUIRE(tags.added.size() == 1);
  CHECK(tags.added[0].value == "mw-tier0");
  REQUIRE(tags.removed.size() == 1);
  CHECK(tags.removed[0].value == "mw-intent-order_status");
  // No scalar field moved.
  for (const FieldDiff& f : d.fields) CHECK(f.transitions.empty());
}

TEST_CASE("core/eval: records without id and duplicate ids are reported") {
  json::object anonymous = record("x");
  anonymous.erase("example_id");
  json::object dup_second = record("a", "cancel_order");
  const ReplayDiff d =
      diff_replays({record("a"), anonymous, anonymous}, {record("a"), dup_second, anonymous});
  CHECK(d.baseline_without_id == 2);
  CHECK(d.current_without_id == 1);
  CHECK(d.duplicates_in_current == Ids{"a"});
  CHECK(d.duplicates_in_baseline.empty());
  CHECK(d.compared == 1);
  CHECK(d.unchanged == 1);  // the first "a" wins
}

TEST_CASE("core/eval: empty runs") {
  ReplayDiff d = diff_replays({}, {});
  CHECK(d.compared == 0);
  CHECK(d.unchanged == 0);
  CHECK(render_replay_diff_text(d).rfind("replay diff: 0 compared, 0 unchanged, 0 changed\n", 0) ==
        0);
  d = diff_replays({}, {record("a")});
  CHECK(d.only_in_current == Ids{"a"});
  CHECK(d.compared == 0);
}

TEST_CASE("core/eval: replay diff text is an aligned table") {
  std::vector<json::object> baseline;
  std::vector<json::object> current;
  for (int i = 0; i < 12; ++i) {
    const std::string id = "ex-" + std::to_string(10 + i);
    baseline.push_back(record(id, "order_status_tracking"));
    current.push_back(record(id, i < 6 ? "shipping_delay_not_shipped" : "order_status_tracking"));
  }
  baseline.push_back(record("z", "cancel_order"));
  current.push_back(record("z", "edit_order"));
  json::object tagged = record("y");
  tagged["tags"] = json::array{"mw-intent-order_status", "mw-new"};
  baseline.push_back(record("y"));
  current.push_back(tagged);
  baseline.push_back(record("old"));
  current.push_back(record("new"));

  const std::string text = render_replay_diff_text(diff_replays(baseline, current));
  const std::string expected =
      "replay diff: 14 compared, 6 unchanged, 8 changed\n"
      "only in current (1): new\n"
      "only in baseline (1): old\n"
      "\n"
      "primary_intent: 7 changed\n"
      "  TRANSITION                                          COUNT  EXAMPLES\n"
      "  order_status_tracking → shipping_delay_not_shipped      6  ex-10, ex-11, ex-12, ex-13, "
      "ex-14, …\n"
      "  cancel_order → edit_order                               1  z\n"
      "\n"
      "destination_team: no changes\n"
      "\n"
      "tier: no changes\n"
      "\n"
      "template_id: no changes\n"
      "\n"
      "action: no changes\n"
      "\n"
      "reason_codes: no changes\n"
      "\n"
      "tags: 1 records changed\n"
      "  + mw-new  1\n";
  CHECK(text == expected);
}

TEST_CASE("core/eval: replay diff text shortens long id lists") {
  std::vector<json::object> current;
  for (int i = 0; i < 13; ++i) current.push_back(record("n" + std::to_string(10 + i)));
  const std::string text = render_replay_diff_text(diff_replays({}, current));
  CHECK(text.find("only in current (13): n10, n11, n12, n13, n14, n15, n16, n17, n18, n19, … (+3 "
                  "more)\n") != std::string::npos);
}

TEST_CASE("core/eval: replay diff JSON") {
  json::object now = record("a", "cancel_order");
  now["reason_codes"] = json::array{"shadow_mode"};
  const json::object o =
      replay_diff_to_json(diff_replays({record("a"), record("b")}, {now, record("c")}));
  CHECK(o.at("compared").as_int64() == 1);
  CHECK(o.at("unchanged").as_int64() == 0);
  CHECK(o.at("changed").as_int64() == 1);
  CHECK(o.at("only_in_current").as_array() == json::array{"c"});
  CHECK(o.at("only_in_baseline").as_array() == json::array{"b"});
  CHECK(o.at("current_without_id").as_int64() == 0);
  CHECK(o.at("duplicates_in_baseline").as_array().empty());
  const json::object& fields = o.at("fields").as_object();
  CHECK(fields.size() == 5);
  CHECK(fields.begin()->key() == "primary_intent");
  const json::object& intent = fields.at("primary_intent").as_object();
  CHECK(intent.at("changed").as_int64() == 1);
  const json::value expected_transition = json::parse(
      R"({"from":"order_status_tracking","to":"cancel_order","count":1,"example_ids":["a"]})");
  CHECK(intent.at("transitions").as_array() == json::array{expected_transition});
  CHECK(fields.at("tier").at("transitions").as_array().empty());
  const json::object& codes = o.at("set_fields").at("reason_codes").as_object();
  CHECK(codes.at("changed").as_int64() == 1);
  CHECK(codes.at("added") == json::parse(R"([{"value":"shadow_mode","count":1}])"));
  CHECK(codes.at("removed") == json::parse(R"([{"value":"tier1_safe_assist","count":1}])"));
}
