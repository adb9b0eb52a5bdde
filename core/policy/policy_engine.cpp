#include "core/policy/policy_engine.h"

#include <algorithm>
#include <chrono>

#include "core/orders/selection.h"
#include "core/policy/priority.h"

namespace rpmw::core::policy {
namespace {

constexpr double kTier0ScreenConfidence = 0.95;

void add_unique(std::vector<std::string>& list, const std::string& value) {
  if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end()) {
    list.push_back(value);
  }
}

void remove_value(std::vector<std::string>& list, const std::string& value) {
  list.erase(std::remove(list.begin(), list.end(), value), list.end());
}

bool has(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The reason code for a Tier 2 selection label (none for tracking: tier2_verified says it all).
const char* selection_reason(const std::string& label) {
  if (label == "tracking") return nullptr;
  if (label == "eta_within_window") return reason::kTier2EtaWindow;
  if (label == "late") return reason::kTier2Late;
  return reason::kTier2NoEstimate;  // bucket unknown, pre-order without ship-by, zone unknown
}

double clamp01(double v) {
  return std::max(0.0, std::min(1.0, v));
}

// Confidence of `intent` among the classifier's scores (0 when it did not score it).
double score_of(const ClassifierDecision& decision, const std::string& intent) {
  for (const IntentScore& s : decision.scores) {
    if (s.intent == intent) return s.confidence;
  }
  return 0;
}

}  // namespace

void PolicyEngine::route(PolicyDecision& d, const std::string& team_name) const {
  const TeamPolicy* team = policies_.team(team_name);
  if (team == nullptr) team = policies_.team(policies_.default_team);
  if (!team->available) {
    add_unique(d.tags, team->needs_tag);
    add_unique(d.reason_codes, reason::kTeamFallback);
    team = policies_.team(policies_.fallback_team);
  }
  d.team = team->name;
  d.route_tag = team->route_tag;
}

void PolicyEngine::finalize_tags(PolicyDecision& d) const {
  std::vector<std::string> tags;
  add_unique(tags, d.route_tag);
  add_unique(tags, "mw-routing-applied");
  if (const IntentPolicy* primary = policies_.intent(d.primary_intent)) {
    add_unique(tags, primary->tag);
    for (const std::string& extra : primary->extra_tags) add_unique(tags, extra);
  }
  for (const std::string& id : d.secondary_intents) {
    if (const IntentPolicy* secondary = policies_.intent(id)) {
      add_unique(tags, secondary->secondary_tag);
    }
  }
  add_unique(tags, d.tier == "TIER_0_ESCALATION" ? "mw-tier-0" : "");
  for (const std::string& t : d.tags) add_unique(tags, t);
  add_unique(tags, "mw-processed");
  d.tags = std::move(tags);
}

std::vector<std::string> PolicyEngine::reply_blockers(const DecisionContext& c,
                                                      const std::string& template_id) const {
  std::vector<std::string> blockers;
  const TemplatePolicy* tp = policies_.template_policy(template_id);
  if (tp == nullptr || !c.flags.template_enabled(template_id, tp->enabled_by_default)) {
    blockers.emplace_back(reason::kTemplateDisabled);
  }
  if (c.flags.safe_mode) blockers.emplace_back(reason::kSafeMode);
  if (!c.flags.automation_enabled) blockers.emplace_back(reason::kAutomationDisabled);
  if (!c.flags.channel_automation(c.channel)) blockers.emplace_back(reason::kChannel);
  if (c.ticket_closed) blockers.emplace_back(reason::kTicketClosed);

  // Loop guard and cooldowns: 1 auto-reply per min_interval, max_per_day per 24 h.
  const std::int64_t now_ms = to_epoch_ms(c.now);
  std::int64_t last = 0;
  int last_day = 0;
  if (c.conversation) {
    for (std::int64_t at : c.conversation->auto_reply_epoch_ms) {
      last = std::max(last, at);
      if (now_ms - at < std::int64_t{24} * 3600 * 1000) ++last_day;
    }
  }
  const bool tagged = has(c.ticket_tags, "mw-auto-replied");
  const std::int64_t interval_ms = std::int64_t{policies_.cooldown.min_interval_s} * 1000;
  if ((tagged && last == 0) || (last > 0 && now_ms - last < interval_ms)) {
    blockers.emplace_back(reason::kFollowUp);
  } else if (last_day >= policies_.cooldown.max_per_day) {
    blockers.emplace_back(reason::kCooldown);
  }
  return blockers;
}

void PolicyEngine::allow_reply(PolicyDecision& d, const std::string& template_id,
                               const char* why) const {
  d.action = "send_reply";
  d.template_id = template_id;
  d.reply_tags = {"mw-auto-replied", "mw-template-" + template_id,
                  d.tier == "TIER_2_VERIFIED" ? "mw-tier-2" : "mw-tier-1"};
  const TemplatePolicy* tp = policies_.template_policy(template_id);
  d.close_after_reply = tp != nullptr && tp->auto_close;
  if (d.close_after_reply) d.reply_tags.emplace_back("mw-auto-closed");
  add_unique(d.reason_codes, why);
}

PolicyDecision PolicyEngine::decide(const ClassifierOutcome& outcome,
                                    const DecisionContext& c) const {
  const Thresholds& th = policies_.thresholds;
  PolicyDecision d;
  if (c.flags.shadow_mode) add_unique(d.reason_codes, reason::kShadow);

  const bool failed = outcome.kind == ClassifierOutcome::Kind::schema_invalid ||
                      outcome.kind == ClassifierOutcome::Kind::unavailable ||
                      !outcome.decision.has_value();
  if (failed) {
    add_unique(d.tags, "mw-model-failure");
    add_unique(d.reason_codes, outcome.kind == ClassifierOutcome::Kind::schema_invalid
                                   ? reason::kSchemaInvalid
                                   : reason::kVendorError);
  }
  if (outcome.kind == ClassifierOutcome::Kind::fallback) {
    add_unique(d.reason_codes, reason::kFallback);
  }

  // Candidates: what the classifier found, plus every Tier 0 screen hit (the screen wins).
  std::vector<IntentScore> candidates;
  if (!failed) {
    const ClassifierDecision& cd = *outcome.decision;
    candidates.push_back(IntentScore{cd.primary_intent, cd.routing.confidence});
    for (const std::string& id : cd.secondary_intents) {
      const double s = score_of(cd, id);
      candidates.push_back(IntentScore{id, s > 0 ? s : cd.routing.confidence - th.penalty});
    }
  }
  // Screen hits share one confidence: among them the policy's order decides.
  for (const Tier0Hit& hit : c.tier0.hits) {
    candidates.push_back(IntentScore{hit.intent, kTier0ScreenConfidence});
  }
  const Ranked ranked = rank_intents(policies_, candidates, c.channel);
  d.primary_intent = ranked.primary.intent;
  for (const IntentScore& s : ranked.secondary) d.secondary_intents.push_back(s.intent);
  if (ranked.specialist_applied) add_unique(d.reason_codes, reason::kSpecialist);
  if (ranked.channel_first_applied) add_unique(d.reason_codes, reason::kChannelFirst);
  const IntentPolicy& intent = *policies_.intent(d.primary_intent);

  // Tier 0: always the intent's team, whatever the confidence; never a reply.
  for (const IntentScore& s : candidates) {
    if (!policies_.is_tier0(s.intent)) continue;
    add_unique(d.risk_flags, policies_.intent(s.intent)->risk_flag);
  }
  d.classifier_confidence = ranked.primary.confidence;
  if (intent.tier == TierPolicy::tier0) {
    d.tier = "TIER_0_ESCALATION";
    d.routing_confidence = clamp01(ranked.primary.confidence);
    route(d, intent.team);
    add_unique(d.tags, "mw-escalated-human");
    add_unique(d.reason_codes, reason::kTier0);
    finalize_tags(d);
    return d;
  }
  if (failed) {
    if (c.tier0.failed) add_unique(d.tags, "mw-needs-manual-triage");
    route(d, policies_.default_team);
    finalize_tags(d);
    return d;
  }

  const ClassifierDecision& cd = *outcome.decision;
  // routing_confidence = top-1 minus a penalty for each uncertainty signal.
  double best_other = 0;
  int above_multi = ranked.primary.confidence > th.multi_intent ? 1 : 0;
  std::vector<std::string> counted = {d.primary_intent};
  auto consider = [&](const IntentScore& s) {
    if (s.intent == d.primary_intent || s.intent == cd.primary_intent) return;
    const IntentPolicy* other = policies_.intent(s.intent);
    if (other != nullptr && other->general) return;  // "nothing specific" competes with nothing
    best_other = std::max(best_other, s.confidence);
    if (s.confidence > th.multi_intent && !has(counted, s.intent)) {
      counted.push_back(s.intent);
      ++above_multi;
    }
  };
  for (const IntentScore& s : cd.scores) consider(s);
  for (const IntentScore& s : candidates) consider(s);
  d.margin = ranked.primary.confidence - best_other;
  double routing = ranked.primary.confidence;
  if (d.margin < th.margin) routing -= th.penalty;
  if (c.word_count < th.short_message_words || c.attachment_only) routing -= th.penalty;
  if (above_multi >= 2) routing -= th.penalty;
  d.routing_confidence = clamp01(routing);

  // Channel first: a general message on TikTok or a social channel goes to that channel's team
  // whatever the confidence (there is nothing more specific to be unsure about).
  const auto channel_rule = policies_.channel_first.find(c.channel);
  const bool channel_first =
      ranked.channel_first_applied ||
      (channel_rule != policies_.channel_first.end() && channel_rule->second == d.primary_intent);
  if (d.routing_confidence >= th.route || channel_first) {
    route(d, intent.team);
  } else if (d.routing_confidence >= th.uncertain) {
    route(d, policies_.default_team);
    add_unique(d.tags, "mw-uncertain");
    add_unique(d.reason_codes, reason::kUncertain);
  } else {
    route(d, policies_.default_team);
    add_unique(d.tags, "mw-needs-manual-triage");
    add_unique(d.reason_codes, reason::kLowConfidence);
  }

  // Anything that rules out a reply before flags are even considered.
  bool reply_possible = true;
  auto deny = [&](const char* why) {
    reply_possible = false;
    add_unique(d.reason_codes, why);
  };
  if (c.tier0.failed) {
    // The screen could not vouch for the text: a person reads it.
    add_unique(d.tags, "mw-needs-manual-triage");
    deny(reason::kTier0ScreenFailed);
  }
  if (outcome.kind == ClassifierOutcome::Kind::fallback) reply_possible = false;
  if (cd.routing.needs_manual_triage) {
    add_unique(d.tags, "mw-needs-manual-triage");
    deny(reason::kManualTriage);
  }
  if (cd.risk.force_human || !cd.risk.flags.empty()) {
    add_unique(d.tags, "mw-escalated-human");
    add_unique(d.tags, "mw-security-sensitive");
    deny(reason::kManualTriage);
  }
  const bool tier3 = cd.automation.tier == "TIER_3_AUTO_ACTION";
  if (tier3) {
    add_unique(d.tags, "mw-escalated-human");
    add_unique(d.reason_codes, reason::kTier3);
  }
  if (intent.tier == TierPolicy::route_only || intent.tier1_template.empty()) {
    deny(reason::kRouteOnlyIntent);
  }
  if (c.attachment_only) {
    add_unique(d.tags, "mw-attachment-only");
    deny(reason::kAttachmentOnly);
  }
  const double reply_threshold = intent.reply_threshold.value_or(th.tier1_reply);
  if (reply_possible &&
      (d.routing_confidence < std::max(reply_threshold, th.route) || d.margin < th.margin)) {
    deny(reason::kReplyThreshold);
  }
  if (!reply_possible) {
    finalize_tags(d);
    return d;
  }

  const std::vector<std::string> blockers = reply_blockers(c, intent.tier1_template);
  if (!blockers.empty()) {
    for (const std::string& b : blockers) add_unique(d.reason_codes, b);
    if (has(blockers, reason::kFollowUp)) add_unique(d.tags, "mw-escalated-human");
    if (has(blockers, reason::kCooldown)) add_unique(d.tags, "mw-auto-rate-limited");
    finalize_tags(d);
    return d;
  }

  if (intent.tier == TierPolicy::tier2) {
    bool high_priority = false;
    for (const IntentScore& s : candidates) {
      const IntentPolicy* p = policies_.intent(s.intent);
      if (p != nullptr && p->priority <= 2) high_priority = true;
    }
    if (high_priority) {
      add_unique(d.reason_codes, reason::kTier2HighPriority);
    } else if (!tier3 && d.routing_confidence >= th.tier2_routing) {
      d.tier2_candidate = true;
    }
  }
  allow_reply(d, intent.tier1_template, reason::kTier1);
  finalize_tags(d);
  return d;
}

PolicyDecision PolicyEngine::finish_tier2(PolicyDecision d, const Tier2Evidence& evidence,
                                          const DecisionContext& c) const {
  if (!d.tier2_candidate) return d;
  d.tier2_candidate = false;
  auto route_only = [&](const char* why) {
    d.action = "route_only";
    d.template_id.reset();
    d.reply_tags.clear();
    d.close_after_reply = false;
    d.template_vars.clear();
    remove_value(d.reason_codes, reason::kTier1);
    add_unique(d.reason_codes, why);
  };

  if (evidence.lookup_failed || evidence.linked_orders != 1 || !evidence.order) {
    // Keep the Tier 1 "ask for the order number" reply decided already.
    add_unique(d.tags, "mw-order-lookup-needed");
    if (evidence.lookup_failed) add_unique(d.tags, "mw-order-lookup-failed");
    add_unique(d.reason_codes, reason::kTier2NoMatch);
    finalize_tags(d);
    return d;
  }
  if (!evidence.verifier) {
    route_only(reason::kTier2VerifierFailed);
    add_unique(d.tags, "mw-escalated-human");
    finalize_tags(d);
    return d;
  }
  const VerifierResult& v = *evidence.verifier;
  d.verifier_confidence = v.confidence;
  if (!v.allow_tier2 || v.confidence < policies_.thresholds.tier2_verifier) {
    route_only(reason::kTier2VerifierFailed);
    add_unique(d.tags, "mw-escalated-human");
    finalize_tags(d);
    return d;
  }
  const Order& order = *evidence.order;
  if (!orders::required_context_present(order, policies_.order_status)) {
    route_only(reason::kTier2ContextMissing);
    route(d, policies_.default_team);
    add_unique(d.tags, "mw-order-lookup-failed");
    add_unique(d.tags, "mw-order-status-suppressed");
    finalize_tags(d);
    return d;
  }
  orders::Tier2Selection selection =
      orders::select_tier2_template(order, c.now, policies_.order_status);
  d.order_selection = selection.reason;
  d.delivery_estimate = selection.estimate;
  const std::vector<std::string> blockers = reply_blockers(c, selection.template_id);
  if (!blockers.empty()) {
    route_only(reason::kTemplateDisabled);
    for (const std::string& b : blockers) add_unique(d.reason_codes, b);
    finalize_tags(d);
    return d;
  }
  d.tier = "TIER_2_VERIFIED";
  remove_value(d.reason_codes, reason::kTier1);
  allow_reply(d, selection.template_id, reason::kTier2);
  d.template_vars = std::move(selection.vars);
  // Closing needs both: the selection (within the window) and the catalog's auto-close allow-list.
  d.close_after_reply = d.close_after_reply && selection.auto_close;
  remove_value(d.reply_tags, "mw-auto-closed");
  if (d.close_after_reply) d.reply_tags.emplace_back("mw-auto-closed");
  if (const char* why = selection_reason(selection.reason)) add_unique(d.reason_codes, why);
  if (selection.needs_human) add_unique(d.tags, "mw-escalated-human");
  finalize_tags(d);
  return d;
}

}  // namespace rpmw::core::policy
