#include "core/actions/action_plan.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "core/actions/reply_fingerprint.h"
#include "tests/unit/core/actions/actions_test_support.h"

using rpmw::actions_test::catalog;
using rpmw::actions_test::has;
using rpmw::core::actions::ActionPlan;
using rpmw::core::actions::PlanContext;
using rpmw::core::policy::PolicyDecision;

namespace {

PolicyDecision reply_decision(const std::string& template_id, const std::string& tier) {
  PolicyDecision d;
  d.primary_intent = "order_status";
  d.action = "send_reply";
  d.template_id = template_id;
  d.tier = tier;
  d.tags = {"route-email-support", "mw-routing-applied", "mw-processed"};
  return d;
}

PlanContext context(const std::string& channel, const std::string& author = "bot-1",
                    bool ask_enabled = true) {
  return PlanContext{catalog(), channel, author,
                     [ask_enabled](const std::string&) { return ask_enabled; }};
}

std::map<std::string, std::string> eta_vars() {
  return {{"order_id", "#1042"},
          {"shipping_bucket", "standard"},
          {"eta_remaining_human", "1–3 business days"}};
}

}  // namespace

TEST_CASE("plan: a route-only decision writes its tags and nothing else") {
  PolicyDecision d;
  d.tags = {"route-returns-admin", "mw-routing-applied"};
  const ActionPlan plan = plan_actions(d, context("email"));
  CHECK_FALSE(plan.reply.has_value());
  CHECK(plan.tags == d.tags);
  CHECK(plan.reply_tags.empty());
  CHECK_FALSE(plan.close_after_reply);
}

TEST_CASE("plan: reply paths by channel") {
  const PolicyDecision d = reply_decision("t_damaged_item_intake", "TIER_1_SAFE_ASSIST");
  const ActionPlan email = plan_actions(d, context("email"));
  REQUIRE(email.reply.has_value());
  CHECK(email.reply->path == "send_message");
  CHECK(email.reply->variant == "email");
  CHECK_FALSE(email.reply->body.empty());
  CHECK(email.reply->fingerprint == rpmw::core::actions::reply_fingerprint(email.reply->body));
  CHECK(email.reply_tags == std::vector<std::string>{"mw-auto-replied",
                                                     "mw-template-t_damaged_item_intake",
                                                     "mw-tier-1"});
  const ActionPlan chat = plan_actions(d, context("livechat"));
  REQUIRE(chat.reply.has_value());
  CHECK(chat.reply->path == "comment");
  CHECK(chat.reply->body != email.reply->body);
  const ActionPlan social = plan_actions(d, context("social"));
  REQUIRE(social.reply.has_value());
  CHECK(social.reply->path == "comment");
  CHECK(social.reply->variant == "default");
}

TEST_CASE("plan: an email reply without a bot author is not sent") {
  const PolicyDecision d = reply_decision("t_damaged_item_intake", "TIER_1_SAFE_ASSIST");
  const ActionPlan plan = plan_actions(d, context("email", ""));
  CHECK_FALSE(plan.reply.has_value());
  CHECK(has(plan.tags, "mw-send-failed"));
  CHECK(has(plan.tags, "mw-escalated-human"));
  CHECK(has(plan.reason_codes, "bot_author_missing"));
  // Chat replies are comments and need no author.
  CHECK(plan_actions(d, context("livechat", "")).reply.has_value());
}

TEST_CASE("plan: a Tier 2 reply missing its order facts downgrades to the Tier 1 ask") {
  PolicyDecision d = reply_decision("t_order_status_verified", "TIER_2_VERIFIED");
  d.template_vars = {{"order_id", "#1042"}};  // order_status missing
  const ActionPlan plan = plan_actions(d, context("livechat"));
  REQUIRE(plan.reply.has_value());
  CHECK(plan.reply->template_id == "t_order_status_ask_order_number");
  CHECK(plan.reply->tier == "TIER_1_SAFE_ASSIST");
  CHECK(has(plan.reply_tags, "mw-tier-1"));
  CHECK(has(plan.tags, "mw-order-lookup-needed"));
  CHECK(has(plan.reason_codes, "template_vars_missing_downgraded"));
  CHECK(plan.reply->body.find("#1042") == std::string::npos);

  SUBCASE("and to route-only when the ask template is switched off") {
    const ActionPlan off = plan_actions(d, context("livechat", "bot-1", false));
    CHECK_FALSE(off.reply.has_value());
    CHECK(has(off.tags, "mw-escalated-human"));
  }
}

