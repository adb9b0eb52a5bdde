#include "app/lambda/ingress_handler.h"

#include <chrono>

namespace rpmw::app::lambda {
namespace {

// The HTTP server's limit for every other path (app/server/routes.cpp).
constexpr std::size_t kOtherPathBodyLimit = std::size_t{64} * 1024;

ApiGatewayResponse json_answer(int status, std::string body) {
  ApiGatewayResponse response;
  response.status = status;
  response.headers.emplace_back("content-type", "application/json");
  response.body = std::move(body);
  return response;
}

ApiGatewayResponse from_ingress(const core::ingest::IngressResponse& result) {
  ApiGatewayResponse response = json_answer(result.status, result.body);
  if (result.retry_after_s) {
    response.headers.emplace_back("retry-after", std::to_string(*result.retry_after_s));
  }
  if (!result.trace_id.empty()) response.headers.emplace_back("x-trace-id", result.trace_id);
  return response;
}

}  // namespace

bool is_webhook_path(std::string_view path) {
  return path == "/webhooks/richpanel" || path == "/webhook";
}

ApiGatewayResponse IngressHandler::respond(const ApiGatewayRequest& request) {
  const bool webhook = is_webhook_path(request.path);
  const std::size_t limit =
      webhook ? ingress_.settings().limits.max_body_bytes : kOtherPathBodyLimit;
  // The server answers an oversized body before reading it, ahead of routing and auth.
  if (request.body.size() > limit) {
    if (webhook && request.method == "POST") {
      return from_ingress(ingress_.reject_too_large(request.source));
    }
    return json_answer(413, core::ingest::error_body("payload_too_large", "body too large"));
  }
  if (!webhook) return json_answer(404, core::ingest::error_body("not_found", ""));
  if (request.method != "POST") {
    ApiGatewayResponse response =
        json_answer(405, core::ingest::error_body("method_not_allowed", ""));
    response.headers.emplace_back("allow", "POST");
    return response;
  }
  const auto started = std::chrono::steady_clock::now();
  core::ingest::IngressRequest in = to_ingress_request(request);
  // A body that is not base64 despite isBase64Encoded is no JSON either: validated as empty (400
  // after authentication, so an unauthenticated caller still learns nothing).
  if (request.body_invalid) in.body = {};
  ApiGatewayResponse response = from_ingress(ingress_.handle(in));
  metrics_.observe(
      "rpmw_ingress_ack_seconds",
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return response;
}

core::Result<std::string> IngressHandler::handle(std::string_view event) {
  auto request = parse_api_gateway_v2(event);
  if (!request) return tl::unexpected(request.error());
  return serialize_api_gateway_response(respond(*request));
}

}  // namespace rpmw::app::lambda
