#pragma once
// The mw_tier2_verifier_v1 verifier over an OpenAI-compatible chat completions endpoint. An
// "allowed" answer only advises: the policy engine still requires the deterministic match.
#include <string>

#include <boost/json.hpp>

#include "adapters/llm/openai_chat.h"
#include "adapters/llm/openai_settings.h"
#include "core/ports/classifier.h"

namespace rpmw::adapters::llm {

class OpenAiVerifier final : public core::Verifier {
 public:
  explicit OpenAiVerifier(OpenAiSettings settings);

  // Errors as OpenAiChat::complete; an answer outside the schema is permanent "schema_invalid".
  core::Result<core::VerifierResult> verify(const core::VerifierInput& input) override;

 private:
  OpenAiChat chat_;
  boost::json::object schema_;
};

// The user message: the classification to check and the redacted text inside the untrusted
// delimiters, as one JSON object. Public for tests.
std::string verifier_user_message(const core::VerifierInput& input);

}  // namespace rpmw::adapters::llm
