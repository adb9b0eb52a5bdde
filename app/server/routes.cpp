#include "app/server/routes.h"

#include "core/ingest/ingress.h"

namespace rpmw::app {

HttpResponse json_response(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

namespace {
HttpResponse from_ingress(const core::ingest::IngressResponse& result) {
  HttpResponse response = json_response(result.status, result.body);
  if (result.retry_after_s) {
    response.headers.emplace_back("Retry-After", std::to_string(*result.retry_after_s));
  }
  if (!result.trace_id.empty()) response.headers.emplace_back("X-Trace-Id", result.trace_id);
  return response;
}

HttpResponse method_not_allowed(const char* allow) {
  HttpResponse response = json_response(405, core::ingest::error_body("method_not_allowed", ""));
  response.headers.emplace_back("Allow", allow);
  return response;
}
}  // namespace

bool ServiceRoutes::is_webhook_path(const std::string& path) {
  return path == "/webhooks/richpanel" || path == "/webhook";
}

std::size_t ServiceRoutes::body_limit(const HttpRequest& head) const {
  if (is_webhook_path(head.path)) return deps_.ingress.settings().limits.max_body_bytes;
  return std::size_t{64} * 1024;
}

std::optional<HttpResponse> ServiceRoutes::precheck(const HttpRequest& head,
                                                    std::optional<std::uint64_t> content_length) {
  if (content_length && *content_length > body_limit(head)) {
    if (is_webhook_path(head.path) && head.method == "POST") {
      return from_ingress(deps_.ingress.reject_too_large(head.source));
    }
    return json_response(413, core::ingest::error_body("payload_too_large", "body too large"));
  }
  return std::nullopt;
}

HttpResponse ServiceRoutes::body_too_large(const HttpRequest& head) {
  if (is_webhook_path(head.path)) return from_ingress(deps_.ingress.reject_too_large(head.source));
  return json_response(413, core::ingest::error_body("payload_too_large", "body too large"));
}

HttpResponse ServiceRoutes::webhook(const HttpRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  core::ingest::IngressRequest in;
  in.source = request.source;
  in.headers = request.headers;
  in.query = request.query;
  in.body = request.body;
  HttpResponse response = from_ingress(deps_.ingress.handle(in));
  deps_.metrics.observe(
      "rpmw_ingress_ack_seconds",
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return response;
}

void ServiceRoutes::handle_async(HttpRequest& request, std::function<void(HttpResponse)> respond) {
  if (deps_.batcher == nullptr || !is_webhook_path(request.path) || request.method != "POST") {
    respond(handle(request));
    return;
  }
  const auto started = std::chrono::steady_clock::now();
  core::ingest::IngressRequest in;
  in.source = std::move(request.source);
  in.headers = std::move(request.headers);
  in.query = request.query;
  in.body = request.body;
  auto admitted = deps_.ingress.admit(in);
  if (auto* rejected = std::get_if<core::ingest::IngressResponse>(&admitted)) {
    respond(from_ingress(*rejected));
    return;
  }
  auto& webhook = std::get<core::ingest::AdmittedWebhook>(admitted);
  core::EnqueueRequest enqueue = std::move(webhook.enqueue);
  deps_.batcher->submit(
      std::move(enqueue), [this, webhook = std::move(webhook), started,
                           respond = std::move(respond)](core::Result<core::EnqueueResult> r) {
        respond(from_ingress(deps_.ingress.complete(webhook, r)));
        deps_.metrics.observe(
            "rpmw_ingress_ack_seconds",
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      });
}

HttpResponse ServiceRoutes::metrics() {
  if (auto stats = deps_.queue.stats()) {
    deps_.metrics.set_gauge("rpmw_queue_depth", static_cast<double>(stats->depth));
    deps_.metrics.set_gauge("rpmw_queue_in_flight", static_cast<double>(stats->in_flight));
    deps_.metrics.set_gauge("rpmw_queue_oldest_age_seconds", stats->oldest_age_seconds);
    deps_.metrics.set_gauge("rpmw_dlq_depth", static_cast<double>(stats->dlq_depth));
  }
  HttpResponse response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = deps_.render_metrics();
  return response;
}

HttpResponse ServiceRoutes::handle(const HttpRequest& request) {
  if (is_webhook_path(request.path)) {
    if (request.method != "POST") return method_not_allowed("POST");
    return webhook(request);
  }
  if (request.path == "/healthz" || request.path == "/readyz" || request.path == "/metrics") {
    if (request.method != "GET" && request.method != "HEAD") return method_not_allowed("GET");
    if (request.path == "/healthz") return json_response(200, R"({"status":"ok"})");
    if (request.path == "/metrics") return metrics();
    if (deps_.ready()) return json_response(200, R"({"status":"ready"})");
    return json_response(
        503, core::ingest::error_body("not_ready", "the queue or the state store is unreachable"));
  }
  if (AdminRoutes::is_admin_path(request.path) && deps_.admin != nullptr) {
    return deps_.admin->handle(request);
  }
  return json_response(404, core::ingest::error_body("not_found", ""));
}

}  // namespace rpmw::app
