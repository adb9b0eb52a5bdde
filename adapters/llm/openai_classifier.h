#pragma once
// The mw_decision_v1 classifier over an OpenAI-compatible chat completions endpoint. The answer is
// validated strictly (core/decision/schema.h) but not judged: a Tier 3 recommendation or an
// injected-looking decision is a valid decision here, and the policy engine overrules it.
#include <string>

#include <boost/json.hpp>

#include "adapters/llm/openai_chat.h"
#include "adapters/llm/openai_settings.h"
#include "core/ports/classifier.h"

namespace rpmw::adapters::llm {

class OpenAiClassifier final : public core::Classifier {
 public:
  explicit OpenAiClassifier(OpenAiSettings settings);

  // Errors as OpenAiChat::complete; an answer outside the schema is permanent "schema_invalid".
  core::Result<core::ClassifierDecision> classify(const core::ClassifierInput& input) override;

 private:
  OpenAiChat chat_;
  boost::json::object schema_;  // built once from the vocabulary
};

// The user message: the input's features and its redacted text inside the untrusted delimiters,
// as one JSON object. Public for tests.
std::string classifier_user_message(const core::ClassifierInput& input);

}  // namespace rpmw::adapters::llm
