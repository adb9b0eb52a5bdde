#include "core/decision/schema.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "tests/fakes/spec_vocabulary.h"

namespace json = boost::json;
using rpmw::core::ClassifierDecision;
using rpmw::core::ErrorKind;
using rpmw::core::VerifierResult;
using rpmw::core::decision::decision_json_schema;
using rpmw::core::decision::parse_decision;
using rpmw::core::decision::parse_verifier;
using rpmw::core::decision::to_json;
using rpmw::core::decision::verifier_json_schema;

namespace {

const rpmw::core::decision::Vocabulary& vocabulary() {
  static const auto v = rpmw::fakes::spec_vocabulary();
  return v;
}

ClassifierDecision full_decision() {
  ClassifierDecision d;
  d.language = "en";
  d.primary_intent = "order_status_tracking";
  d.secondary_intents = {"shipping_delay_not_shipped", "billing_issue"};
  d.routing.destination_team = "Email Support Team";
  d.routing.confidence = 0.87;
  d.routing.needs_manual_triage = false;
  d.routing.tags = {"mw-intent-order-status", "route-email-support-team"};
  d.automation.tier = "TIER_2_VERIFIED";
  d.automation.action = "SEND_TEMPLATE";
  d.automation.template_id = "t_order_eta_no_tracking_verified";
  d.automation.confidence = 0.81;
  d.automation.requires_deterministic_match = true;
  d.risk.flags = {"OTHER_HIGH_RISK"};
  d.risk.force_human = true;
  d.clarifying_questions = {"ASK_ORDER_NUMBER", "ASK_SHIPPING_ZIP"};
  d.notes_for_agent = "Customer asks for an ETA.";
  return d;
}

VerifierResult full_verifier() {
  VerifierResult v;
  v.allow_tier2 = true;
  v.confidence = 0.9;
  v.downgrade_to_tier = "ROUTE_ONLY";
  v.reason_code = "OK";
  v.notes = "Deterministic link, order status only.";
  return v;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    parts.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

json::object& parent_of(json::object& doc, const std::vector<std::string>& parts) {
  json::object* at = &doc;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) at = &at->at(parts[i]).as_object();
  return *at;
}

std::string with(json::object doc, const std::string& path, json::value value) {
  const auto parts = split_path(path);
  parent_of(doc, parts)[parts.back()] = std::move(value);
  return json::serialize(doc);
}

std::string without(json::object doc, const std::string& path) {
  const auto parts = split_path(path);
  parent_of(doc, parts).erase(parts.back());
  return json::serialize(doc);
}

// The reason a decision is rejected with; empty when it is accepted.
std::string decision_reason(const std::string& text) {
  std::string detail;
  const auto result = parse_decision(text, vocabulary(), &detail);
  if (result) return {};
  CHECK(result.error().kind == ErrorKind::permanent);
  CHECK(result.error().code == "schema_invalid");
  return detail;
}

std::string verifier_reason(const std::string& text) {
  std::string detail;
  const auto result = parse_verifier(text, &detail);
  if (result) return {};
  CHECK(result.error().kind == ErrorKind::permanent);
  CHECK(result.error().code == "schema_invalid");
  return detail;
}

json::array strings(std::size_t n, const std::string& stem) {
  json::array out;
  for (std::size_t i = 0; i < n; ++i) out.emplace_back(stem + std::to_string(i));
  return out;
}

std::string repeat(std::size_t n, const std::string& unit) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += unit;
  return out;
}

const std::vector<std::string> kDecisionFields = {"schema_version",
                                                  "language",
                                                  "primary_intent",
                                                  "secondary_intents",
                                                  "routing",
                                                  "routing.destination_team",
                                                  "routing.confidence",
                                                  "routing.needs_manual_triage",
                                                  "routing.tags",
                                                  "automation",
                                                  "automation.tier",
                                                  "automation.action",
                                                  "automation.template_id",
                                                  "automation.confidence",
                                                  "automation.requires_deterministic_match",
                                                  "risk",
                                                  "risk.flags",
                                                  "risk.force_human",
                                                  "clarifying_questions",
                                                  "notes_for_agent"};

