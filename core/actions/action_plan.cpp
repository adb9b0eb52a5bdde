#include "core/actions/action_plan.h"

#include <algorithm>

#include "core/actions/reply_fingerprint.h"

namespace rpmw::core::actions {
namespace json = boost::json;
namespace {

void add_unique(std::vector<std::string>& values, const std::string& value) {
  if (value.empty()) return;
  if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
}

bool starts_with(const std::string& value, std::string_view prefix) {
  return value.compare(0, prefix.size(), prefix) == 0;
}

std::vector<std::string> reply_tags_for(const PlannedReply& reply, bool close) {
  std::vector<std::string> tags = {"mw-auto-replied", "mw-template-" + reply.template_id,
                                   reply.tier == "TIER_2_VERIFIED" ? "mw-tier-2" : "mw-tier-1"};
  if (close) tags.emplace_back("mw-auto-closed");
  return tags;
}

// Renders `template_id`; nullopt with `why` set when it cannot be sent as is.
std::optional<PlannedReply> render_reply(const std::string& template_id, const std::string& tier,
                                         const std::map<std::string, std::string>& vars,
                                         const PlanContext& context, std::string& why) {
  const templates::TemplateDef* def = context.catalog.find(template_id);
  if (def == nullptr) {
    why = plan_reason::kRenderFailed;
    return std::nullopt;
  }
  auto rendered = templates::render(*def, context.channel, vars, context.catalog.brand);
  if (!rendered) {
    why = starts_with(rendered.error().code, "missing_required_var:") ? plan_reason::kVarsMissing
                                                                      : plan_reason::kRenderFailed;
    return std::nullopt;
  }
  PlannedReply reply;
  reply.template_id = template_id;
  reply.tier = tier;
  reply.path = context.channel == "email" ? kPathSendMessage : kPathComment;
  reply.variant = rendered->variant;
  reply.fingerprint = reply_fingerprint(rendered->text);
  reply.body = std::move(rendered->text);
  return reply;
}

}  // namespace

std::vector<std::string> send_failed_tags() {
  return {"mw-send-failed", "mw-escalated-human"};
}

bool auto_close_permitted(const PlannedReply& reply, const templates::Catalog& catalog) {
  const templates::TemplateDef* def = catalog.find(reply.template_id);
  return def != nullptr && def->auto_close && reply.tier == "TIER_2_VERIFIED";
}

ActionPlan plan_actions(const policy::PolicyDecision& decision, const PlanContext& context) {
  ActionPlan plan;
  // Reply tags computed here from what is really sent; the decision's own are a forecast.
  for (const std::string& tag : decision.tags) add_unique(plan.tags, tag);
  if (decision.action != "send_reply" || !decision.template_id) return plan;

  std::string why;
  std::optional<PlannedReply> reply =
      render_reply(*decision.template_id, decision.tier, decision.template_vars, context, why);
  if (!reply) {
    plan.reason_codes.push_back(why);
    const bool tier2 = decision.tier == "TIER_2_VERIFIED";
    if (tier2 && why == plan_reason::kVarsMissing && context.template_enabled &&
        context.template_enabled(kTier2FallbackTemplate)) {
      std::string fallback_why;
      reply = render_reply(kTier2FallbackTemplate, "TIER_1_SAFE_ASSIST", {}, context, fallback_why);
      if (reply) add_unique(plan.tags, "mw-order-lookup-needed");
    }
    if (!reply) {
      add_unique(plan.tags, "mw-escalated-human");
      return plan;
    }
  }
  if (reply->path == kPathSendMessage && context.bot_author_id.empty()) {
    // Only send-message reaches an email inbox, and it needs the bot agent as author.
    plan.reason_codes.emplace_back(plan_reason::kBotAuthorMissing);
    for (const std::string& tag : send_failed_tags()) add_unique(plan.tags, tag);
    return plan;
  }
  const bool same_template = reply->template_id == *decision.template_id;
  plan.close_after_reply =
      same_template && decision.close_after_reply && auto_close_permitted(*reply, context.catalog);
  if (same_template && decision.close_after_reply && !plan.close_after_reply) {
    plan.reason_codes.emplace_back(plan_reason::kAutoCloseRefused);
  }
  plan.reply_tags = reply_tags_for(*reply, plan.close_after_reply);
  plan.reply = std::move(reply);
  return plan;
}

json::object plan_to_json(const ActionPlan& plan) {
  json::object out;
  out["v"] = 1;
  out["tags"] = json::value_from(plan.tags);
  out["reply_tags"] = json::value_from(plan.reply_tags);
  out["close_after_reply"] = plan.close_after_reply;
  out["reason_codes"] = json::value_from(plan.reason_codes);
  if (plan.reply) {
    out["reply"] = json::object{{"template_id", plan.reply->template_id},
                                {"tier", plan.reply->tier},
                                {"path", plan.reply->path},
                                {"variant", plan.reply->variant},
                                {"fingerprint", plan.reply->fingerprint}};
  } else {
    out["reply"] = nullptr;
  }
  return out;
}

namespace {

Result<std::vector<std::string>> strings_of(const json::object& obj, std::string_view key) {
  std::vector<std::string> out;
  const json::value* v = obj.if_contains(key);
  if (v == nullptr || !v->is_array()) return fail(ErrorKind::internal, "corrupt_action_plan");
  for (const json::value& item : v->as_array()) {
    if (!item.is_string()) return fail(ErrorKind::internal, "corrupt_action_plan");
    out.emplace_back(item.as_string());
  }
  return out;
}

std::string string_of(const json::object& obj, std::string_view key) {
  const json::value* v = obj.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

Result<ActionPlan> plan_from_json(const json::value& value) {
  if (!value.is_object()) return fail(ErrorKind::internal, "corrupt_action_plan");
  const json::object& obj = value.as_object();
  ActionPlan plan;
  auto tags = strings_of(obj, "tags");
  auto reply_tags = strings_of(obj, "reply_tags");
  auto reasons = strings_of(obj, "reason_codes");
  if (!tags || !reply_tags || !reasons) return fail(ErrorKind::internal, "corrupt_action_plan");
  plan.tags = std::move(*tags);
  plan.reply_tags = std::move(*reply_tags);
  plan.reason_codes = std::move(*reasons);
  const json::value* close = obj.if_contains("close_after_reply");
  plan.close_after_reply = close != nullptr && close->is_bool() && close->as_bool();
  if (const json::value* reply = obj.if_contains("reply"); reply != nullptr && reply->is_object()) {
    const json::object& r = reply->as_object();
    PlannedReply planned;
    planned.template_id = string_of(r, "template_id");
    planned.tier = string_of(r, "tier");
    planned.path = string_of(r, "path");
    planned.variant = string_of(r, "variant");
    planned.fingerprint = string_of(r, "fingerprint");
    if (planned.template_id.empty() || planned.fingerprint.empty() ||
        (planned.path != kPathSendMessage && planned.path != kPathComment)) {
      return fail(ErrorKind::internal, "corrupt_action_plan");
    }
    plan.reply = std::move(planned);
  }
  return plan;
}

}  // namespace rpmw::core::actions
