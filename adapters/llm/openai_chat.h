#pragma once
// One strict json_schema chat completion against an OpenAI-compatible endpoint, with the retry
// policy and error mapping shared by the classifier and the verifier. Thread-safe: each call
// borrows an idle HTTP client from a pool (one easy handle each), so connections are reused.
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "adapters/http/http_client.h"
#include "adapters/llm/openai_settings.h"
#include "core/common/error.h"
#include "core/ports/classifier.h"

namespace rpmw::adapters::llm {

inline constexpr std::string_view kBeginUntrusted = "<<<BEGIN_UNTRUSTED>>>";
inline constexpr std::string_view kEndUntrusted = "<<<END_UNTRUSTED>>>";

// The customer text between the untrusted delimiters. Runs of "<<<" / ">>>" inside the text are
// spaced out so the text cannot close the block early; any other text is sent exactly as given.
std::string wrap_untrusted(std::string_view text);

struct ChatAnswer {
  std::string content;  // choices[0].message.content, not yet validated against the schema
  core::TokenUsage usage;
  std::string model;  // the model that answered (falls back to the configured one)
};

class OpenAiChat {
 public:
  explicit OpenAiChat(OpenAiSettings settings);
  ~OpenAiChat();
  OpenAiChat(const OpenAiChat&) = delete;
  OpenAiChat& operator=(const OpenAiChat&) = delete;

  const OpenAiSettings& settings() const { return settings_; }

  // Errors: 429 → rate_limited "llm_rate_limited" (retry_after from Retry-After seconds);
  // 5xx → transient "llm_5xx"; timeout → transient "llm_timeout"; other transport failures →
  // transient "llm_connect_failed" / "llm_http_error"; 401/403 → permanent "llm_auth"; other
  // statuses → permanent "llm_4xx"; a malformed envelope, a refusal or a finish_reason other than
  // "stop" → permanent "schema_invalid" (reason to on_rejection).
  core::Result<ChatAnswer> complete(std::string_view system_prompt, std::string user_content,
                                    std::string_view schema_name,
                                    const boost::json::object& schema);

 private:
  core::Result<ChatAnswer> attempt(const http::HttpRequest& request, std::string_view schema_name);
  core::Result<ChatAnswer> read_answer(const http::HttpResponse& response,
                                       std::string_view schema_name);

  const OpenAiSettings settings_;
  std::string url_;
  http::HttpClientPool clients_;
};

}  // namespace rpmw::adapters::llm
