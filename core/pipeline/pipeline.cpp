#include "core/pipeline/pipeline.h"

#include <boost/json.hpp>
#include <chrono>

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

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) {
    if (!out.empty()) out += '/';
    out += v;
  }
  return out;
}

// Reasons that mean "a reply was possible but something switched it off".
bool is_block_reason(const std::string& code) {
  static const char* const kBlocks[] = {
      policy::reason::kSafeMode,           policy::reason::kAutomationDisabled,
      policy::reason::kTemplateDisabled,   policy::reason::kChannel,
      policy::reason::kCooldown,           policy::reason::kFollowUp,
      policy::reason::kTicketClosed,       policy::reason::kFallback,
      policy::reason::kSchemaInvalid,      policy::reason::kVendorError,
      policy::reason::kTier2VerifierFailed};
  for (const char* block : kBlocks) {
    if (code == block) return true;
  }
  return false;
}

}  // namespace

Result<PipelineOutcome> Pipeline::process(const QueuedEvent& event) {
  const auto started = std::chrono::steady_clock::now();
  auto envelope = ingest::decode_envelope(event.body);
  if (!envelope) return tl::unexpected(envelope.error());
  const ingest::WebhookEvent& webhook = envelope->webhook;
  const flags::FlagSnapshot flags = deps_.flags.snapshot();

  // Step 1: one ticket read (reading is not writing, so shadow mode reads too), or the synthetic
  // one-comment ticket built from the webhook when no Richpanel key is configured.
  Ticket ticket;
  if (deps_.helpdesk != nullptr) {
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
                          event_key_for(webhook.ticket_id, comment_id), webhook.ticket_id, ""};
  const RecordIds ids{envelope->trace_id, outcome.event_key, event.event_id, webhook.ticket_id, ""};

  auto claim = deps_.state.begin_event(outcome.event_key);
  if (!claim) return tl::unexpected(claim.error());
  if (claim->already_done) {
    outcome.kind = PipelineOutcome::Kind::duplicate;
    outcome.action = "skipped";
    LogEvent duplicate(LogLevel::info, "system.idempotency.duplicate_event_detected");
    duplicate.trace(envelope->trace_id)
        .ticket(webhook.ticket_id)
        .event_key(outcome.event_key)
        .step("worker");
    deps_.log.write(duplicate);
    return outcome;
  }

  // Nothing new from the customer: the newest comment is an operator's (ours or Richpanel's own
  // auto-reply), or there is no customer comment at all.
  const bool operator_last = !ticket.comments.empty() && ticket.comments.back().is_operator;
  if (latest == nullptr || operator_last) {
    json::object record = skipped_record(ids, policy::reason::kOperatorLast, versions_);
    DecisionRecord decision{webhook.ticket_id,  outcome.event_key, event.event_id,
                            envelope->trace_id, deps_.clock.now(), json::serialize(record)};
    if (auto done = deps_.state.finish_event(outcome.event_key, EventStatus::done, decision);
        !done) {
      return tl::unexpected(done.error());
    }
    outcome.kind = PipelineOutcome::Kind::skipped;
    outcome.action = "skipped";
    deps_.log.write(LogEvent(LogLevel::info, "policy.automation.blocked")
                        .trace(envelope->trace_id)
                        .ticket(webhook.ticket_id)
                        .event_key(outcome.event_key)
                        .code("reason", policy::reason::kOperatorLast));
    return outcome;
  }

  auto conversation = deps_.state.get_conversation(webhook.ticket_id);
  if (!conversation) return tl::unexpected(conversation.error());

  const EngineResult result =
      deps_.engine.run(EngineInput{ticket, *latest, flags, *conversation, deps_.clock.now()});
  const double latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  json::object record = decision_record(ids, result, versions_, flags.shadow_mode, latency_ms);
  DecisionRecord decision{webhook.ticket_id,  outcome.event_key, event.event_id,
                          envelope->trace_id, deps_.clock.now(), json::serialize(record)};
  if (auto done = deps_.state.finish_event(outcome.event_key, EventStatus::done, decision); !done) {
    return tl::unexpected(done.error());
  }
  record_conversation(webhook.ticket_id, comment_id, result, *conversation);
  emit(envelope->trace_id, webhook.ticket_id, outcome.event_key, result, latency_ms,
       flags.shadow_mode);
  outcome.action = result.decision.action;
  return outcome;
}

