#pragma once
// An OpenAI-compatible chat completions server on 127.0.0.1 for tests: answers
// POST /v1/chat/completions on its own thread with a configured mw_decision_v1 or
// mw_tier2_verifier_v1 object (told apart by response_format.json_schema.name), or misbehaves in
// the chosen mode. Every request is logged for assertions. Thread-safe; the mode can change at
// any time.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "core/ports/classifier.h"

namespace rpmw::fakes {

enum class FakeLlmMode {
  valid,                    // the configured decision / verifier result
  invalid_json,             // content that is not JSON
  unknown_intent,           // an intent (verifier: reason code) outside the vocabulary
  extra_field,              // one property the schema does not have
  out_of_range_confidence,  // a confidence above 1
  tier3,                    // schema-valid, recommending TIER_3_AUTO_ACTION (verifier: as `valid`)
  timeout,                  // holds the answer for `hold` (or until stop)
  status_429,               // with Retry-After when set_retry_after was given a value
  status_500,
  status_401,
  status_400,
  refusal,    // message.refusal set, content null
  truncated,  // finish_reason "length", content cut short
  injected,   // schema-valid and obeying a prompt injection (verifier: allows Tier 2)
};

std::string_view to_string(FakeLlmMode mode);
std::optional<FakeLlmMode> parse_fake_llm_mode(std::string_view name);

struct FakeLlmRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  boost::json::value json;  // the parsed body; null when it is not JSON

  std::string header(const std::string& lower_name) const;
  // response_format.json_schema.name, empty when absent.
  std::string schema_name() const;
  // The content of the message with `role`, empty when absent.
  std::string message(std::string_view role) const;
};

class FakeLlmServer {
 public:
  static constexpr std::int64_t kPromptTokens = 321;
  static constexpr std::int64_t kCompletionTokens = 54;
  static constexpr std::string_view kModel = "fake-gpt";  // answers when the request names none

  explicit FakeLlmServer(std::uint16_t port = 0);  // throws when it cannot listen
  ~FakeLlmServer();
  FakeLlmServer(const FakeLlmServer&) = delete;
  FakeLlmServer& operator=(const FakeLlmServer&) = delete;

  std::uint16_t port() const;
  std::string base_url() const;  // http://127.0.0.1:<port>/v1
  // Stops serving; answers being held are dropped. Idempotent.
  void stop();

  void set_mode(FakeLlmMode mode);
  // One-shot modes for the next completion requests, in order, before the standing mode.
  void queue_mode(FakeLlmMode mode);
  void set_decision(core::ClassifierDecision decision);
  void set_verifier_result(core::VerifierResult result);
  void set_hold(std::chrono::milliseconds hold);                 // default 30 s
  void set_retry_after(std::optional<std::string> retry_after);  // default none

  std::vector<FakeLlmRequest> requests() const;
  std::size_t request_count() const;
  void clear_requests();

  // The defaults answered in `valid` mode.
  static core::ClassifierDecision default_decision();
  static core::VerifierResult default_verifier_result();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rpmw::fakes
