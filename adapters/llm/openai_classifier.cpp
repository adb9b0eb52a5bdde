#include "adapters/llm/openai_classifier.h"

#include <utility>

#include "core/decision/schema.h"
#include "core/decision/vocabulary.h"

namespace rpmw::adapters::llm {
namespace json = boost::json;

std::string classifier_user_message(const core::ClassifierInput& input) {
  json::array tags;
  for (const auto& tag : input.ticket_tags) tags.emplace_back(tag);
  const json::object message{
      {"channel", input.channel},
      {"language", input.language},
      {"attachment_only", input.attachment_only},
      {"has_order_number", input.has_order_number},
      {"word_count", input.word_count},
      {"ticket_tags", std::move(tags)},
      {"customer_message_untrusted", wrap_untrusted(input.redacted_text)},
  };
  return json::serialize(message);
}

OpenAiClassifier::OpenAiClassifier(OpenAiSettings settings)
    : chat_(std::move(settings)),
      schema_(core::decision::decision_json_schema(chat_.settings().vocabulary)) {}

core::Result<core::ClassifierDecision> OpenAiClassifier::classify(
    const core::ClassifierInput& input) {
  const auto& settings = chat_.settings();
  const std::string_view schema_name = core::decision::kDecisionSchemaVersion;
  auto answer = chat_.complete(settings.classifier_prompt, classifier_user_message(input),
                               schema_name, schema_);
  if (!answer) return tl::unexpected(answer.error());

  std::string reason;
  auto decision = core::decision::parse_decision(answer->content, settings.vocabulary, &reason);
  if (!decision) {
    if (settings.on_rejection) settings.on_rejection(schema_name, reason);
    return decision;
  }
  decision->model = std::move(answer->model);
  decision->prompt_version = settings.classifier_prompt_version;
  decision->usage = answer->usage;
  return decision;
}

}  // namespace rpmw::adapters::llm