const std::vector<std::string> kVerifierFields = {"schema_version",    "allow_tier2", "confidence",
                                                  "downgrade_to_tier", "reason_code", "notes"};

// Every object schema in `schema`, with its path, depth first.
void collect_objects(const json::object& schema, const std::string& path,
                     std::vector<std::pair<std::string, const json::object*>>& out) {
  if (schema.contains("properties")) {
    out.emplace_back(path, &schema);
    for (const auto& property : schema.at("properties").as_object()) {
      collect_objects(property.value().as_object(), path + "/" + std::string(property.key()), out);
    }
  }
  if (schema.contains("items")) collect_objects(schema.at("items").as_object(), path + "[]", out);
}

}  // namespace

TEST_CASE("core/decision: schema round-trips a full decision through to_json") {
  const ClassifierDecision in = full_decision();
  const auto parsed = parse_decision(json::serialize(to_json(in)), vocabulary());
  REQUIRE(parsed.has_value());
  CHECK(parsed->schema_version == "mw_decision_v1");
  CHECK(parsed->language == in.language);
  CHECK(parsed->primary_intent == in.primary_intent);
  CHECK(parsed->secondary_intents == in.secondary_intents);
  CHECK(parsed->routing.destination_team == in.routing.destination_team);
  CHECK(parsed->routing.confidence == doctest::Approx(in.routing.confidence));
  CHECK(parsed->routing.needs_manual_triage == in.routing.needs_manual_triage);
  CHECK(parsed->routing.tags == in.routing.tags);
  CHECK(parsed->automation.tier == in.automation.tier);
  CHECK(parsed->automation.action == in.automation.action);
  CHECK(parsed->automation.template_id == in.automation.template_id);
  CHECK(parsed->automation.confidence == doctest::Approx(in.automation.confidence));
  CHECK(parsed->automation.requires_deterministic_match ==
        in.automation.requires_deterministic_match);
  CHECK(parsed->risk.flags == in.risk.flags);
  CHECK(parsed->risk.force_human == in.risk.force_human);
  CHECK(parsed->clarifying_questions == in.clarifying_questions);
  CHECK(parsed->notes_for_agent == in.notes_for_agent);
  // Provenance is the adapter's to fill; the only known score is the primary's.
  CHECK(parsed->model.empty());
  CHECK(parsed->prompt_version.empty());
  REQUIRE(parsed->scores.size() == 1);
  CHECK(parsed->scores[0].intent == "order_status_tracking");
  CHECK(parsed->scores[0].confidence == doctest::Approx(0.87));
  // And back again: the same object.
  CHECK(to_json(*parsed) == to_json(in));
}

TEST_CASE("core/decision: schema round-trips a minimal decision with a null template") {
  ClassifierDecision in;
  in.primary_intent = "unknown_other";
  in.routing.destination_team = "Email Support Team";
  const json::object object = to_json(in);
  CHECK(object.at("automation").at("template_id").is_null());
  CHECK(object.at("secondary_intents").as_array().empty());
  const auto parsed = parse_decision(json::serialize(object), vocabulary());
  REQUIRE(parsed.has_value());
  CHECK_FALSE(parsed->automation.template_id.has_value());
  CHECK(parsed->language == "unknown");
  CHECK(to_json(*parsed) == object);
}

TEST_CASE("core/decision: schema round-trips a verifier result through to_json") {
  const VerifierResult in = full_verifier();
  const auto parsed = parse_verifier(json::serialize(to_json(in)));
  REQUIRE(parsed.has_value());
  CHECK(parsed->schema_version == "mw_tier2_verifier_v1");
  CHECK(parsed->allow_tier2);
  CHECK(parsed->confidence == doctest::Approx(0.9));
  CHECK(parsed->downgrade_to_tier == "ROUTE_ONLY");
  CHECK(parsed->reason_code == "OK");
  CHECK(parsed->notes == in.notes);
  CHECK(to_json(*parsed) == to_json(in));
}

