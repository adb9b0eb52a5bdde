#include "adapters/llm/openai_verifier.h"

#include <utility>

#include "core/decision/schema.h"
#include "core/decision/vocabulary.h"

namespace rpmw::adapters::llm {
namespace json = boost::json;

std::string verifier_user_message(const core::VerifierInput& input) {
  json::array secondary;
  for (const auto& intent : input.secondary_intents) secondary.emplace_back(intent);
  const json::object message{
      {"channel", input.channel},
      {"primary_intent", input.primary_intent},
      {"secondary_intents", std::move(secondary)},
      {"deterministic_match", input.deterministic_match},
      {"has_tracking", input.has_tracking},
      {"customer_message_untrusted", wrap_untrusted(input.redacted_text)},
  };
  return json::serialize(message);
}

OpenAiVerifier::OpenAiVerifier(OpenAiSettings settings)
    : chat_(std::move(settings)), schema_(core::decision::verifier_json_schema()) {}

core::Result<core::VerifierResult> OpenAiVerifier::verify(const core::VerifierInput& input) {
  const auto& settings = chat_.settings();
  const std::string_view schema_name = core::decision::kVerifierSchemaVersion;
  auto answer =
      chat_.complete(settings.verifier_prompt, verifier_user_message(input), schema_name, schema_);
  if (!answer) return tl::unexpected(answer.error());

  std::string reason;
  auto result = core::decision::parse_verifier(answer->content, &reason);
  if (!result) {
    if (settings.on_rejection) settings.on_rejection(schema_name, reason);
    return result;
  }
  result->model = std::move(answer->model);
  result->prompt_version = settings.verifier_prompt_version;
  result->usage = answer->usage;
  return result;
}

}  // namespace rpmw::adapters::llm
