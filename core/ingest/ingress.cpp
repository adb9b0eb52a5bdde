#include "core/ingest/ingress.h"

#include <boost/json.hpp>

#include "core/common/ids.h"

namespace rpmw::core::ingest {
namespace json = boost::json;

std::string_view IngressRequest::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out.push_back(' ');
    } else if (in[i] == '%' && i + 2 < in.size() && hex_value(in[i + 1]) >= 0 &&
               hex_value(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2])));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

bool is_json_content_type(std::string_view value) {
  const std::size_t semi = value.find(';');
  std::string_view media = value.substr(0, semi);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  while (!media.empty() && media.front() == ' ') media.remove_prefix(1);
  if (media.size() != 16) return false;
  constexpr std::string_view kJson = "application/json";
  for (std::size_t i = 0; i < media.size(); ++i) {
    char c = media[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kJson[i]) return false;
  }
  return true;
}
}  // namespace

std::string query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    const std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

std::string error_body(std::string_view code, std::string_view detail) {
  json::object obj;
  obj["error"] = code;
  if (!detail.empty()) obj["detail"] = detail;
  return json::serialize(obj);
}

Ingress::Ingress(IngressSettings settings, Authenticator authenticator, RateLimiter& limiter,
                 EventQueue& queue, const Clock& clock, Random& random, EventLog& log,
                 Metrics& metrics)
    : settings_(settings),
      authenticator_(std::move(authenticator)),
      limiter_(limiter),
      queue_(queue),
      clock_(clock),
      random_(random),
      log_(log),
      metrics_(metrics) {}

IngressResponse Ingress::finish(IngressResponse response) {
  metrics_.increment("rpmw_ingress_requests_total", {{"result", response.result}});
  return response;
}

IngressResponse Ingress::reject(const std::string& trace_id, int status, std::string_view code,
                                std::string_view detail,
                                std::optional<std::int64_t> retry_after_s) {
  IngressResponse response;
  response.status = status;
  response.body = error_body(code, detail);
  response.retry_after_s = retry_after_s;
  response.result = std::string(code);
  response.trace_id = trace_id;
  if (log_.enabled(LogLevel::warn)) {
    LogEvent event(LogLevel::warn, "ingress.request.rejected");
    event.trace(trace_id).result(code).num("http_status", std::int64_t{status});
    log_.write(event);
  }
  return finish(std::move(response));
}

IngressResponse Ingress::reject_too_large(const std::string& source) {
  (void)source;
  const std::string trace_id = make_trace_id(clock_.now(), random_);
  return reject(trace_id, 413, "payload_too_large",
                "body exceeds " + std::to_string(settings_.limits.max_body_bytes) + " bytes");
}

bool Ingress::over_depth() {
  if (settings_.max_queue_depth <= 0) return false;
  const TimePoint now = clock_.now();
  std::lock_guard lock(depth_mutex_);
  if (now - depth_checked_at_ >= settings_.depth_refresh) {
    if (auto stats = queue_.stats()) cached_depth_ = stats->depth;
    depth_checked_at_ = now;
  }
  return cached_depth_ >= settings_.max_queue_depth;
}

IngressResponse Ingress::handle(const IngressRequest& request) {
  auto admitted = admit(request);
  if (auto* rejected = std::get_if<IngressResponse>(&admitted)) return std::move(*rejected);
  const auto& webhook = std::get<AdmittedWebhook>(admitted);
  return complete(webhook, queue_.enqueue(webhook.enqueue));
}

