#include "adapters/llm/openai_chat.h"

#include <algorithm>
#include <charconv>
#include <thread>
#include <utility>

#include "adapters/http/retry_after.h"

namespace rpmw::adapters::llm {
namespace json = boost::json;
using core::ErrorKind;

namespace {

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

core::Error status_error(const http::HttpResponse& response) {
  const long status = response.status;
  if (status == 429) {
    return {ErrorKind::rate_limited, "llm_rate_limited",
            http::parse_retry_after(response.header("retry-after"))};
  }
  if (status >= 500) return {ErrorKind::transient, "llm_5xx", std::nullopt};
  if (status == 401 || status == 403) return {ErrorKind::permanent, "llm_auth", std::nullopt};
  return {ErrorKind::permanent, "llm_4xx", std::nullopt};
}

core::Error transport_error(const core::Error& error) {
  if (error.code == "timeout") return {ErrorKind::transient, "llm_timeout", std::nullopt};
  if (error.code == "connect_failed") {
    return {ErrorKind::transient, "llm_connect_failed", std::nullopt};
  }
  if (error.code == "http_error") return {ErrorKind::transient, "llm_http_error", std::nullopt};
  return {error.kind, "llm_" + error.code, std::nullopt};
}

std::int64_t token_count(const json::object& usage, std::string_view key) {
  const json::value* value = usage.if_contains(key);
  if (value == nullptr) return 0;
  if (const auto* n = value->if_int64()) return *n;
  if (const auto* n = value->if_uint64()) return static_cast<std::int64_t>(*n);
  return 0;
}

}  // namespace

std::string wrap_untrusted(std::string_view text) {
  std::string body(text);
  replace_all(body, "<<<", "< < <");
  replace_all(body, ">>>", "> > >");
  std::string out;
  out.reserve(kBeginUntrusted.size() + body.size() + kEndUntrusted.size());
  out.append(kBeginUntrusted).append(body).append(kEndUntrusted);
  return out;
}

OpenAiChat::OpenAiChat(OpenAiSettings settings)
    : settings_(std::move(settings)),
      clients_(http::vendor_client_options(settings_.base_url, settings_.ca_bundle_path)) {
  std::string_view base = settings_.base_url;
  while (base.ends_with('/')) base.remove_suffix(1);
  url_ = std::string(base) + "/chat/completions";
}

OpenAiChat::~OpenAiChat() = default;

core::Result<ChatAnswer> OpenAiChat::complete(std::string_view system_prompt,
                                              std::string user_content,
                                              std::string_view schema_name,
                                              const json::object& schema) {
  json::object body;
  body["model"] = settings_.model;
  body["temperature"] = 0;
  body["messages"] = json::array{
      json::object{{"role", "system"}, {"content", system_prompt}},
      json::object{{"role", "user"}, {"content", std::move(user_content)}},
  };
  body["response_format"] = {
      {"type", "json_schema"},
      {"json_schema", {{"name", schema_name}, {"strict", true}, {"schema", schema}}},
  };

  http::HttpRequest request;
  request.method = "POST";
  request.url = url_;
  request.headers = {{"Authorization", "Bearer " + settings_.api_key},
                     {"Content-Type", "application/json"},
                     {"Accept", "application/json"}};
  request.body = json::serialize(body);
  request.total_timeout = settings_.timeout;
  request.connect_timeout = std::min(settings_.connect_timeout, settings_.timeout);

  const int attempts = std::max(1, settings_.attempts);
  for (int n = 1;; ++n) {
    auto answer = attempt(request, schema_name);
    if (answer || n >= attempts) return answer;
    const ErrorKind kind = answer.error().kind;
    if (kind != ErrorKind::transient && kind != ErrorKind::rate_limited) return answer;
    if (settings_.retry_pause.count() > 0) std::this_thread::sleep_for(settings_.retry_pause);
  }
}

core::Result<ChatAnswer> OpenAiChat::attempt(const http::HttpRequest& request,
                                             std::string_view schema_name) {
  auto response = clients_.send(request);
  if (!response) return tl::unexpected(transport_error(response.error()));
  if (response->status < 200 || response->status >= 300) {
    return tl::unexpected(status_error(*response));
  }
  return read_answer(*response, schema_name);
}

core::Result<ChatAnswer> OpenAiChat::read_answer(const http::HttpResponse& response,
                                                 std::string_view schema_name) {
  const auto reject = [&](std::string_view reason) -> core::Result<ChatAnswer> {
    if (settings_.on_rejection) settings_.on_rejection(schema_name, reason);
    return core::fail(ErrorKind::permanent, "schema_invalid");
  };
  boost::system::error_code ec;
  const json::value envelope = json::parse(response.body, ec);
  if (ec || !envelope.is_object()) return reject("envelope_invalid_json");
  const json::object& top = envelope.get_object();

  const json::array* choices = nullptr;
  if (const auto* value = top.if_contains("choices")) choices = value->if_array();
  if (choices == nullptr || choices->empty() || !choices->front().is_object()) {
    return reject("envelope_no_choice");
  }
  const json::object& choice = choices->front().get_object();
  const json::object* message = nullptr;
  if (const auto* value = choice.if_contains("message")) message = value->if_object();
  if (message == nullptr) return reject("envelope_no_message");

  if (const auto* refusal = message->if_contains("refusal"); refusal && !refusal->is_null()) {
    return reject("refusal");
  }
  const json::value* finish = choice.if_contains("finish_reason");
  if (finish == nullptr || !finish->is_string()) return reject("finish_reason:missing");
  if (finish->get_string() != "stop") {
    const bool known = finish->get_string() == "length" ||
                       finish->get_string() == "content_filter" ||
                       finish->get_string() == "tool_calls";
    return reject(known ? "finish_reason:" + std::string(finish->get_string())
                        : std::string("finish_reason:other"));
  }
  const json::value* content = message->if_contains("content");
  if (content == nullptr || !content->is_string()) return reject("envelope_no_content");

  ChatAnswer answer;
  answer.content = std::string(content->get_string());
  if (const auto* usage = top.if_contains("usage"); usage && usage->is_object()) {
    answer.usage.prompt_tokens = token_count(usage->get_object(), "prompt_tokens");
    answer.usage.completion_tokens = token_count(usage->get_object(), "completion_tokens");
  }
  const json::value* model = top.if_contains("model");
  answer.model = model != nullptr && model->is_string() && !model->get_string().empty()
                     ? std::string(model->get_string())
                     : settings_.model;
  return answer;
}

}  // namespace rpmw::adapters::llm
