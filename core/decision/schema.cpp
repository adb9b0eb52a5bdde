#include "core/decision/schema.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <optional>

namespace rpmw::core::decision {
namespace json = boost::json;

namespace {

// ---- JSON Schema builders ----------------------------------------------------------------------

template <class Range>
json::array enum_values(const Range& values) {
  json::array out;
  out.reserve(std::size(values));
  for (const auto& value : values) out.emplace_back(json::string_view(value));
  return out;
}

template <class Range>
json::object string_enum(const Range& values) {
  return {{"type", "string"}, {"enum", enum_values(values)}};
}

json::object unit_number() {
  return {{"type", "number"}, {"minimum", 0}, {"maximum", 1}};
}

json::object array_of(json::object items, std::size_t max_items) {
  return {{"type", "array"}, {"items", std::move(items)}, {"maxItems", max_items}};
}

// Strict mode wants every property listed in `required` and no additional properties; building
// `required` from `properties` keeps the two from drifting apart.
json::object strict_object(json::object properties) {
  json::array required;
  for (const auto& property : properties) required.emplace_back(property.key());
  return {{"type", "object"},
          {"properties", std::move(properties)},
          {"required", std::move(required)},
          {"additionalProperties", false}};
}

// OpenAI strict mode rejects `maxLength`, so string lengths are stated in the description and
// enforced by the validator.
json::object bounded_string(std::size_t max_chars) {
  return {{"type", "string"},
          {"description", "At most " + std::to_string(max_chars) + " characters, no PII."}};
}

// ---- Validation ---------------------------------------------------------------------------------

// UTF-8 code points, the unit a model (and JSON Schema's maxLength) counts in.
std::size_t char_count(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

template <class Range>
bool contains(const Range& values, std::string_view value) {
  return std::find(std::begin(values), std::end(values), value) != std::end(values);
}

// Walks one answer; the first violation wins and is kept as a machine reason.
class Reader {
 public:
  const std::string& reason() const { return reason_; }

  bool fail(std::string_view what, std::string_view path) {
    reason_ = std::string(what) + ":" + std::string(path);
    return false;
  }

  // `value` is an object with exactly `keys`. Unknown key names come from the model, so only
  // identifier-like ones are echoed into the reason.
  const json::object* object(const json::value& value, std::string_view path,
                             std::initializer_list<std::string_view> keys) {
    const json::object* object = value.if_object();
    if (object == nullptr) {
      fail("wrong_type", path.empty() ? "$" : path);
      return nullptr;
    }
    for (const auto& field : *object) {
      if (!contains(keys, field.key())) {
        fail("extra_field", join(path, printable_key(field.key())));
        return nullptr;
      }
    }
    for (std::string_view key : keys) {
      if (!object->contains(key)) {
        fail("missing_field", join(path, key));
        return nullptr;
      }
    }
    return object;
  }

  bool string(const json::object& object, std::string_view path, std::string_view key,
              std::string& out) {
    const json::string* value = object.at(key).if_string();
    if (value == nullptr) return fail("wrong_type", join(path, key));
    out.assign(value->data(), value->size());
    return true;
  }

  bool boolean(const json::object& object, std::string_view path, std::string_view key, bool& out) {
    const bool* value = object.at(key).if_bool();
    if (value == nullptr) return fail("wrong_type", join(path, key));
    out = *value;
    return true;
  }

  // Integers are numbers too in JSON; booleans are not.
  bool unit_interval(const json::object& object, std::string_view path, std::string_view key,
                     double& out) {
    const json::value& value = object.at(key);
    if (!value.is_number()) return fail("wrong_type", join(path, key));
    out = value.to_number<double>();
    if (!(out >= 0.0 && out <= 1.0)) return fail("out_of_range", join(path, key));
    return true;
  }

  bool bounded_text(const json::object& object, std::string_view path, std::string_view key,
                    std::size_t max_chars, std::string& out) {
    if (!string(object, path, key, out)) return false;
    if (char_count(out) > max_chars) return fail("too_long", join(path, key));
    return true;
  }

  template <class Range>
  bool one_of(const json::object& object, std::string_view path, std::string_view key,
              const Range& allowed, std::string_view unknown, std::string& out) {
    if (!string(object, path, key, out)) return false;
    if (!contains(allowed, out)) return fail(unknown, join(path, key));
    return true;
  }

  // A list of at most `max_items` strings, distinct when `distinct`.
  bool string_list(const json::object& object, std::string_view path, std::string_view key,
                   std::size_t max_items, bool distinct, std::vector<std::string>& out) {
    const std::string at = join(path, key);
    const json::array* array = object.at(key).if_array();
    if (array == nullptr) return fail("wrong_type", at);
    if (array->size() > max_items) return fail("too_many", at);
    out.clear();
    for (const auto& item : *array) {
      const json::string* text = item.if_string();
      if (text == nullptr) return fail("wrong_type", at);
      std::string value(text->data(), text->size());
      if (distinct && contains(out, value)) return fail("duplicate", at);
      out.push_back(std::move(value));
    }
    return true;
  }

  // A distinct list of at most `max_items` values from `allowed`.
  template <class Range>
  bool subset(const json::object& object, std::string_view path, std::string_view key,
              std::size_t max_items, const Range& allowed, std::string_view unknown,
              std::vector<std::string>& out) {
    if (!string_list(object, path, key, max_items, true, out)) return false;
    for (const auto& value : out) {
      if (!contains(allowed, value)) return fail(unknown, join(path, key));
    }
    return true;
  }

 private:
  static std::string join(std::string_view path, std::string_view key) {
    if (path.empty()) return std::string(key);
    return std::string(path) + "." + std::string(key);
  }

  static std::string_view printable_key(std::string_view key) {
    const bool identifier =
        !key.empty() && key.size() <= 40 && std::all_of(key.begin(), key.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_';
        });
    return identifier ? key : std::string_view("*");
  }

  std::string reason_;
};

std::optional<json::value> parse_json(std::string_view text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec) return std::nullopt;
  return value;
}

template <class T>
Result<T> reject(const std::string& reason, std::string* detail) {
  if (detail != nullptr) *detail = reason;
  return fail(ErrorKind::permanent, "schema_invalid");
}

bool read_decision(Reader& in, const json::value& root, const Vocabulary& vocabulary,
                   ClassifierDecision& out) {
  const json::object* top =
      in.object(root, "",
                {"schema_version", "language", "primary_intent", "secondary_intents", "routing",
                 "automation", "risk", "clarifying_questions", "notes_for_agent"});
  if (top == nullptr) return false;
  if (!in.string(*top, "", "schema_version", out.schema_version)) return false;
  if (out.schema_version != kDecisionSchemaVersion)
    return in.fail("wrong_version", "schema_version");
  if (!in.one_of(*top, "", "language", kLanguages, "unknown_value", out.language)) return false;
  if (!in.one_of(*top, "", "primary_intent", vocabulary.intents, "unknown_intent",
                 out.primary_intent)) {
    return false;
  }
  if (!in.subset(*top, "", "secondary_intents", kMaxSecondaryIntents, vocabulary.intents,
                 "unknown_intent", out.secondary_intents)) {
    return false;
  }
  if (contains(out.secondary_intents, out.primary_intent)) {
    return in.fail("same_as_primary", "secondary_intents");
  }

  const json::object* routing =
      in.object(top->at("routing"), "routing",
                {"destination_team", "confidence", "needs_manual_triage", "tags"});
  if (routing == nullptr) return false;
  auto& r = out.routing;
  if (!in.one_of(*routing, "routing", "destination_team", vocabulary.teams, "unknown_team",
                 r.destination_team) ||
      !in.unit_interval(*routing, "routing", "confidence", r.confidence) ||
      !in.boolean(*routing, "routing", "needs_manual_triage", r.needs_manual_triage) ||
      !in.string_list(*routing, "routing", "tags", kMaxRoutingTags, false, r.tags)) {
    return false;
  }

  const json::object* automation =
      in.object(top->at("automation"), "automation",
                {"tier", "action", "template_id", "confidence", "requires_deterministic_match"});
  if (automation == nullptr) return false;
  auto& a = out.automation;
  if (!in.one_of(*automation, "automation", "tier", kTiers, "unknown_value", a.tier) ||
      !in.one_of(*automation, "automation", "action", kActions, "unknown_value", a.action)) {
    return false;
  }
  if (automation->at("template_id").is_null()) {
    a.template_id.reset();
  } else {
    std::string id;
    if (!in.one_of(*automation, "automation", "template_id", vocabulary.templates,
                   "unknown_template", id)) {
      return false;
    }
    a.template_id = std::move(id);
  }
  if (!in.unit_interval(*automation, "automation", "confidence", a.confidence) ||
      !in.boolean(*automation, "automation", "requires_deterministic_match",
                  a.requires_deterministic_match)) {
    return false;
  }

  const json::object* risk = in.object(top->at("risk"), "risk", {"flags", "force_human"});
  if (risk == nullptr) return false;
  if (!in.subset(*risk, "risk", "flags", kMaxRiskFlags, kRiskFlags, "unknown_value",
                 out.risk.flags) ||
      !in.boolean(*risk, "risk", "force_human", out.risk.force_human)) {
    return false;
  }

  return in.subset(*top, "", "clarifying_questions", kMaxClarifyingQuestions, kClarifyingQuestions,
                   "unknown_value", out.clarifying_questions) &&
         in.bounded_text(*top, "", "notes_for_agent", kMaxNotesForAgent, out.notes_for_agent);
}

bool read_verifier(Reader& in, const json::value& root, VerifierResult& out) {
  const json::object* top = in.object(
      root, "",
      {"schema_version", "allow_tier2", "confidence", "downgrade_to_tier", "reason_code", "notes"});
  if (top == nullptr) return false;
  if (!in.string(*top, "", "schema_version", out.schema_version)) return false;
  if (out.schema_version != kVerifierSchemaVersion)
    return in.fail("wrong_version", "schema_version");
  return in.boolean(*top, "", "allow_tier2", out.allow_tier2) &&
         in.unit_interval(*top, "", "confidence", out.confidence) &&
         in.one_of(*top, "", "downgrade_to_tier", kDowngradeTiers, "unknown_value",
                   out.downgrade_to_tier) &&
         in.one_of(*top, "", "reason_code", kVerifierReasons, "unknown_value", out.reason_code) &&
         in.bounded_text(*top, "", "notes", kMaxVerifierNotes, out.notes);
}

json::array to_array(const std::vector<std::string>& values) {
  return enum_values(values);
}

}  // namespace