TEST_CASE("core/decision: schema rejects text that is not one JSON object") {
  for (const std::string text : {"", "{", "not json", "{\"schema_version\":", "{} {}", "{}x"}) {
    CAPTURE(text);
    CHECK(decision_reason(text) == "invalid_json");
    CHECK(verifier_reason(text) == "invalid_json");
  }
  for (const std::string text : {"[]", "null", "\"mw_decision_v1\"", "1", "true"}) {
    CAPTURE(text);
    CHECK(decision_reason(text) == "wrong_type:$");
    CHECK(verifier_reason(text) == "wrong_type:$");
  }
  // The detail is optional.
  const auto result = parse_decision("{", vocabulary());
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == "schema_invalid");
}

TEST_CASE("core/decision: schema rejects each missing decision field") {
  const json::object doc = to_json(full_decision());
  for (const auto& path : kDecisionFields) {
    CAPTURE(path);
    CHECK(decision_reason(without(doc, path)) == "missing_field:" + path);
  }
}

TEST_CASE("core/decision: schema rejects an extra field at every level of a decision") {
  const json::object doc = to_json(full_decision());
  for (const std::string at : {"", "routing.", "automation.", "risk."}) {
    CAPTURE(at);
    CHECK(decision_reason(with(doc, at + "reasoning", "free text")) ==
          "extra_field:" + at + "reasoning");
    CHECK(decision_reason(with(doc, at + "extra", nullptr)) == "extra_field:" + at + "extra");
  }
  // A key name is model output: only identifier-like names are echoed.
  CHECK(decision_reason(with(doc, "jane@example", 1)) == "extra_field:*");
  CHECK(decision_reason(with(doc, "routing.a b", 1)) == "extra_field:routing.*");
  CHECK(decision_reason(with(doc, "scores", json::array{})) == "extra_field:scores");
  CHECK(decision_reason(with(doc, "model", "gpt")) == "extra_field:model");
}

TEST_CASE("core/decision: schema rejects wrong types in a decision") {
  const json::object doc = to_json(full_decision());
  const std::vector<std::pair<std::string, json::value>> cases = {
      {"schema_version", 1},
      {"schema_version", nullptr},
      {"language", true},
      {"primary_intent", nullptr},
      {"primary_intent", json::array{"order_status_tracking"}},
      {"secondary_intents", "billing_issue"},
      {"secondary_intents", nullptr},
      {"secondary_intents", json::array{1}},
      {"routing", "Email Support Team"},
      {"routing", json::array{}},
      {"routing.destination_team", 3},
      {"routing.confidence", "0.9"},
      {"routing.confidence", true},
      {"routing.confidence", nullptr},
      {"routing.needs_manual_triage", "false"},
      {"routing.needs_manual_triage", 0},
      {"routing.tags", "mw-intent-order-status"},
      {"routing.tags", json::array{"ok", 7}},
      {"routing.tags", json::array{nullptr}},
      {"automation", nullptr},
      {"automation.tier", 2},
      {"automation.action", json::object{}},
      {"automation.template_id", 5},
      {"automation.template_id", false},
      {"automation.template_id", json::array{"t_unknown_ack"}},
      {"automation.confidence", "high"},
      {"automation.requires_deterministic_match", 1},
      {"automation.requires_deterministic_match", nullptr},
      {"risk", true},
      {"risk.flags", json::object{}},
      {"risk.flags", json::array{false}},
      {"risk.force_human", "yes"},
      {"clarifying_questions", nullptr},
      {"clarifying_questions", json::array{json::array{}}},
      {"notes_for_agent", nullptr},
      {"notes_for_agent", 12},
  };
  for (const auto& [path, value] : cases) {
    CAPTURE(path);
    CAPTURE(json::serialize(value));
    CHECK(decision_reason(with(doc, path, value)) == "wrong_type:" + path);
  }
}