TEST_CASE("plan: a Tier 1 template with a missing variable is route-only, never half-rendered") {
  PolicyDecision d = reply_decision("t_order_eta_no_tracking_verified", "TIER_1_SAFE_ASSIST");
  d.template_vars = {{"order_id", "#1042"}};
  const ActionPlan plan = plan_actions(d, context("livechat"));
  CHECK_FALSE(plan.reply.has_value());
  CHECK(has(plan.tags, "mw-escalated-human"));
}

TEST_CASE("plan: auto-close only for the ETA template on a verified Tier 2 reply") {
  PolicyDecision d = reply_decision("t_order_eta_no_tracking_verified", "TIER_2_VERIFIED");
  d.template_vars = eta_vars();
  d.close_after_reply = true;
  const ActionPlan plan = plan_actions(d, context("livechat"));
  REQUIRE(plan.reply.has_value());
  CHECK(plan.close_after_reply);
  CHECK(has(plan.reply_tags, "mw-auto-closed"));
  CHECK(plan.reply->body.find("1–3 business days") != std::string::npos);

  SUBCASE("a decision asking to close another template is refused") {
    PolicyDecision other = reply_decision("t_damaged_item_intake", "TIER_1_SAFE_ASSIST");
    other.close_after_reply = true;
    const ActionPlan refused = plan_actions(other, context("livechat"));
    CHECK_FALSE(refused.close_after_reply);
    CHECK_FALSE(has(refused.reply_tags, "mw-auto-closed"));
    CHECK(has(refused.reason_codes, "auto_close_not_permitted"));
  }
  SUBCASE("the ETA template outside Tier 2 does not close") {
    PolicyDecision tier1 = d;
    tier1.tier = "TIER_1_SAFE_ASSIST";
    CHECK_FALSE(plan_actions(tier1, context("livechat")).close_after_reply);
  }
}

TEST_CASE("plan: the stored form keeps everything but the reply text") {
  PolicyDecision d = reply_decision("t_order_eta_no_tracking_verified", "TIER_2_VERIFIED");
  d.template_vars = eta_vars();
  d.close_after_reply = true;
  const ActionPlan plan = plan_actions(d, context("email"));
  const boost::json::object stored = rpmw::core::actions::plan_to_json(plan);
  CHECK(boost::json::serialize(stored).find("business days") == std::string::npos);
  auto back = rpmw::core::actions::plan_from_json(stored);
  REQUIRE(back.has_value());
  CHECK(back->tags == plan.tags);
  CHECK(back->reply_tags == plan.reply_tags);
  CHECK(back->close_after_reply);
  REQUIRE(back->reply.has_value());
  CHECK(back->reply->fingerprint == plan.reply->fingerprint);
  CHECK(back->reply->path == "send_message");
  CHECK(back->reply->body.empty());
  CHECK_FALSE(rpmw::core::actions::plan_from_json(boost::json::value(3)).has_value());
}

TEST_CASE("fingerprint: the same reply read back as HTML or plain text matches") {
  using rpmw::core::actions::reply_fingerprint;
  const std::string plain = "Hi there,\n\nWe're on it & will reply.\n\nCustomer Support";
  CHECK(reply_fingerprint(plain) ==
        reply_fingerprint("<p>Hi there,</p><p>We&#39;re on it &amp; will reply.</p>"
                          "<p>Customer Support</p>"));
  CHECK(reply_fingerprint(plain) == reply_fingerprint("Hi there, We're on it & will reply. "
                                                      "Customer Support  "));
  CHECK(reply_fingerprint(plain) != reply_fingerprint("Hi there, We're on it."));
}