json::object decision_json_schema(const Vocabulary& vocabulary) {
  json::array template_ids = enum_values(vocabulary.templates);
  template_ids.emplace_back(nullptr);

  json::object routing;
  routing["destination_team"] = string_enum(vocabulary.teams);
  routing["confidence"] = unit_number();
  routing["needs_manual_triage"] = {{"type", "boolean"}};
  routing["tags"] = array_of({{"type", "string"}}, kMaxRoutingTags);

  json::object automation;
  automation["tier"] = string_enum(kTiers);
  automation["action"] = string_enum(kActions);
  automation["template_id"] = {{"type", json::array{"string", "null"}},
                               {"enum", std::move(template_ids)}};
  automation["confidence"] = unit_number();
  automation["requires_deterministic_match"] = {{"type", "boolean"}};

  json::object risk;
  risk["flags"] = array_of(string_enum(kRiskFlags), kMaxRiskFlags);
  risk["force_human"] = {{"type", "boolean"}};

  json::object properties;
  properties["schema_version"] = string_enum(std::array{kDecisionSchemaVersion});
  properties["language"] = string_enum(kLanguages);
  properties["primary_intent"] = string_enum(vocabulary.intents);
  properties["secondary_intents"] = array_of(string_enum(vocabulary.intents), kMaxSecondaryIntents);
  properties["routing"] = strict_object(std::move(routing));
  properties["automation"] = strict_object(std::move(automation));
  properties["risk"] = strict_object(std::move(risk));
  properties["clarifying_questions"] =
      array_of(string_enum(kClarifyingQuestions), kMaxClarifyingQuestions);
  properties["notes_for_agent"] = bounded_string(kMaxNotesForAgent);
  return strict_object(std::move(properties));
}

