#pragma once
// Validation of the Richpanel HTTP Target body and the queued envelope built from it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/error.h"

namespace rpmw::core::ingest {

struct WebhookLimits {
  std::size_t max_body_bytes = std::size_t{32} * 1024;
  int max_depth = 16;
  std::size_t max_ticket_id_chars = 512;
};

// The fields rpmw reads from a webhook; unknown fields are ignored.
struct WebhookEvent {
  std::string ticket_id;  // kept byte for byte (email ids are Message-IDs: <...@...>)
  std::string message_id;
  std::string event_type;  // event_type or trigger
  std::string ticket_url;
  std::string ticket_number;
  std::string channel;
  std::string customer_message;  // customer_message or message
  std::string sent_at;
};

struct WebhookError {
  std::string
      code;  // invalid_json | not_an_object | too_deep | missing_ticket_id | invalid_ticket_id
  std::string detail;  // fixed wording, never echoes the input
};

tl::expected<WebhookEvent, WebhookError> parse_webhook(std::string_view body,
                                                       const WebhookLimits& limits);

// message_id when present, else a hash of (ticket_id, body).
std::string ingress_dedup_key(const WebhookEvent& event, std::string_view raw_body);

// What the queue carries from ingress to the worker.
struct Envelope {
  WebhookEvent webhook;
  std::string trace_id;
  std::int64_t received_at_ms = 0;
};

std::string encode_envelope(const Envelope& envelope);
Result<Envelope> decode_envelope(std::string_view json);

}  // namespace rpmw::core::ingest
