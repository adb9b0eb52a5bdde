#pragma once
// Settings shared by the OpenAI-compatible classifier and verifier. Prompts are passed in (the app
// embeds policies/prompts/*.md); the key is a secret and is only ever put in one request header.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "core/decision/vocabulary.h"

namespace rpmw::adapters::llm {

// Told why a model answer was rejected as schema_invalid: a machine reason such as
// "unknown_intent:primary_intent", "refusal" or "finish_reason:length" (never model or customer
// text), for metrics and logs. Called on the thread that made the call.
using RejectionHook = std::function<void(std::string_view schema, std::string_view reason)>;

struct OpenAiSettings {
  std::string base_url;  // e.g. https://api.openai.com/v1 (POST {base_url}/chat/completions)
  std::string api_key;
  std::string model;
  std::chrono::milliseconds timeout{10000};         // per attempt, whole exchange
  std::chrono::milliseconds connect_timeout{3000};  // capped by `timeout`
  int attempts = 2;  // in total; only transient failures and 429 are retried
  std::chrono::milliseconds retry_pause{250};  // fixed pause between attempts (0 in tests)
  std::string ca_bundle_path;                  // empty: the system trust store

  std::string classifier_prompt;
  std::string classifier_prompt_version = "classifier_v1";
  std::string verifier_prompt;
  std::string verifier_prompt_version = "verifier_v1";

  core::decision::Vocabulary vocabulary;
  RejectionHook on_rejection;
};

}  // namespace rpmw::adapters::llm