TEST_CASE("core/decision: schema rejects every value outside a decision enum") {
  const json::object doc = to_json(full_decision());
  const std::vector<std::tuple<std::string, json::value, std::string>> cases = {
      {"schema_version", "mw_decision_v2", "wrong_version:schema_version"},
      {"schema_version", "MW_DECISION_V1", "wrong_version:schema_version"},
      {"language", "fr", "unknown_value:language"},
      {"language", "EN", "unknown_value:language"},
      {"language", "", "unknown_value:language"},
      {"primary_intent", "teleport_request", "unknown_intent:primary_intent"},
      {"primary_intent", "Order_Status_Tracking", "unknown_intent:primary_intent"},
      {"secondary_intents", json::array{"teleport_request"}, "unknown_intent:secondary_intents"},
      {"routing.destination_team", "Night Shift", "unknown_team:routing.destination_team"},
      {"routing.destination_team", "email support team", "unknown_team:routing.destination_team"},
      {"automation.tier", "TIER_4_EVERYTHING", "unknown_value:automation.tier"},
      {"automation.tier", "tier_1_safe_assist", "unknown_value:automation.tier"},
      {"automation.action", "ISSUE_REFUND", "unknown_value:automation.action"},
      {"automation.template_id", "t_free_money", "unknown_template:automation.template_id"},
      {"automation.template_id", "", "unknown_template:automation.template_id"},
      {"risk.flags", json::array{"SPAM"}, "unknown_value:risk.flags"},
      {"clarifying_questions", json::array{"ASK_SSN"}, "unknown_value:clarifying_questions"},
  };
  for (const auto& [path, value, reason] : cases) {
    CAPTURE(path);
    CAPTURE(json::serialize(value));
    CHECK(decision_reason(with(doc, path, value)) == reason);
  }
  // Every fixed enum value and every vocabulary value is accepted.
  for (const auto& v : rpmw::core::decision::kLanguages) {
    CHECK(decision_reason(with(doc, "language", json::string(v))).empty());
  }
  for (const auto& v : rpmw::core::decision::kTiers) {
    CHECK(decision_reason(with(doc, "automation.tier", json::string(v))).empty());
  }
  for (const auto& v : rpmw::core::decision::kActions) {
    CHECK(decision_reason(with(doc, "automation.action", json::string(v))).empty());
  }
  for (const auto& v : rpmw::core::decision::kRiskFlags) {
    CHECK(decision_reason(with(doc, "risk.flags", json::array{json::string(v)})).empty());
  }
  for (const auto& v : rpmw::core::decision::kClarifyingQuestions) {
    CHECK(decision_reason(with(doc, "clarifying_questions", json::array{json::string(v)})).empty());
  }
  json::object alone = doc;  // no secondaries, so any intent may be the primary
  alone["secondary_intents"] = json::array{};
  for (const auto& v : vocabulary().intents) {
    CHECK(decision_reason(with(alone, "primary_intent", json::string(v))).empty());
  }
  for (const auto& v : vocabulary().teams) {
    CHECK(decision_reason(with(doc, "routing.destination_team", json::string(v))).empty());
  }
  for (const auto& v : vocabulary().templates) {
    CHECK(decision_reason(with(doc, "automation.template_id", json::string(v))).empty());
  }
  CHECK(decision_reason(with(doc, "automation.template_id", nullptr)).empty());
}

