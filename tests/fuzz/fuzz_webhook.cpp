// libFuzzer target: webhook body validation, the dedup key, the queued envelope round trip and
// the query-string reader, all on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/ingest/ingress.h"
#include "core/ingest/webhook.h"

namespace ingest = rpmw::core::ingest;

namespace {

// Property violations abort so libFuzzer records a crash with the reproducer.
void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_webhook: property violated: %s\n", what);
  std::abort();
}

bool known_error_code(const std::string& code) {
  return code == "invalid_json" || code == "not_an_object" || code == "too_deep" ||
         code == "missing_ticket_id" || code == "invalid_ticket_id";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  // The query reader sees raw bytes from the request line; it must never read out of bounds.
  const std::string token = ingest::query_param(input, "token");
  require(token.size() <= input.size(), "query_param grew the input");
  (void)ingest::query_param(input, "");

  const ingest::WebhookLimits limits;
  auto parsed = ingest::parse_webhook(input, limits);
  if (!parsed) {
    require(known_error_code(parsed.error().code), "unknown webhook error code");
    require(!parsed.error().detail.empty(), "webhook error without detail");
    return 0;
  }
  const ingest::WebhookEvent& event = *parsed;
  require(!event.ticket_id.empty(), "accepted an empty ticket_id");
  require(event.ticket_id.size() <= limits.max_ticket_id_chars, "accepted an oversized ticket_id");

  const std::string key = ingest::ingress_dedup_key(event, input);
  // A message id decides the key kind; the key must not depend on anything but the input.
  require(key.starts_with(event.message_id.empty() ? "sha:" : "msg:"),
          "dedup key of the wrong kind");
  require(key == ingest::ingress_dedup_key(event, input), "dedup key is not deterministic");

  const ingest::Envelope envelope{event, "trc_01HZZZZZZZZZZZZZZZZZZZZZZZ", 1700000000123};
  const std::string encoded = ingest::encode_envelope(envelope);
  auto decoded = ingest::decode_envelope(encoded);
  require(decoded.has_value(), "encoded envelope does not decode");
  const ingest::WebhookEvent& back = decoded->webhook;
  require(back.ticket_id == event.ticket_id, "ticket_id changed in the envelope round trip");
  require(back.message_id == event.message_id, "message_id changed in the envelope round trip");
  // The worker reads the other fields too; they must survive byte for byte as well.
  require(back.event_type == event.event_type, "event_type changed in the round trip");
  require(back.ticket_url == event.ticket_url, "ticket_url changed in the round trip");
  require(back.ticket_number == event.ticket_number, "ticket_number changed in the round trip");
  require(back.channel == event.channel, "channel changed in the round trip");
  require(back.customer_message == event.customer_message,
          "customer_message changed in the round trip");
  require(back.sent_at == event.sent_at, "sent_at changed in the round trip");
  require(decoded->trace_id == envelope.trace_id, "trace_id changed in the round trip");
  require(decoded->received_at_ms == envelope.received_at_ms, "received_at_ms changed");
  return 0;
}
