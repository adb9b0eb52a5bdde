#include "app/lambda/runtime_api_client.h"

#include <boost/json.hpp>

#include <charconv>

namespace rpmw::app::lambda {
namespace {

adapters::http::HttpClientOptions options_for(const std::string& address) {
  adapters::http::HttpClientOptions options;
  // The egress allow-list admits the Runtime API host only; nothing else goes through this client.
  const std::string host = adapters::http::url_host("http://" + address + "/");
  if (!host.empty()) options.allowed_hosts.push_back(host);
  options.max_response_bytes = std::size_t{7} * 1024 * 1024;  // Lambda's payload limit is 6 MB
  return options;
}

}  // namespace

std::string runtime_error_body(const std::string& error_type, const std::string& message) {
  boost::json::object body;
  body["errorMessage"] = message;
  body["errorType"] = error_type;
  body["stackTrace"] = boost::json::array();
  return boost::json::serialize(body);
}

RuntimeApiClient::RuntimeApiClient(const std::string& address)
    : base_("http://" + address + "/2018-06-01"), client_(options_for(address)) {}

core::Result<Invocation> RuntimeApiClient::next() {
  adapters::http::HttpRequest request;
  request.url = base_ + "/runtime/invocation/next";
  request.total_timeout = std::chrono::milliseconds(0);  // curl: 0 is no timeout
  auto response = client_.send(request);
  if (!response) return tl::unexpected(response.error());
  if (response->status != 200) {
    return core::fail(core::ErrorKind::transient,
                      "runtime_next_status_" + std::to_string(response->status));
  }
  Invocation invocation;
  invocation.request_id = std::string(response->header("lambda-runtime-aws-request-id"));
  if (invocation.request_id.empty()) {
    return core::fail(core::ErrorKind::transient, "runtime_next_without_request_id");
  }
  const std::string_view deadline = response->header("lambda-runtime-deadline-ms");
  std::from_chars(deadline.data(), deadline.data() + deadline.size(), invocation.deadline_ms);
  invocation.trace_id = std::string(response->header("lambda-runtime-trace-id"));
  invocation.function_arn = std::string(response->header("lambda-runtime-invoked-function-arn"));
  invocation.payload = std::move(response->body);
  return invocation;
}

core::Status RuntimeApiClient::post(const std::string& path, const std::string& body,
                                    const std::string& error_type) {
  adapters::http::HttpRequest request;
  request.method = "POST";
  request.url = base_ + path;
  request.headers.emplace_back("Content-Type", "application/json");
  if (!error_type.empty()) {
    request.headers.emplace_back("Lambda-Runtime-Function-Error-Type", error_type);
  }
  request.body = body;
  auto response = client_.send(request);
  if (!response) return tl::unexpected(response.error());
  // 202 Accepted; 400/413 mean the request id or the payload was refused.
  if (response->status < 200 || response->status >= 300) {
    return core::fail(core::ErrorKind::permanent,
                      "runtime_post_status_" + std::to_string(response->status));
  }
  return {};
}

core::Status RuntimeApiClient::respond(const std::string& request_id, const std::string& body) {
  return post("/runtime/invocation/" + request_id + "/response", body, {});
}

core::Status RuntimeApiClient::fail(const std::string& request_id, const std::string& error_type,
                                    const std::string& message) {
  return post("/runtime/invocation/" + request_id + "/error",
              runtime_error_body(error_type, message), error_type);
}

core::Status RuntimeApiClient::init_error(const std::string& error_type,
                                          const std::string& message) {
  return post("/runtime/init/error", runtime_error_body(error_type, message), error_type);
}

}  // namespace rpmw::app::lambda