void Pipeline::record_conversation(const std::string& ticket_id, const std::string& comment_id,
                                   const EngineResult& result,
                                   const std::optional<ConversationRecord>& previous) {
  ConversationRecord next = previous.value_or(ConversationRecord{});
  next.ticket_id = ticket_id;
  next.last_comment_id = comment_id;
  next.last_intent = result.decision.primary_intent;
  next.last_team = result.decision.team;
  // Best effort: the decision is already recorded; a lost race only means another worker's view
  // of the same ticket is newer.
  if (auto put = deps_.state.put_conversation(next); !put) {
    deps_.log.write(LogEvent(LogLevel::warn, "worker.conversation.update.failed")
                        .ticket(ticket_id)
                        .code("error", put.error().code));
  }
}

void Pipeline::emit(const std::string& trace_id, const std::string& ticket_id,
                    const std::string& event_key, const EngineResult& result, double latency_ms,
                    bool shadow_mode) {
  const policy::PolicyDecision& d = result.decision;
  const bool logging = deps_.log.enabled(LogLevel::info);
  deps_.metrics.increment("rpmw_decisions_total", {{"tier", d.tier}, {"action", d.action}});
  for (const std::string& code : d.reason_codes) {
    if (!is_block_reason(code)) continue;
    deps_.metrics.increment("rpmw_automation_blocked_total", {{"reason", code}});
    if (!logging) continue;
    deps_.log.write(LogEvent(LogLevel::info, "policy.automation.blocked")
                        .trace(trace_id)
                        .ticket(ticket_id)
                        .event_key(event_key)
                        .code("reason", code));
  }
  if (result.usage.prompt_tokens > 0) {
    deps_.metrics.increment("rpmw_llm_tokens_total", {{"direction", "prompt"}},
                            static_cast<double>(result.usage.prompt_tokens));
    deps_.metrics.increment("rpmw_llm_tokens_total", {{"direction", "completion"}},
                            static_cast<double>(result.usage.completion_tokens));
  }
  const bool llm_called = result.classifier == "llm" || result.classifier == "rules_fallback";
  if (llm_called) {
    const bool ok = result.outcome == policy::ClassifierOutcome::Kind::ok;
    deps_.metrics.increment("rpmw_vendor_requests_total",
                            {{"vendor", "llm"},
                             {"operation", "classify"},
                             {"status", ok ? "ok" : result.classifier_error}});
    if (logging) {
      LogEvent call(ok ? LogLevel::info : LogLevel::warn,
                    ok ? "vendor.llm.classify.success" : "vendor.llm.classify.failed");
      call.trace(trace_id).ticket(ticket_id).event_key(event_key);
      if (ok) call.code("model", result.model).num("prompt_tokens", result.usage.prompt_tokens);
      if (!ok) call.code("error", result.classifier_error);
      deps_.log.write(call);
    }
  }
  if (!logging) return;
  LogEvent made(LogLevel::info, "policy.decision.made");
  made.trace(trace_id)
      .ticket(ticket_id)
      .event_key(event_key)
      .step("decide")
      .result(d.action)
      .latency_ms(latency_ms)
      .code("primary_intent", d.primary_intent)
      .code("route_tag", d.route_tag)
      .code("tier", d.tier)
      .code("action", d.action)
      .code("template_id", d.template_id.value_or("none"))
      .code("classifier", result.classifier)
      .code("reasons", joined(d.reason_codes))
      .num("routing_confidence", d.routing_confidence)
      .num("classifier_confidence", d.classifier_confidence)
      .flag("shadow_mode", shadow_mode);
  if (!d.secondary_intents.empty()) made.code("secondary_intents", joined(d.secondary_intents));
  deps_.log.write(made);
}

}  // namespace rpmw::core::pipeline
