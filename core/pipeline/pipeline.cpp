#include "core/pipeline/pipeline.h"

#include <boost/json.hpp>

#include "core/ingest/webhook.h"

namespace rpmw::core::pipeline {
namespace json = boost::json;

std::string event_key_for(const std::string& ticket_id, const std::string& comment_id) {
  return ticket_id + ":" + comment_id;
}

Ticket synthetic_ticket(const std::string& ticket_id, const std::string& comment_id,
                        const std::string& channel, const std::string& text) {
  Ticket ticket;
  ticket.id = ticket_id;
  ticket.status = "OPEN";
  ticket.channel = channel.empty() ? "unknown" : channel;
  Comment comment;
  comment.id = comment_id;
  comment.plain_body = text;
  comment.is_operator = false;
  ticket.comments.push_back(std::move(comment));
  return ticket;
}

namespace {
const Comment* latest_customer_comment(const Ticket& ticket) {
  for (auto it = ticket.comments.rbegin(); it != ticket.comments.rend(); ++it) {
    if (!it->is_operator) return &*it;
  }
  return nullptr;
}
}  // namespace

Result<PipelineOutcome> Pipeline::process(const QueuedEvent& event) {
  auto envelope = ingest::decode_envelope(event.body);
  if (!envelope) return tl::unexpected(envelope.error());
  const ingest::WebhookEvent& webhook = envelope->webhook;
  const flags::FlagSnapshot flags = deps_.flags.snapshot();

  // Step 1 of spec/02: one ticket read (or the synthetic ticket in demo mode).
  Ticket ticket;
  if (deps_.helpdesk != nullptr && !flags.shadow_mode) {
    auto fetched = deps_.helpdesk->get_ticket(webhook.ticket_id);
    if (!fetched) return tl::unexpected(fetched.error());
    ticket = std::move(*fetched);
  } else {
    const std::string comment_id = webhook.message_id.empty() ? event.event_id : webhook.message_id;
    ticket =
        synthetic_ticket(webhook.ticket_id, comment_id, webhook.channel, webhook.customer_message);
  }
  const Comment* latest = latest_customer_comment(ticket);
  const std::string comment_id = latest != nullptr ? latest->id : event.event_id;
  PipelineOutcome outcome{PipelineOutcome::Kind::processed,
                          event_key_for(webhook.ticket_id, comment_id), webhook.ticket_id};

  auto claim = deps_.state.begin_event(outcome.event_key);
  if (!claim) return tl::unexpected(claim.error());
  if (claim->already_done) {
    outcome.kind = PipelineOutcome::Kind::duplicate;
    LogEvent duplicate(LogLevel::info, "system.idempotency.duplicate_event_detected");
    duplicate.trace(envelope->trace_id)
        .ticket(webhook.ticket_id)
        .event_key(outcome.event_key)
        .step("worker");
    deps_.log.write(duplicate);
    return outcome;
  }

  // Until the decision engine lands: a PII-free record that the event was seen and keyed.
  json::object record;
  record["status"] = "pending_engine";
  record["trace_id"] = envelope->trace_id;
  record["event_key"] = outcome.event_key;
  record["event_id"] = event.event_id;
  record["ticket_id"] = webhook.ticket_id;
  record["channel"] = ticket.channel;
  record["action"] = "skipped";
  record["reason_codes"] = json::array{"pending_engine"};
  record["shadow_mode"] = flags.shadow_mode;
  record["received_at_ms"] = envelope->received_at_ms;

  DecisionRecord decision{webhook.ticket_id,  outcome.event_key, event.event_id,
                          envelope->trace_id, deps_.clock.now(), json::serialize(record)};
  if (auto done = deps_.state.finish_event(outcome.event_key, EventStatus::done, decision); !done) {
    return tl::unexpected(done.error());
  }
  return outcome;
}

}  // namespace rpmw::core::pipeline