json::object verifier_json_schema() {
  json::object properties;
  properties["schema_version"] = string_enum(std::array{kVerifierSchemaVersion});
  properties["allow_tier2"] = {{"type", "boolean"}};
  properties["confidence"] = unit_number();
  properties["downgrade_to_tier"] = string_enum(kDowngradeTiers);
  properties["reason_code"] = string_enum(kVerifierReasons);
  properties["notes"] = bounded_string(kMaxVerifierNotes);
  return strict_object(std::move(properties));
}

Result<ClassifierDecision> parse_decision(std::string_view json_text, const Vocabulary& vocabulary,
                                          std::string* detail) {
  const auto root = parse_json(json_text);
  if (!root) return reject<ClassifierDecision>("invalid_json", detail);
  Reader in;
  ClassifierDecision decision;
  if (!read_decision(in, *root, vocabulary, decision)) {
    return reject<ClassifierDecision>(in.reason(), detail);
  }
  // The schema carries one confidence per decision; the primary is the only scored candidate.
  decision.scores = {IntentScore{decision.primary_intent, decision.routing.confidence}};
  return decision;
}

Result<VerifierResult> parse_verifier(std::string_view json_text, std::string* detail) {
  const auto root = parse_json(json_text);
  if (!root) return reject<VerifierResult>("invalid_json", detail);
  Reader in;
  VerifierResult result;
  if (!read_verifier(in, *root, result)) return reject<VerifierResult>(in.reason(), detail);
  return result;
}

json::object to_json(const ClassifierDecision& decision) {
  const auto& a = decision.automation;
  return {
      {"schema_version", decision.schema_version},
      {"language", decision.language},
      {"primary_intent", decision.primary_intent},
      {"secondary_intents", to_array(decision.secondary_intents)},
      {"routing",
       {{"destination_team", decision.routing.destination_team},
        {"confidence", decision.routing.confidence},
        {"needs_manual_triage", decision.routing.needs_manual_triage},
        {"tags", to_array(decision.routing.tags)}}},
      {"automation",
       {{"tier", a.tier},
        {"action", a.action},
        {"template_id", a.template_id ? json::value(*a.template_id) : json::value(nullptr)},
        {"confidence", a.confidence},
        {"requires_deterministic_match", a.requires_deterministic_match}}},
      {"risk",
       {{"flags", to_array(decision.risk.flags)}, {"force_human", decision.risk.force_human}}},
      {"clarifying_questions", to_array(decision.clarifying_questions)},
      {"notes_for_agent", decision.notes_for_agent},
  };
}

json::object to_json(const VerifierResult& result) {
  return {
      {"schema_version", result.schema_version}, {"allow_tier2", result.allow_tier2},
      {"confidence", result.confidence},         {"downgrade_to_tier", result.downgrade_to_tier},
      {"reason_code", result.reason_code},       {"notes", result.notes},
  };
}

}  // namespace rpmw::core::decision
