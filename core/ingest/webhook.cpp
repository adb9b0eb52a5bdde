#include "core/ingest/webhook.h"

#include <boost/json.hpp>

#include "core/common/crypto.h"

namespace rpmw::core::ingest {
namespace json = boost::json;

namespace {

// Reads an optional string-ish field: strings as they are, numbers in their JSON spelling.
std::string optional_text(const json::object& obj, std::string_view key) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return {};
}

const json::value* first_present(const json::object& obj, std::string_view a, std::string_view b) {
  if (const json::value* v = obj.if_contains(a); v != nullptr && !v->is_null()) return v;
  return obj.if_contains(b);
}

std::string first_text(const json::object& obj, std::string_view a, std::string_view b) {
  std::string value = optional_text(obj, a);
  return value.empty() ? optional_text(obj, b) : value;
}

}  // namespace

tl::expected<WebhookEvent, WebhookError> parse_webhook(std::string_view body,
                                                       const WebhookLimits& limits) {
  json::parse_options options;
  options.max_depth = static_cast<std::size_t>(limits.max_depth);
  std::error_code ec;
  // The parsed tree only lives in this call: carve it from the stack instead of the heap.
  unsigned char scratch[4096];
  json::monotonic_resource arena(scratch, sizeof scratch);
  json::value root = json::parse(body, ec, &arena, options);
  if (ec) {
    if (ec == json::error::too_deep) {
      return tl::unexpected(WebhookError{"too_deep", "JSON nesting exceeds the limit"});
    }
    return tl::unexpected(WebhookError{"invalid_json", "body is not valid JSON"});
  }
  if (!root.is_object()) {
    return tl::unexpected(WebhookError{"not_an_object", "body must be a JSON object"});
  }
  const json::object& obj = root.get_object();
  const json::value* id = first_present(obj, "ticket_id", "conversation_id");
  if (id == nullptr || id->is_null()) {
    return tl::unexpected(WebhookError{"missing_ticket_id", "ticket_id is required"});
  }
  if (!id->is_string() || id->get_string().empty() ||
      id->get_string().size() > limits.max_ticket_id_chars) {
    return tl::unexpected(WebhookError{
        "invalid_ticket_id", "ticket_id must be a non-empty string of at most 512 characters"});
  }
  WebhookEvent event;
  event.ticket_id = std::string(id->get_string());
  event.message_id = optional_text(obj, "message_id");
  event.event_type = first_text(obj, "event_type", "trigger");
  event.ticket_url = optional_text(obj, "ticket_url");
  event.ticket_number = optional_text(obj, "ticket_number");
  event.channel = optional_text(obj, "channel");
  event.customer_message = first_text(obj, "customer_message", "message");
  event.sent_at = optional_text(obj, "sent_at");
  return event;
}

std::string ingress_dedup_key(const WebhookEvent& event, std::string_view raw_body) {
  // Scoped to the ticket (message ids from other senders need not be globally unique), with a
  // length prefix so no (ticket, message) pair can collide with another.
  std::string material = std::to_string(event.ticket_id.size());
  material.push_back(':');
  material.append(event.ticket_id);
  if (!event.message_id.empty()) return "msg:" + sha256_hex(material + event.message_id);
  material.push_back('\n');
  material.append(raw_body);
  return "sha:" + sha256_hex(material);
}

std::string encode_envelope(const Envelope& envelope) {
  const WebhookEvent& w = envelope.webhook;
  unsigned char scratch[2048];
  json::monotonic_resource arena(scratch, sizeof scratch);
  json::object obj(&arena);
  obj["v"] = 1;
  obj["trace_id"] = envelope.trace_id;
  obj["received_at_ms"] = envelope.received_at_ms;
  obj["ticket_id"] = w.ticket_id;
  auto put = [&](std::string_view key, const std::string& value) {
    if (!value.empty()) obj[key] = value;
  };
  put("message_id", w.message_id);
  put("event_type", w.event_type);
  put("ticket_url", w.ticket_url);
  put("ticket_number", w.ticket_number);
  put("channel", w.channel);
  put("customer_message", w.customer_message);
  put("sent_at", w.sent_at);
  return json::serialize(obj);
}

Result<Envelope> decode_envelope(std::string_view text) {
  std::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec || !root.is_object()) return fail(ErrorKind::permanent, "envelope_invalid_json");
  const json::object& obj = root.get_object();
  Envelope envelope;
  envelope.trace_id = optional_text(obj, "trace_id");
  if (const json::value* at = obj.if_contains("received_at_ms"); at && at->is_int64()) {
    envelope.received_at_ms = at->get_int64();
  }
  WebhookEvent& w = envelope.webhook;
  w.ticket_id = optional_text(obj, "ticket_id");
  if (w.ticket_id.empty()) return fail(ErrorKind::permanent, "envelope_missing_ticket_id");
  w.message_id = optional_text(obj, "message_id");
  w.event_type = optional_text(obj, "event_type");
  w.ticket_url = optional_text(obj, "ticket_url");
  w.ticket_number = optional_text(obj, "ticket_number");
  w.channel = optional_text(obj, "channel");
  w.customer_message = optional_text(obj, "customer_message");
  w.sent_at = optional_text(obj, "sent_at");
  return envelope;
}

}  // namespace rpmw::core::ingest
