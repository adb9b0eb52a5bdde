#include "core/actions/action_executor.h"

#include <algorithm>

#include "core/actions/reply_fingerprint.h"

namespace rpmw::core::actions {
namespace {

// Result codes stored on action records.
constexpr const char* kVerified = "verified";
constexpr const char* kVerifiedOnRetry = "verified_on_retry";
constexpr const char* kUnverified = "unverified";  // sent, but the read-back did not show it
constexpr const char* kNotSent = "not_sent";       // the vendor refused before acting (429)
constexpr const char* kRetrying = "retrying";      // a pending send found not to have landed

void add_unique(std::vector<std::string>& values, const std::string& value) {
  if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
}

bool has_all(const std::vector<std::string>& present, const std::vector<std::string>& wanted) {
  return std::all_of(wanted.begin(), wanted.end(), [&](const std::string& tag) {
    return std::find(present.begin(), present.end(), tag) != present.end();
  });
}

// Operator comments newer than the customer comment being answered (ours, an agent's, or a
// Richpanel auto-reply).
std::vector<const Comment*> operator_replies_after(const Ticket& ticket,
                                                   const std::string& comment_id) {
  std::vector<const Comment*> out;
  bool after = false;
  for (const Comment& c : ticket.comments) {
    if (after && c.is_operator) out.push_back(&c);
    if (c.id == comment_id) after = true;
  }
  return out;
}

}  // namespace

std::string action_key(const std::string& event_key, std::string_view kind,
                       const std::string& target) {
  std::string key = "act:";
  key += event_key;
  key += ':';
  key += kind;
  key += ':';
  key += target;
  return key;
}

void ActionExecutor::log_action(const ExecutionInput& input, std::string_view kind,
                                std::string_view outcome, std::string_view code) const {
  const LogLevel level = outcome == "failed" ? LogLevel::warn : LogLevel::info;
  if (!deps_.log.enabled(level)) return;
  std::string event = "action.";
  event += kind;
  event += '.';
  event += outcome;
  LogEvent line(level, event);
  line.trace(input.trace_id).ticket(input.ticket.id).event_key(input.event_key).step("act");
  if (!code.empty()) line.code("result", code);
  if (kind == "reply" && input.plan.reply) {
    line.code("template_id", input.plan.reply->template_id).code("path", input.plan.reply->path);
  }
  deps_.log.write(line);
}

namespace {

Status within_deadline(const ExecutionInput& input) {
  if (std::chrono::steady_clock::now() < input.deadline) return {};
  return fail(ErrorKind::transient, "event_deadline_exceeded");
}

}  // namespace

Result<ExecutionReport> ActionExecutor::execute(const ExecutionInput& input) const {
  ExecutionReport report;
  std::vector<std::string> tags = input.plan.tags;
  if (input.plan.reply) {
    if (auto in_time = within_deadline(input); !in_time) return tl::unexpected(in_time.error());
    std::vector<std::string> extra;
    if (auto done = reply(input, report, extra); !done) return tl::unexpected(done.error());
    if (report.replied()) {
      for (const std::string& t : input.plan.reply_tags) add_unique(tags, t);
    }
    for (const std::string& t : extra) add_unique(tags, t);
  }
  if (auto in_time = within_deadline(input); !in_time) return tl::unexpected(in_time.error());
  if (auto done = tag(input, tags, report); !done) return tl::unexpected(done.error());
  if (input.plan.close_after_reply && report.replied() && input.plan.reply &&
      auto_close_permitted(*input.plan.reply, deps_.catalog)) {
    if (auto in_time = within_deadline(input); !in_time) return tl::unexpected(in_time.error());
    if (auto done = close(input, report); !done) return tl::unexpected(done.error());
  }
  return report;
}

Status ActionExecutor::reply(const ExecutionInput& input, ExecutionReport& report,
                             std::vector<std::string>& extra_tags) const {
  const PlannedReply& planned = *input.plan.reply;
  const std::string key = action_key(input.event_key, "reply", input.ticket.id);
  auto prior = deps_.state.get_action(key);
  if (!prior) return tl::unexpected(prior.error());
  if (*prior && (*prior)->status == ActionStatus::done) {
    report.reply = "already_sent";
    return {};
  }

  const std::vector<const Comment*> after = operator_replies_after(input.ticket, input.comment_id);
  const bool ours_visible = std::any_of(after.begin(), after.end(), [&](const Comment* c) {
    return comment_fingerprint(*c) == planned.fingerprint;
  });
  const bool attempted_before = prior->has_value() && ((*prior)->status == ActionStatus::pending ||
                                                       (*prior)->result_code == kUnverified);
  // A pending key means the last attempt stopped during or right after the send: an operator
  // comment since then is taken as ours even if Richpanel reformatted the body.
  if (ours_visible || (attempted_before && !after.empty())) {
    if (auto ok = deps_.state.complete_action(key, ActionStatus::done, kVerifiedOnRetry); !ok)
      return ok;
    report.reply = "already_sent";
    log_action(input, "reply", "success", kVerifiedOnRetry);
    return {};
  }
  auto give_up = [&](const char* code, std::vector<std::string> tags) -> Status {
    for (const std::string& t : tags) add_unique(extra_tags, t);
    report.reason_codes.emplace_back(code);
    const std::string_view why = code;
    log_action(input, "reply",
               why == "operator_replied" || why == "kill_switch_on" ? "skipped" : "failed", code);
    return {};
  };
  if (!after.empty()) {
    // Someone answered since the customer wrote (an agent, or a Richpanel rule): do not talk over.
    report.reply = "operator_replied";
    return give_up("operator_replied", {"mw-escalated-human"});
  }
  if (attempted_before && (*prior)->result_code == kUnverified) {
    // Sent once and never confirmed: a second send could be a duplicate in the customer's inbox.
    report.reply = "failed";
    return give_up("reply_unverified", send_failed_tags());
  }
  if (planned.blocked) {
    report.reply = "blocked";
    return give_up("kill_switch_on", {"mw-escalated-human"});
  }
  if (planned.body.empty()) {
    report.reply = "failed";
    return give_up("reply_not_rendered", send_failed_tags());
  }

  if (*prior && (*prior)->status == ActionStatus::pending) {
    // Verified above that it did not land: release it so the claim below can take it.
    if (auto ok = deps_.state.complete_action(key, ActionStatus::failed, kRetrying); !ok) return ok;
  }
  auto claim = deps_.state.claim_action(key);
  if (!claim) return tl::unexpected(claim.error());
  if (!claim->claimed) return fail(ErrorKind::conflict, "reply_claimed_elsewhere");

  ++report.vendor_calls;
  const Status sent =
      planned.path == kPathSendMessage
          ? deps_.helpdesk.send_message(input.ticket.id, planned.body, deps_.bot_author_id)
          : deps_.helpdesk.add_public_comment(input.ticket.id, planned.body);
  if (!sent) {
    const Error& error = sent.error();
    if (error.kind == ErrorKind::rate_limited) {
      // Refused before anything happened: the next attempt may send.
      if (auto ok = deps_.state.complete_action(key, ActionStatus::failed, kNotSent); !ok)
        return ok;
      log_action(input, "reply", "failed", error.code);
      return sent;
    }
    if (error.retryable()) {
      // It may have landed (a 5xx or a timeout after the write): keep the key pending so the
      // retry looks at the ticket first.
      log_action(input, "reply", "failed", error.code);
      return sent;
    }
    if (auto ok = deps_.state.complete_action(key, ActionStatus::failed, error.code); !ok)
      return ok;
    report.reply = "failed";
    return give_up("send_failed", send_failed_tags());
  }

  // Read-back: the newest comment must now be an operator comment.
  ++report.vendor_calls;
  auto reread = deps_.helpdesk.get_ticket(input.ticket.id);
  if (!reread) return tl::unexpected(reread.error());  // still pending: the retry verifies
  const bool verified = !reread->comments.empty() && reread->comments.back().is_operator;
  if (!verified) {
    if (auto ok = deps_.state.complete_action(key, ActionStatus::failed, kUnverified); !ok)
      return ok;
    log_action(input, "reply", "failed", kUnverified);
    return fail(ErrorKind::transient, "reply_unverified");
  }
  if (auto ok = deps_.state.complete_action(key, ActionStatus::done, kVerified); !ok) return ok;
  report.reply = "sent";
  deps_.metrics.increment("rpmw_replies_total", {{"template", planned.template_id}});
  log_action(input, "reply", "success", kVerified);
  return {};
}

Status ActionExecutor::tag(const ExecutionInput& input, const std::vector<std::string>& tags,
                           ExecutionReport& report) const {
  report.tags_written = tags;
  if (tags.empty()) return {};
  const std::string key = action_key(input.event_key, "tag", input.ticket.id);
  auto prior = deps_.state.get_action(key);
  if (!prior) return tl::unexpected(prior.error());
  if (*prior && (*prior)->status == ActionStatus::done) {
    report.tags = "already_applied";
    return {};
  }
  if (*prior && has_all(input.ticket.tags, tags)) {
    // The last attempt's call landed before it could confirm.
    if (auto ok = deps_.state.complete_action(key, ActionStatus::done, kVerifiedOnRetry); !ok)
      return ok;
    report.tags = "already_applied";
    return {};
  }
  if (!*prior || (*prior)->status == ActionStatus::failed) {
    auto claim = deps_.state.claim_action(key);
    if (!claim) return tl::unexpected(claim.error());
    if (!claim->claimed) return fail(ErrorKind::conflict, "tags_claimed_elsewhere");
  }
  // Adding tags is idempotent on Richpanel, so a pending key is simply done again.
  ++report.vendor_calls;
  if (auto added = deps_.helpdesk.add_tags(input.ticket.id, tags); !added) {
    log_action(input, "tag", "failed", added.error().code);
    if (!added.error().retryable()) {
      if (auto ok = deps_.state.complete_action(key, ActionStatus::failed, added.error().code);
          !ok) {
        return ok;
      }
    }
    return added;
  }
  if (auto ok = deps_.state.complete_action(key, ActionStatus::done, "applied"); !ok) return ok;
  report.tags = "applied";
  log_action(input, "tag", "success", "applied");
  return {};
}

Status ActionExecutor::close(const ExecutionInput& input, ExecutionReport& report) const {
  const std::string key = action_key(input.event_key, "close", input.ticket.id);
  auto prior = deps_.state.get_action(key);
  if (!prior) return tl::unexpected(prior.error());
  if (*prior && (*prior)->status == ActionStatus::done) {
    report.close = "already_closed";
    return {};
  }
  if (*prior && input.ticket.status == "CLOSED") {
    if (auto ok = deps_.state.complete_action(key, ActionStatus::done, kVerifiedOnRetry); !ok)
      return ok;
    report.close = "already_closed";
    return {};
  }
  if (!*prior || (*prior)->status == ActionStatus::failed) {
    auto claim = deps_.state.claim_action(key);
    if (!claim) return tl::unexpected(claim.error());
    if (!claim->claimed) return fail(ErrorKind::conflict, "close_claimed_elsewhere");
  }
  ++report.vendor_calls;
  if (auto closed = deps_.helpdesk.set_status(input.ticket.id, "CLOSED"); !closed) {
    log_action(input, "close", "failed", closed.error().code);
    if (closed.error().retryable()) return closed;
    if (auto ok = deps_.state.complete_action(key, ActionStatus::failed, closed.error().code);
        !ok) {
      return ok;
    }
    // The reply is out and the routing applied; a ticket left open only costs an agent a click.
    report.close = "failed";
    report.reason_codes.emplace_back("close_failed");
    return {};
  }
  if (auto ok = deps_.state.complete_action(key, ActionStatus::done, "closed"); !ok) return ok;
  report.close = "closed";
  log_action(input, "close", "success", "closed");
  return {};
}

}  // namespace rpmw::core::actions