TEST_CASE("core/decision: schema bounds both decision confidences to [0, 1]") {
  const json::object doc = to_json(full_decision());
  for (const std::string path : {"routing.confidence", "automation.confidence"}) {
    CAPTURE(path);
    for (const json::value& ok : {json::value(0.0), json::value(1.0), json::value(0),
                                  json::value(1), json::value(0.5), json::value(-0.0)}) {
      CHECK(decision_reason(with(doc, path, ok)).empty());
    }
    for (const json::value& bad : {json::value(-0.0001), json::value(1.0001), json::value(-1),
                                   json::value(2), json::value(99), json::value(1e300)}) {
      CHECK(decision_reason(with(doc, path, bad)) == "out_of_range:" + path);
    }
  }
  // Beyond double range: a parse failure or out of range, never accepted.
  std::string huge = with(doc, "routing.confidence", "HUGE");
  huge.replace(huge.find("\"HUGE\""), 6, "1e400");
  CHECK_FALSE(decision_reason(huge).empty());
}

TEST_CASE("core/decision: schema enforces the secondary intent rules") {
  json::object doc = to_json(full_decision());
  CHECK(decision_reason(with(doc, "secondary_intents", json::array{})).empty());
  CHECK(decision_reason(with(doc, "secondary_intents", json::array{"billing_issue"})).empty());
  CHECK(decision_reason(with(doc, "secondary_intents",
                             json::array{"billing_issue", "refund_request", "cancel_order"})) ==
        "too_many:secondary_intents");
  CHECK(decision_reason(
            with(doc, "secondary_intents", json::array{"billing_issue", "billing_issue"})) ==
        "duplicate:secondary_intents");
  CHECK(decision_reason(with(doc, "secondary_intents", json::array{"order_status_tracking"})) ==
        "same_as_primary:secondary_intents");
}

TEST_CASE("core/decision: schema enforces the list limits of tags, risk flags and questions") {
  const json::object doc = to_json(full_decision());
  CHECK(decision_reason(with(doc, "routing.tags", json::array{})).empty());
  CHECK(decision_reason(with(doc, "routing.tags", strings(12, "mw-tag-"))).empty());
  CHECK(decision_reason(with(doc, "routing.tags", strings(13, "mw-tag-"))) ==
        "too_many:routing.tags");

  CHECK(decision_reason(with(doc, "risk.flags", json::array{})).empty());
  CHECK(decision_reason(with(doc, "risk.flags",
                             json::array{"CHARGEBACK_DISPUTE", "LEGAL_THREAT", "FRAUD_SUSPECTED"}))
            .empty());
  CHECK(decision_reason(with(doc, "risk.flags",
                             json::array{"CHARGEBACK_DISPUTE", "LEGAL_THREAT", "FRAUD_SUSPECTED",
                                         "HARASSMENT_THREATS"})) == "too_many:risk.flags");
  CHECK(decision_reason(with(doc, "risk.flags", json::array{"LEGAL_THREAT", "LEGAL_THREAT"})) ==
        "duplicate:risk.flags");

  CHECK(decision_reason(with(doc, "clarifying_questions", json::array{})).empty());
  CHECK(decision_reason(
            with(doc, "clarifying_questions",
                 json::array{"ASK_ORDER_NUMBER", "ASK_EMAIL_OR_PHONE", "ASK_PRODUCT_MODEL"}))
            .empty());
  CHECK(decision_reason(with(doc, "clarifying_questions",
                             json::array{"ASK_ORDER_NUMBER", "ASK_EMAIL_OR_PHONE",
                                         "ASK_PRODUCT_MODEL", "ASK_SHIPPING_ZIP"})) ==
        "too_many:clarifying_questions");
  CHECK(decision_reason(with(doc, "clarifying_questions",
                             json::array{"ASK_ORDER_NUMBER", "ASK_ORDER_NUMBER"})) ==
        "duplicate:clarifying_questions");
}

