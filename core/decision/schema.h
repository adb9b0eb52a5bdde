#pragma once
// Strict JSON schemas of mw_decision_v1 / mw_tier2_verifier_v1 (for `response_format`) and the
// validators that turn model output into typed values. Anything that is not exactly the schema —
// invalid JSON, a missing or extra field, an unknown enum value, a number out of range, a list too
// long — is an error with ErrorKind::permanent and code "schema_invalid" (the caller fails closed).
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "core/common/error.h"
#include "core/decision/vocabulary.h"
#include "core/ports/classifier.h"

namespace rpmw::core::decision {

// JSON Schema objects (draft 2020-12 subset accepted by OpenAI strict mode: every property
// required, additionalProperties false, nullable template_id as ["string","null"] + enum).
boost::json::object decision_json_schema(const Vocabulary& vocabulary);
boost::json::object verifier_json_schema();

// Parses and validates one model answer. `error().code` is "schema_invalid"; the reason (a
// machine code such as "unknown_intent", "extra_field:foo", "out_of_range:routing.confidence")
// goes into `detail` when the caller passes one, never customer text.
Result<ClassifierDecision> parse_decision(std::string_view json_text, const Vocabulary& vocabulary,
                                          std::string* detail = nullptr);
Result<VerifierResult> parse_verifier(std::string_view json_text, std::string* detail = nullptr);

// The inverse, for records and the fake LLM server: a schema-shaped object of the decision.
boost::json::object to_json(const ClassifierDecision& decision);
boost::json::object to_json(const VerifierResult& result);

}  // namespace rpmw::core::decision
