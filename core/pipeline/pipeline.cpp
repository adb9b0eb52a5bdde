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

Pipeline::Pipeline(PipelineDeps deps)
    : deps_(deps), versions_(versions_of(deps.engine.policies())) {
  if (deps_.helpdesk != nullptr && deps_.catalog != nullptr) {
    executor_.emplace(actions::ExecutorDeps{*deps_.helpdesk, deps_.state, *deps_.catalog, deps_.log,
                                            deps_.metrics, deps_.bot_author_id});
  }
}

struct Pipeline::Attempt {
  const QueuedEvent& event;
  ingest::Envelope envelope;
  flags::FlagSnapshot flags;
  Ticket ticket;
  const Comment* latest = nullptr;
  std::string comment_id;
  PipelineOutcome outcome;
  RecordIds ids;
  std::chrono::steady_clock::time_point started;
};

namespace {

std::string plan_key(const std::string& event_key, const std::string& ticket_id) {
  return actions::action_key(event_key, "plan", ticket_id);
}

std::string string_field(const json::object& record, std::string_view key) {
  const json::value* v = record.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

Result<PipelineOutcome> Pipeline::process(const QueuedEvent& event) {
  const auto started = std::chrono::steady_clock::now();
  auto envelope = ingest::decode_envelope(event.body);
  if (!envelope) return tl::unexpected(envelope.error());
  Attempt attempt{event,  std::move(*envelope), deps_.flags.snapshot(), {}, nullptr, {}, {}, {},
                  started};
  const ingest::WebhookEvent& webhook = attempt.envelope.webhook;

  // Step 1: one ticket read (reading is not writing, so shadow mode reads too), or the synthetic
  // one-comment ticket built from the webhook when no Richpanel key is configured.
  if (deps_.helpdesk != nullptr) {
    auto fetched = deps_.helpdesk->get_ticket(webhook.ticket_id);
    if (!fetched) return tl::unexpected(fetched.error());
    attempt.ticket = std::move(*fetched);
  } else {
    const std::string comment_id = webhook.message_id.empty() ? event.event_id : webhook.message_id;
    attempt.ticket =
        synthetic_ticket(webhook.ticket_id, comment_id, webhook.channel, webhook.customer_message);
  }
  attempt.latest = latest_customer_comment(attempt.ticket);
  attempt.comment_id = attempt.latest != nullptr ? attempt.latest->id : event.event_id;
  PipelineOutcome& outcome = attempt.outcome;
  outcome = PipelineOutcome{PipelineOutcome::Kind::processed,
                            event_key_for(webhook.ticket_id, attempt.comment_id), webhook.ticket_id,
                            "", "none"};
  attempt.ids = RecordIds{attempt.envelope.trace_id, outcome.event_key, event.event_id,
                          webhook.ticket_id, ""};

  auto claim = deps_.state.begin_event(outcome.event_key);
  if (!claim) return tl::unexpected(claim.error());
  if (claim->already_done) {
    outcome.kind = PipelineOutcome::Kind::duplicate;
    outcome.action = "skipped";
    LogEvent duplicate(LogLevel::info, "system.idempotency.duplicate_event_detected");
    duplicate.trace(attempt.envelope.trace_id)
        .ticket(webhook.ticket_id)
        .event_key(outcome.event_key)
        .step("worker");
    deps_.log.write(duplicate);
    return outcome;
  }

  // An earlier attempt began acting: finish its plan (our own reply and tags on the ticket must
  // not be mistaken for an operator answer or a follow-up).
  if (executor_ && !attempt.flags.shadow_mode) {
    auto stored = deps_.state.get_action(plan_key(outcome.event_key, webhook.ticket_id));
    if (!stored) return tl::unexpected(stored.error());
    if (*stored && (*stored)->status == ActionStatus::done) return resume(attempt, **stored);
  }

  // Nothing new from the customer: the newest comment is an operator's (ours or Richpanel's own
  // auto-reply), or there is no customer comment at all.
  const bool operator_last =
      !attempt.ticket.comments.empty() && attempt.ticket.comments.back().is_operator;
  if (attempt.latest == nullptr || operator_last) {
    json::object record = skipped_record(attempt.ids, policy::reason::kOperatorLast, versions_);
    if (auto done = finish(attempt, std::move(record)); !done) return tl::unexpected(done.error());
    outcome.kind = PipelineOutcome::Kind::skipped;
    outcome.action = "skipped";
    deps_.log.write(LogEvent(LogLevel::info, "policy.automation.blocked")
                        .trace(attempt.envelope.trace_id)
                        .ticket(webhook.ticket_id)
                        .event_key(outcome.event_key)
                        .code("reason", policy::reason::kOperatorLast));
    return outcome;
  }
  return decide_and_act(attempt);
}

actions::ActionPlan Pipeline::plan_for(const EngineResult& result,
                                       const flags::FlagSnapshot& flags) const {
  const policy::PolicySet& policies = deps_.engine.policies();
  actions::PlanContext context{
      *deps_.catalog, result.features.channel, deps_.bot_author_id, [&](const std::string& id) {
        const policy::TemplatePolicy* tp = policies.template_policy(id);
        return tp != nullptr && flags.template_enabled(id, tp->enabled_by_default);
      }};
  return actions::plan_actions(result.decision, context);
}

Result<PipelineOutcome> Pipeline::decide_and_act(Attempt& attempt) {
  const std::string& ticket_id = attempt.outcome.ticket_id;
  auto conversation = deps_.state.get_conversation(ticket_id);
  if (!conversation) return tl::unexpected(conversation.error());

  const EngineResult result = deps_.engine.run(EngineInput{
      attempt.ticket, *attempt.latest, attempt.flags, *conversation, deps_.clock.now()});
  const double latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - attempt.started)
          .count();
  json::object record =
      decision_record(attempt.ids, result, versions_, attempt.flags.shadow_mode, latency_ms);
  const bool acting = executor_ && !attempt.flags.shadow_mode;
  std::optional<actions::ActionPlan> plan;
  if (acting) {
    plan = plan_for(result, attempt.flags);
    apply_plan(record, *plan);
  }
  attempt.outcome.action = string_field(record, "action");
  emit(attempt.ids.trace_id, ticket_id, attempt.outcome.event_key, result, attempt.outcome.action,
       string_field(record, "template_id"), latency_ms, attempt.flags.shadow_mode);

  bool replied = false;
  if (acting) {
    // Stored before the first write, so a retry resumes this plan rather than deciding anew.
    json::object stored{{"plan", actions::plan_to_json(*plan)}, {"record", record}};
    const std::string key = plan_key(attempt.outcome.event_key, ticket_id);
    if (auto put = deps_.state.complete_action(key, ActionStatus::done, json::serialize(stored));
        !put) {
      return tl::unexpected(put.error());
    }
    auto report = act(attempt, *plan);
    if (!report) return tl::unexpected(report.error());
    put_execution(record, *report, false);
    replied = report->replied();
  } else {
    record["execution"] = json::object{{"mode", attempt.flags.shadow_mode ? "shadow" : "none"}};
  }
  if (auto done = finish(attempt, std::move(record)); !done) return tl::unexpected(done.error());
  record_conversation(ticket_id, attempt.comment_id, result.decision.primary_intent,
                      result.decision.team, replied, *conversation);
  return attempt.outcome;
}

Result<PipelineOutcome> Pipeline::resume(Attempt& attempt, const ActionRecord& stored_plan) {
  const std::string& ticket_id = attempt.outcome.ticket_id;
  json::error_code ec;
  json::value stored = json::parse(stored_plan.result_code, ec);
  if (ec || !stored.is_object() || !stored.as_object().contains("record") ||
      !stored.as_object().at("record").is_object()) {
    return fail(ErrorKind::internal, "corrupt_action_plan");
  }
  auto plan = actions::plan_from_json(stored.as_object()["plan"]);
  if (!plan) return tl::unexpected(plan.error());
  json::object record = std::move(stored.as_object()["record"].as_object());
  auto conversation = deps_.state.get_conversation(ticket_id);
  if (!conversation) return tl::unexpected(conversation.error());

  // A kill switch turned on since the plan was made wins: no new reply, no close (tags still go,
  // as in safe mode). A reply already out keeps its tags.
  const bool replies_allowed = !attempt.flags.safe_mode && attempt.flags.automation_enabled;
  if (!replies_allowed) plan->close_after_reply = false;
  if (plan->reply && attempt.latest != nullptr) {
    auto sent =
        deps_.state.get_action(actions::action_key(attempt.outcome.event_key, "reply", ticket_id));
    if (!sent) return tl::unexpected(sent.error());
    const bool already_sent = *sent && (*sent)->status == ActionStatus::done;
    if (!already_sent && !replies_allowed) {
      // Still confirmed if the last attempt's send landed; never sent now.
      plan->reply->blocked = true;
      record["reason_codes"].as_array().emplace_back(attempt.flags.safe_mode
                                                         ? policy::reason::kSafeMode
                                                         : policy::reason::kAutomationDisabled);
    } else if (!already_sent) {
      // The reply text is never stored: render it again, and use it only if it is the same.
      const EngineResult again = deps_.engine.run(EngineInput{
          attempt.ticket, *attempt.latest, attempt.flags, *conversation, deps_.clock.now()});
      actions::ActionPlan fresh = plan_for(again, attempt.flags);
      if (fresh.reply && fresh.reply->fingerprint == plan->reply->fingerprint) {
        plan->reply->body = std::move(fresh.reply->body);
      }
    }
  }
  deps_.log.write(LogEvent(LogLevel::info, "worker.actions.resumed")
                      .trace(attempt.ids.trace_id)
                      .ticket(ticket_id)
                      .event_key(attempt.outcome.event_key));
  auto report = act(attempt, *plan);
  if (!report) return tl::unexpected(report.error());
  put_execution(record, *report, true);
  attempt.outcome.action = string_field(record, "action");
  const std::string intent = string_field(record, "primary_intent");
  const std::string team = string_field(record, "destination_team");
  if (auto done = finish(attempt, std::move(record)); !done) return tl::unexpected(done.error());
  record_conversation(ticket_id, attempt.comment_id, intent, team, report->replied(),
                      *conversation);
  return attempt.outcome;
}

Result<actions::ExecutionReport> Pipeline::act(Attempt& attempt, const actions::ActionPlan& plan) {
  auto report = executor_->execute(
      actions::ExecutionInput{attempt.outcome.event_key, attempt.ids.trace_id, attempt.ticket,
                              attempt.comment_id, plan, attempt.started + event_deadline_});
  if (report) attempt.outcome.reply = report->reply;
  return report;
}

Status Pipeline::finish(Attempt& attempt, json::object record) {
  DecisionRecord decision{attempt.outcome.ticket_id, attempt.outcome.event_key,
                          attempt.event.event_id,    attempt.ids.trace_id,
                          deps_.clock.now(),         json::serialize(record)};
  return deps_.state.finish_event(attempt.outcome.event_key, EventStatus::done, decision);
}

void Pipeline::record_conversation(const std::string& ticket_id, const std::string& comment_id,
                                   const std::string& intent, const std::string& team, bool replied,
                                   const std::optional<ConversationRecord>& previous) {
  ConversationRecord next = previous.value_or(ConversationRecord{});
  next.ticket_id = ticket_id;
  next.last_comment_id = comment_id;
  if (!intent.empty()) next.last_intent = intent;
  if (!team.empty()) next.last_team = team;
  if (replied) {
    // Cooldowns look back 24 h at most; older timestamps are dropped.
    const std::int64_t now_ms = to_epoch_ms(deps_.clock.now());
    std::erase_if(next.auto_reply_epoch_ms,
                  [&](std::int64_t at) { return now_ms - at > std::int64_t{24} * 3600 * 1000; });
    next.auto_reply_epoch_ms.push_back(now_ms);
  }
  // Best effort for the intent and team (the decision is already recorded; a lost race only means
  // another worker's view is newer). The auto-reply time feeds the cooldown, so it is retried.
  for (int tries = 0; tries < 3; ++tries) {
    auto put = deps_.state.put_conversation(next);
    if (put) return;
    if (put.error().kind != ErrorKind::conflict || !replied) {
      deps_.log.write(LogEvent(LogLevel::warn, "worker.conversation.update.failed")
                          .ticket(ticket_id)
                          .code("error", put.error().code));
      return;
    }
    auto fresh = deps_.state.get_conversation(ticket_id);
    if (!fresh || !*fresh) return;
    const std::int64_t at = next.auto_reply_epoch_ms.back();
    next.version = (*fresh)->version;
    next.auto_reply_epoch_ms = (*fresh)->auto_reply_epoch_ms;
    next.auto_reply_epoch_ms.push_back(at);
  }
}

void Pipeline::emit(const std::string& trace_id, const std::string& ticket_id,
                    const std::string& event_key, const EngineResult& result,
                    const std::string& action, const std::string& template_id, double latency_ms,
                    bool shadow_mode) {
  const policy::PolicyDecision& d = result.decision;
  const bool logging = deps_.log.enabled(LogLevel::info);
  deps_.metrics.increment("rpmw_decisions_total", {{"tier", d.tier}, {"action", action}});
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
      .result(action)
      .latency_ms(latency_ms)
      .code("primary_intent", d.primary_intent)
      .code("route_tag", d.route_tag)
      .code("tier", d.tier)
      .code("action", action)
      .code("template_id", template_id.empty() ? "none" : template_id)
      .code("classifier", result.classifier)
      .code("reasons", joined(d.reason_codes))
      .num("routing_confidence", d.routing_confidence)
      .num("classifier_confidence", d.classifier_confidence)
      .flag("shadow_mode", shadow_mode);
  if (!d.secondary_intents.empty()) made.code("secondary_intents", joined(d.secondary_intents));
  deps_.log.write(made);
}

}  // namespace rpmw::core::pipeline