TEST_CASE("core/decision: schema limits notes_for_agent to 500 characters") {
  const json::object doc = to_json(full_decision());
  CHECK(decision_reason(with(doc, "notes_for_agent", "")).empty());
  CHECK(decision_reason(with(doc, "notes_for_agent", json::string(repeat(500, "a")))).empty());
  CHECK(decision_reason(with(doc, "notes_for_agent", json::string(repeat(501, "a")))) ==
        "too_long:notes_for_agent");
  // Characters, not bytes: 500 two-byte characters fit, 501 do not.
  CHECK(
      decision_reason(with(doc, "notes_for_agent", json::string(repeat(500, "\xc3\xa9")))).empty());
  CHECK(decision_reason(with(doc, "notes_for_agent", json::string(repeat(501, "\xc3\xa9")))) ==
        "too_long:notes_for_agent");
}

TEST_CASE("core/decision: schema rejects each missing or extra verifier field") {
  const json::object doc = to_json(full_verifier());
  for (const auto& path : kVerifierFields) {
    CAPTURE(path);
    CHECK(verifier_reason(without(doc, path)) == "missing_field:" + path);
  }
  CHECK(verifier_reason(with(doc, "reasoning", "because")) == "extra_field:reasoning");
  CHECK(verifier_reason(with(doc, "allow_tier3", true)) == "extra_field:allow_tier3");
  CHECK(verifier_reason(with(doc, "Jane Doe", true)) == "extra_field:*");
}

TEST_CASE("core/decision: schema rejects wrong types and enum values in a verifier result") {
  const json::object doc = to_json(full_verifier());
  const std::vector<std::tuple<std::string, json::value, std::string>> cases = {
      {"schema_version", 1, "wrong_type:schema_version"},
      {"schema_version", "mw_decision_v1", "wrong_version:schema_version"},
      {"allow_tier2", "true", "wrong_type:allow_tier2"},
      {"allow_tier2", 1, "wrong_type:allow_tier2"},
      {"allow_tier2", nullptr, "wrong_type:allow_tier2"},
      {"confidence", "0.9", "wrong_type:confidence"},
      {"confidence", false, "wrong_type:confidence"},
      {"downgrade_to_tier", nullptr, "wrong_type:downgrade_to_tier"},
      {"downgrade_to_tier", "TIER_2_VERIFIED", "unknown_value:downgrade_to_tier"},
      {"downgrade_to_tier", "TIER_3_AUTO_ACTION", "unknown_value:downgrade_to_tier"},
      {"reason_code", 0, "wrong_type:reason_code"},
      {"reason_code", "FINE", "unknown_value:reason_code"},
      {"reason_code", "ok", "unknown_value:reason_code"},
      {"notes", json::array{}, "wrong_type:notes"},
  };
  for (const auto& [path, value, reason] : cases) {
    CAPTURE(path);
    CAPTURE(json::serialize(value));
    CHECK(verifier_reason(with(doc, path, value)) == reason);
  }
  for (const auto& v : rpmw::core::decision::kDowngradeTiers) {
    CHECK(verifier_reason(with(doc, "downgrade_to_tier", json::string(v))).empty());
  }
  for (const auto& v : rpmw::core::decision::kVerifierReasons) {
    CHECK(verifier_reason(with(doc, "reason_code", json::string(v))).empty());
  }
}

TEST_CASE("core/decision: schema bounds the verifier confidence and notes") {
  const json::object doc = to_json(full_verifier());
  CHECK(verifier_reason(with(doc, "confidence", 0)).empty());
  CHECK(verifier_reason(with(doc, "confidence", 1)).empty());
  CHECK(verifier_reason(with(doc, "confidence", -0.01)) == "out_of_range:confidence");
  CHECK(verifier_reason(with(doc, "confidence", 1.01)) == "out_of_range:confidence");
  CHECK(verifier_reason(with(doc, "notes", json::string(repeat(300, "n")))).empty());
  CHECK(verifier_reason(with(doc, "notes", json::string(repeat(301, "n")))) == "too_long:notes");
}