std::variant<IngressResponse, AdmittedWebhook> Ingress::admit(const IngressRequest& request) {
  const TimePoint received_at = clock_.now();
  std::string trace_id = make_trace_id(received_at, random_);
  if (log_.enabled(LogLevel::debug)) {
    log_.write(LogEvent(LogLevel::debug, "ingress.request.received").trace(trace_id));
  }

  if (auto wait = limiter_.admit(request.source)) {
    const std::int64_t seconds = std::max<std::int64_t>(1, (wait->count() + 999) / 1000);
    return reject(trace_id, 429, "rate_limited", "too many requests; retry later", seconds);
  }

  AuthInputs auth;
  const AuthSettings& auth_settings = authenticator_.settings();
  if (auto v = request.header(auth_settings.token_header); !v.empty()) {
    auth.header_tokens.push_back(v);
  }
  if (auth_settings.token_header != "x-richpanel-webhook-token") {
    if (auto v = request.header("x-richpanel-webhook-token"); !v.empty()) {
      auth.header_tokens.push_back(v);
    }
  }
  std::string query_token;
  if (auth_settings.query_token_enabled) query_token = query_param(request.query, "token");
  auth.query_token = query_token;
  auth.timestamp = request.header("x-timestamp");
  auth.signature = request.header("x-signature");
  auth.raw_body = request.body;
  if (!authenticator_.authenticate(auth)) {
    metrics_.increment("rpmw_auth_failures_total");
    return reject(trace_id, 401, "unauthorized", "");
  }

  if (!is_json_content_type(request.header("content-type"))) {
    return reject(trace_id, 415, "unsupported_media_type", "Content-Type must be application/json");
  }
  if (request.body.size() > settings_.limits.max_body_bytes) {
    return reject(trace_id, 413, "payload_too_large",
                  "body exceeds " + std::to_string(settings_.limits.max_body_bytes) + " bytes");
  }
  auto webhook = parse_webhook(request.body, settings_.limits);
  if (!webhook) return reject(trace_id, 400, webhook.error().code, webhook.error().detail);

  if (over_depth()) {
    return reject(trace_id, 503, "queue_full", "the queue is over its configured depth",
                  settings_.backpressure_retry_after.count());
  }

  AdmittedWebhook admitted;
  admitted.enqueue.group = webhook->ticket_id;
  admitted.enqueue.dedup_key = ingress_dedup_key(*webhook, request.body);
  admitted.enqueue.trace_id = trace_id;
  admitted.ticket_id = webhook->ticket_id;
  Envelope envelope{std::move(*webhook), trace_id, to_epoch_ms(received_at)};
  admitted.enqueue.body = encode_envelope(envelope);
  admitted.trace_id = std::move(trace_id);
  return admitted;
}

IngressResponse Ingress::complete(const AdmittedWebhook& admitted,
                                  const Result<EnqueueResult>& enqueued) {
  const std::string& trace_id = admitted.trace_id;
  if (!enqueued) {
    LogEvent event(LogLevel::error, "ingress.enqueue.failed");
    event.trace(trace_id).ticket(admitted.ticket_id).result(enqueued.error().code);
    log_.write(event);
    return reject(trace_id, 503, "enqueue_failed", "the event could not be stored; retry later",
                  settings_.backpressure_retry_after.count());
  }

  IngressResponse response;
  response.trace_id = trace_id;
  response.event_id = enqueued->event_id;
  unsigned char scratch[512];
  json::monotonic_resource arena(scratch, sizeof scratch);
  json::object body(&arena);
  if (enqueued->duplicate) {
    response.status = 200;
    response.result = "duplicate";
    body["status"] = "duplicate";
    body["event_id"] = enqueued->event_id;
    LogEvent event(LogLevel::info, "system.idempotency.duplicate_event_detected");
    event.trace(trace_id)
        .ticket(admitted.ticket_id)
        .id("event_id", enqueued->event_id)
        .step("ingress");
    log_.write(event);
  } else {
    response.status = 202;
    response.result = "accepted";
    body["status"] = "accepted";
    body["event_id"] = enqueued->event_id;
    body["trace_id"] = trace_id;
    if (log_.enabled(LogLevel::info)) {
      LogEvent event(LogLevel::info, "ingress.enqueue.success");
      event.trace(trace_id).ticket(admitted.ticket_id).id("event_id", enqueued->event_id);
      log_.write(event);
    }
  }
  response.body = json::serialize(body);
  return finish(std::move(response));
}

}  // namespace rpmw::core::ingest