TEST_CASE("core/decision: schema for response_format satisfies OpenAI strict mode") {
  for (const json::object& schema : {decision_json_schema(vocabulary()), verifier_json_schema()}) {
    std::vector<std::pair<std::string, const json::object*>> objects;
    collect_objects(schema, "", objects);
    REQUIRE_FALSE(objects.empty());
    for (const auto& [path, object] : objects) {
      CAPTURE(path);
      CHECK(object->at("type") == "object");
      CHECK(object->at("additionalProperties") == false);
      json::array keys;
      for (const auto& property : object->at("properties").as_object()) {
        keys.emplace_back(property.key());
      }
      CHECK(object->at("required") == keys);
    }
    // Strict mode refuses length keywords; the validator enforces them instead.
    CHECK(json::serialize(schema).find("maxLength") == std::string::npos);
  }
}

TEST_CASE("core/decision: schema for response_format closes every enum of the decision") {
  const json::object schema = decision_json_schema(vocabulary());
  const auto& p = schema.at("properties").as_object();
  const auto enum_of = [](const json::value& property) { return property.at("enum").as_array(); };
  CHECK(enum_of(p.at("schema_version")) == json::array{"mw_decision_v1"});
  CHECK(enum_of(p.at("language")) == json::array{"en", "es", "unknown"});
  CHECK(enum_of(p.at("primary_intent")).size() == 25);
  CHECK(enum_of(p.at("secondary_intents").at("items")).size() == 25);
  CHECK(p.at("secondary_intents").at("maxItems") == 2);
  const auto& routing = p.at("routing").at("properties");
  CHECK(enum_of(routing.at("destination_team")).size() == 11);
  CHECK(routing.at("confidence").at("minimum") == 0);
  CHECK(routing.at("confidence").at("maximum") == 1);
  CHECK(routing.at("needs_manual_triage").at("type") == "boolean");
  CHECK(routing.at("tags").at("maxItems") == 12);
  const auto& automation = p.at("automation").at("properties");
  CHECK(enum_of(automation.at("tier")).size() == 4);
  CHECK(enum_of(automation.at("action")) == json::array{"ROUTE_ONLY", "SEND_TEMPLATE", "ACK_ONLY"});
  const auto& template_id = automation.at("template_id");
  CHECK(template_id.at("type") == json::array{"string", "null"});
  const auto& ids = enum_of(template_id);
  CHECK(ids.size() == vocabulary().templates.size() + 1);
  CHECK(ids.back().is_null());
  CHECK(std::find(ids.begin(), ids.end(), json::value("t_order_eta_no_tracking_verified")) !=
        ids.end());
  CHECK(automation.at("confidence").at("maximum") == 1);
  const auto& risk = p.at("risk").at("properties");
  CHECK(enum_of(risk.at("flags").at("items")).size() == 5);
  CHECK(risk.at("flags").at("maxItems") == 3);
  CHECK(enum_of(p.at("clarifying_questions").at("items")).size() == 6);
  CHECK(p.at("clarifying_questions").at("maxItems") == 3);
  CHECK(p.at("notes_for_agent").at("type") == "string");
}

TEST_CASE("core/decision: schema for response_format closes every enum of the verifier") {
  const json::object schema = verifier_json_schema();
  const auto& p = schema.at("properties").as_object();
  CHECK(p.at("schema_version").at("enum") == json::array{"mw_tier2_verifier_v1"});
  CHECK(p.at("allow_tier2").at("type") == "boolean");
  CHECK(p.at("confidence").at("minimum") == 0);
  CHECK(p.at("confidence").at("maximum") == 1);
  CHECK(p.at("downgrade_to_tier").at("enum") ==
        json::array{"TIER_1_SAFE_ASSIST", "ROUTE_ONLY", "TIER_0_ESCALATION"});
  CHECK(p.at("reason_code").at("enum").as_array().size() == 6);
  CHECK(p.at("notes").at("type") == "string");
}
