#include "core/policy/policy_engine.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "tests/unit/core/policy/engine_test_support.h"

using namespace rpmw::test_policy;

TEST_CASE("core/policy: a confident Tier 1 intent gets its team, tags and intake template") {
  const PolicyDecision d = decide(answer("damaged_item", 0.95));
  CHECK(d.primary_intent == "damaged_item");
  CHECK(d.team == "Returns Admin");
  CHECK(d.route_tag == "route-returns-admin");
  CHECK(d.tier == "TIER_1_SAFE_ASSIST");
  CHECK(d.action == "send_reply");
  CHECK(d.template_id == "t_damaged_item_intake");
  CHECK(d.routing_confidence == doctest::Approx(0.95));
  CHECK(has(d.reason_codes, "tier1_safe_assist"));
  CHECK(d.tags.front() == "route-returns-admin");
  CHECK(has(d.tags, "mw-routing-applied"));
  CHECK(has(d.tags, "mw-intent-damaged-item"));
  CHECK(has(d.tags, "mw-processed"));
  CHECK(has(d.reply_tags, "mw-auto-replied"));
  CHECK(has(d.reply_tags, "mw-template-t_damaged_item_intake"));
  CHECK(has(d.reply_tags, "mw-tier-1"));
  CHECK_FALSE(has(d.tags, "mw-auto-replied"));  // only once the reply is really sent
  const auto route_tags = std::count_if(
      d.tags.begin(), d.tags.end(), [](const std::string& t) { return t.rfind("route-", 0) == 0; });
  CHECK(route_tags == 1);
}

TEST_CASE("core/policy: routing thresholds at their edges") {
  // One intent, long message, no competitor: routing confidence = classifier confidence.
  struct Case {
    double confidence;
    const char* team;
    const char* tag;
  };
  for (const Case& c :
       {Case{0.60, "Returns Admin", ""}, Case{0.5999, "Email Support Team", "mw-uncertain"},
        Case{0.50, "Email Support Team", "mw-uncertain"},
        Case{0.4999, "Email Support Team", "mw-needs-manual-triage"}}) {
    CAPTURE(c.confidence);
    const PolicyDecision d = decide(answer("return_request", c.confidence));
    CHECK(d.routing_confidence == doctest::Approx(c.confidence));
    CHECK(d.team == c.team);
    if (*c.tag != 0) CHECK(has(d.tags, c.tag));
    CHECK(d.action == "route_only");  // all below return's 0.65 reply threshold
  }
}

TEST_CASE("core/policy: each uncertainty signal costs 0.10 of routing confidence") {
  SUBCASE("margin under 0.10") {
    const PolicyDecision d = decide(answer("cancel_order", 0.90, {{"refund_request", 0.85}}));
    // Two intents above 0.55 as well: two penalties.
    CHECK(d.routing_confidence == doctest::Approx(0.70));
    CHECK(d.margin == doctest::Approx(0.05));
    CHECK(d.action == "route_only");  // a reply needs margin ≥ 0.10
    CHECK(has(d.reason_codes, "reply_threshold_not_met"));
  }
  SUBCASE("short message") {
    DecisionContext c = live();
    c.word_count = 4;
    CHECK(decide(answer("cancel_order", 0.90), c).routing_confidence == doctest::Approx(0.80));
    c.word_count = 5;
    CHECK(decide(answer("cancel_order", 0.90), c).routing_confidence == doctest::Approx(0.90));
  }
  SUBCASE("attachment only: penalty and never a reply") {
    DecisionContext c = live();
    c.attachment_only = true;
    const PolicyDecision d = decide(answer("damaged_item", 0.95), c);
    CHECK(d.routing_confidence == doctest::Approx(0.85));
    CHECK(d.action == "route_only");
    CHECK(has(d.tags, "mw-attachment-only"));
  }
  SUBCASE("a weak competitor does not count as a second intent") {
    const PolicyDecision d = decide(answer("cancel_order", 0.95, {{"refund_request", 0.55}}));
    CHECK(d.routing_confidence == doctest::Approx(0.95));
  }
}

TEST_CASE("core/policy: Tier 1 reply thresholds per intent") {
  struct Case {
    const char* intent;
    double just_below;
    double at;
  };
  for (const Case& c :
       {Case{"billing_issue", 0.5999, 0.60}, Case{"cancel_order", 0.6499, 0.65},
        Case{"return_request", 0.6499, 0.65}, Case{"cancel_subscription", 0.6499, 0.65},
        Case{"address_change_order_edit", 0.6499, 0.65}, Case{"technical_support", 0.6999, 0.70}}) {
    CAPTURE(c.intent);
    CHECK(decide(answer(c.intent, c.just_below)).action == "route_only");
    CHECK(decide(answer(c.intent, c.at)).action == "send_reply");
  }
}

TEST_CASE("core/policy: the priority matrix for every pair of levels") {
  // One representative per level P0..P7; the higher level always wins, both ways round.
  const std::vector<std::string> levels = {"chargeback_dispute",    "cancel_order",
                                           "wrong_item_received",   "return_request",
                                           "order_status_tracking", "social_media_support_request",
                                           "pre_purchase_question", "unknown_other"};
  for (std::size_t hi = 0; hi < levels.size(); ++hi) {
    for (std::size_t lo = hi + 1; lo < levels.size(); ++lo) {
      CAPTURE(levels[hi]);
      CAPTURE(levels[lo]);
      CHECK(decide(answer(levels[lo], 0.95, {{levels[hi], 0.70}})).primary_intent == levels[hi]);
      CHECK(decide(answer(levels[hi], 0.70, {{levels[lo], 0.95}})).primary_intent == levels[hi]);
    }
  }
}

TEST_CASE("core/policy: ties within a level, specialists and channel-first") {
  SUBCASE("root cause beats the desired outcome at the same level") {
    const PolicyDecision d =
        decide(answer("order_status_tracking", 0.95, {{"shipping_delay_not_shipped", 0.70}}));
    CHECK(d.primary_intent == "shipping_delay_not_shipped");
    CHECK(d.secondary_intents == std::vector<std::string>{"order_status_tracking"});
  }
  SUBCASE("then the higher confidence") {
    CHECK(decide(answer("refund_request", 0.95, {{"return_request", 0.80}})).primary_intent ==
          "refund_request");
    CHECK(decide(answer("refund_request", 0.80, {{"return_request", 0.95}})).primary_intent ==
          "return_request");
  }
  SUBCASE("then policy order") {
    CHECK(decide(answer("refund_request", 0.95, {{"return_request", 0.95}})).primary_intent ==
          "return_request");
  }
  SUBCASE("damaged beats refund") {
    const PolicyDecision d = decide(answer("refund_request", 0.97, {{"damaged_item", 0.80}}));
    CHECK(d.primary_intent == "damaged_item");
    CHECK(has(d.tags, "mw-secondary-refund"));
  }
  SUBCASE("technical support goes to Technical Support even with order status present") {
    const PolicyDecision d =
        decide(answer("order_status_tracking", 0.95, {{"technical_support", 0.80}}));
    CHECK(d.primary_intent == "technical_support");
    CHECK(d.team == "Technical Support Team");
    CHECK(has(d.reason_codes, "specialist_rule"));
    CHECK(has(d.tags, "mw-needs-tech-support"));
  }
  SUBCASE("a specialist does not beat a higher concern outside its list") {
    CHECK(decide(answer("cancel_order", 0.80, {{"technical_support", 0.95}})).primary_intent ==
          "cancel_order");
  }
  SUBCASE("at most two secondaries, by priority") {
    const PolicyDecision d = decide(
        answer("pre_purchase_question", 0.9,
               {{"order_status_tracking", 0.9}, {"refund_request", 0.9}, {"cancel_order", 0.9}}));
    CHECK(d.primary_intent == "cancel_order");
    CHECK(d.secondary_intents ==
          std::vector<std::string>{"refund_request", "order_status_tracking"});
  }
  SUBCASE("channel first: a general intent on TikTok or social goes to that channel's team") {
    PolicyDecision d = decide(answer("unknown_other", 0.9), live("tiktok"));
    CHECK(d.primary_intent == "tiktok_support_request");
    CHECK(d.team == "TikTok Support");
    CHECK(has(d.reason_codes, "channel_first"));
    d = decide(answer("unknown_other", 0.9), live("social"));
    CHECK(d.team == "Social Media Team");
    // Whatever the confidence: "hello??" on TikTok is TikTok Support's, also when the classifier
    // already applied channel-first itself.
    d = decide(answer("unknown_other", 0.3), live("tiktok"));
    CHECK(d.team == "TikTok Support");
    CHECK(d.action == "route_only");
    CHECK(decide(answer("tiktok_support_request", 0.3), live("tiktok")).team == "TikTok Support");
    // A clear intent keeps its own team on those channels.
    CHECK(decide(answer("cancel_order", 0.9), live("social")).team == "Email Support Team");
    CHECK(decide(answer("unknown_other", 0.9), live("email")).team == "Email Support Team");
  }
}

TEST_CASE("core/policy: Tier 0 is human only, whatever the model says") {
  SUBCASE("the model recommends a reply for a chargeback") {
    ClassifierOutcome o = answer("chargeback_dispute", 0.30);
    o.decision->automation.action = "SEND_TEMPLATE";
    o.decision->automation.template_id = "t_chargeback_neutral_ack";
    const PolicyDecision d = decide(o);
    CHECK(d.tier == "TIER_0_ESCALATION");
    CHECK(d.team == "Chargebacks / Disputes Team");  // whatever the confidence
    CHECK(d.action == "route_only");
    CHECK_FALSE(d.template_id.has_value());
    CHECK(d.reply_tags.empty());
    CHECK(has(d.tags, "mw-tier-0"));
    CHECK(has(d.tags, "mw-escalated-human"));
    CHECK(has(d.reason_codes, "tier0_always_handoff"));
    CHECK(has(d.risk_flags, "CHARGEBACK_DISPUTE"));
  }
  SUBCASE("a screen hit overrides a confident non-Tier 0 model answer") {
    DecisionContext c = live();
    c.tier0.hits.push_back(Tier0Hit{"legal_threat", "LEGAL_THREAT", 1, 1});
    ClassifierOutcome o = answer("refund_request", 0.99);
    o.decision->automation.action = "SEND_TEMPLATE";
    const PolicyDecision d = decide(o, c);
    CHECK(d.primary_intent == "legal_threat");
    CHECK(d.team == "Leadership Team");
    CHECK(d.action == "route_only");
    CHECK(has(d.secondary_intents, "refund_request"));
  }
  SUBCASE("fraud adds its extra tag") {
    const PolicyDecision d = decide(answer("fraud_suspected", 0.9));
    CHECK(has(d.tags, "mw-fraud-suspected"));
    CHECK(d.team == "Leadership Team");
  }
  SUBCASE("several Tier 0 hits: policy order among equals") {
    DecisionContext c = live();
    c.tier0.hits.push_back(Tier0Hit{"chargeback_dispute", "CHARGEBACK_DISPUTE", 2, 2});
    c.tier0.hits.push_back(Tier0Hit{"fraud_suspected", "FRAUD_SUSPECTED", 1, 1});
    const PolicyDecision d = decide(answer("unknown_other", 0.6), c);
    CHECK(d.primary_intent == "fraud_suspected");
    CHECK(d.secondary_intents.front() == "chargeback_dispute");
  }
}

TEST_CASE("core/policy: fail closed on invalid or missing model output") {
  for (auto kind :
       {ClassifierOutcome::Kind::schema_invalid, ClassifierOutcome::Kind::unavailable}) {
    ClassifierOutcome o;
    o.kind = kind;
    o.classifier = "llm";
    PolicyDecision d = decide(o);
    CHECK(d.team == "Email Support Team");
    CHECK(d.action == "route_only");
    CHECK(has(d.tags, "mw-model-failure"));
    CHECK(has(d.reason_codes, kind == ClassifierOutcome::Kind::schema_invalid
                                  ? "schema_invalid_fail_closed"
                                  : "vendor_error_fail_closed"));
    // The Tier 0 screen still routes a dangerous message to its team.
    DecisionContext c = live();
    c.tier0.hits.push_back(Tier0Hit{"harassment_threats", "HARASSMENT_THREATS", 1, 1});
    d = decide(o, c);
    CHECK(d.team == "Leadership Team");
    CHECK(d.tier == "TIER_0_ESCALATION");
    CHECK(has(d.tags, "mw-model-failure"));
  }
  SUBCASE("LLM fallback to rules: routed, never a reply") {
    ClassifierOutcome o = answer("damaged_item", 0.95);
    o.kind = ClassifierOutcome::Kind::fallback;
    const PolicyDecision d = decide(o);
    CHECK(d.team == "Returns Admin");
    CHECK(d.action == "route_only");
    CHECK(has(d.reason_codes, "llm_fallback_rules"));
  }
  SUBCASE("model risk flags or manual triage: no reply") {
    ClassifierOutcome o = answer("refund_request", 0.95);
    o.decision->risk.flags = {"OTHER_HIGH_RISK"};
    CHECK(decide(o).action == "route_only");
    o = answer("refund_request", 0.95);
    o.decision->routing.needs_manual_triage = true;
    const PolicyDecision d = decide(o);
    CHECK(d.action == "route_only");
    CHECK(has(d.tags, "mw-needs-manual-triage"));
  }
  SUBCASE("a Tier 3 recommendation is downgraded to Tier 1 intake and a human") {
    ClassifierOutcome o = answer("refund_request", 0.95);
    o.decision->automation.tier = "TIER_3_AUTO_ACTION";
    const PolicyDecision d = decide(o);
    CHECK(d.tier == "TIER_1_SAFE_ASSIST");
    CHECK(d.template_id == "t_refund_request_intake");
    CHECK(has(d.tags, "mw-escalated-human"));
    CHECK(has(d.reason_codes, "tier3_downgraded"));
    ClassifierOutcome t2 = answer("order_status_tracking", 0.95);
    t2.decision->automation.tier = "TIER_3_AUTO_ACTION";
    CHECK_FALSE(decide(t2).tier2_candidate);
  }
}

TEST_CASE("core/policy: kill switches, template and channel flags") {
  const ClassifierOutcome o = answer("missing_items_in_shipment", 0.95);
  auto blocked_by = [&](DecisionContext c, const char* reason) {
    const PolicyDecision d = decide(o, c);
    CHECK(d.action == "route_only");
    CHECK(has(d.reason_codes, reason));
    CHECK(d.team == "Returns Admin");  // routing still applies
    CHECK(has(d.tags, "route-returns-admin"));
  };
  DecisionContext c = live();
  c.flags.safe_mode = true;
  blocked_by(c, "safe_mode_route_only");
  c = live();
  c.flags.automation_enabled = false;
  blocked_by(c, "automation_disabled");
  c = live();
  c.flags.effective["template.t_missing_items_intake.enabled"] = "false";
  blocked_by(c, "template_disabled");
  blocked_by(live("social"), "channel_not_automated");
  c = live();
  c.flags.effective["channel.email.automation"] = "false";
  blocked_by(c, "channel_not_automated");
  c = live();
  c.ticket_closed = true;
  blocked_by(c, "ticket_closed");
  // Shadow mode records what would happen, with the reason; nothing is executed downstream.
  c = live();
  c.flags.shadow_mode = true;
  const PolicyDecision shadow = decide(o, c);
  CHECK(shadow.action == "send_reply");
  CHECK(has(shadow.reason_codes, "shadow_mode"));
  // A template off by default stays off; a flag can switch one on.
  c = live();
  ClassifierOutcome unknown = answer("unknown_other", 0.95);
  CHECK(decide(unknown, c).action == "route_only");
}

TEST_CASE("core/policy: loop guard and cooldowns") {
  const ClassifierOutcome o = answer("wrong_item_received", 0.95);
  const std::int64_t now = 1'767'225'600'000;
  DecisionContext c = live();
  SUBCASE("tagged as auto-replied with no record: a follow-up goes to a human") {
    c.ticket_tags = {"mw-auto-replied"};
    const PolicyDecision d = decide(o, c);
    CHECK(d.action == "route_only");
    CHECK(has(d.reason_codes, "auto_replied_follow_up"));
    CHECK(has(d.tags, "mw-escalated-human"));
  }
  SUBCASE("a reply 9 minutes ago: follow-up") {
    c.ticket_tags = {"mw-auto-replied"};
    c.conversation = rpmw::core::ConversationRecord{};
    c.conversation->auto_reply_epoch_ms = {now - 9 * 60 * 1000};
    CHECK(has(decide(o, c).reason_codes, "auto_replied_follow_up"));
  }
  SUBCASE("three replies in 24 h: rate limited") {
    c.conversation = rpmw::core::ConversationRecord{};
    c.conversation->auto_reply_epoch_ms = {now - 20 * 3600 * 1000, now - 10 * 3600 * 1000,
                                           now - 3600 * 1000};
    const PolicyDecision d = decide(o, c);
    CHECK(d.action == "route_only");
    CHECK(has(d.reason_codes, "cooldown_active"));
    CHECK(has(d.tags, "mw-auto-rate-limited"));
  }
  SUBCASE("one reply 11 minutes ago, older ones past 24 h: allowed") {
    c.ticket_tags = {"mw-auto-replied"};
    c.conversation = rpmw::core::ConversationRecord{};
    c.conversation->auto_reply_epoch_ms = {now - 30 * 3600 * 1000, now - 26 * 3600 * 1000,
                                           now - 11 * 60 * 1000};
    CHECK(decide(o, c).action == "send_reply");
  }
}

TEST_CASE("core/policy: Tier 2 needs a deterministic match and the verifier") {
  const PolicyEngine engine(policies());
  const DecisionContext c = live();
  const PolicyDecision candidate = engine.decide(answer("order_status_tracking", 0.95), c);
  REQUIRE(candidate.tier2_candidate);
  CHECK(candidate.template_id == "t_order_status_ask_order_number");

  SUBCASE("no linked order, several, or a failed lookup: the Tier 1 ask template") {
    for (int links : {0, 2}) {
      Tier2Evidence e;
      e.linked_orders = links;
      const PolicyDecision d = engine.finish_tier2(candidate, e, c);
      CHECK(d.tier == "TIER_1_SAFE_ASSIST");
      CHECK(d.template_id == "t_order_status_ask_order_number");
      CHECK(has(d.tags, "mw-order-lookup-needed"));
      CHECK(has(d.reason_codes, "tier2_missing_deterministic_match"));
    }
    Tier2Evidence failed;
    failed.lookup_failed = true;
    CHECK(has(engine.finish_tier2(candidate, failed, c).tags, "mw-order-lookup-failed"));
  }
  SUBCASE("verified with tracking") {
    Tier2Evidence e{1, false, order_with(true), verdict(true, 0.80)};
    const PolicyDecision d = engine.finish_tier2(candidate, e, c);
    CHECK(d.tier == "TIER_2_VERIFIED");
    CHECK(d.action == "send_reply");
    CHECK(d.template_id == "t_order_status_verified");
    CHECK(has(d.reason_codes, "tier2_verified"));
    CHECK_FALSE(has(d.reason_codes, "tier1_safe_assist"));
    CHECK(has(d.reply_tags, "mw-tier-2"));
    CHECK(d.verifier_confidence == doctest::Approx(0.80));
  }
  SUBCASE("the verifier says no, is unsure, or fails: route only") {
    for (const auto& v :
         {std::optional<VerifierResult>(verdict(false, 0.95)),
          std::optional<VerifierResult>(verdict(true, 0.7999)), std::optional<VerifierResult>()}) {
      Tier2Evidence e{1, false, order_with(true), v};
      const PolicyDecision d = engine.finish_tier2(candidate, e, c);
      CHECK(d.action == "route_only");
      CHECK_FALSE(d.template_id.has_value());
      CHECK(d.reply_tags.empty());
      CHECK(has(d.reason_codes, "tier2_verifier_failed"));
    }
  }
  SUBCASE("required context missing: suppressed") {
    rpmw::core::Order bare = order_with(false);
    bare.shipping_method.clear();
    Tier2Evidence e{1, false, bare, verdict(true, 0.95)};
    const PolicyDecision d = engine.finish_tier2(candidate, e, c);
    CHECK(d.action == "route_only");
    CHECK(has(d.tags, "mw-order-status-suppressed"));
    CHECK(has(d.tags, "mw-order-lookup-failed"));
  }
  SUBCASE("routing under 0.70 is no Tier 2 candidate") {
    CHECK_FALSE(engine.decide(answer("order_status_tracking", 0.6999), c).tier2_candidate);
    CHECK(engine.decide(answer("order_status_tracking", 0.70), c).tier2_candidate);
  }
  SUBCASE("any P0–P2 intent denies Tier 2") {
    const PolicyDecision d =
        engine.decide(answer("order_status_tracking", 0.95, {{"damaged_item", 0.9}}), c);
    CHECK(d.primary_intent == "damaged_item");
    CHECK_FALSE(d.tier2_candidate);
  }
  SUBCASE("automation off: no order lookup is even attempted") {
    DecisionContext off = live();
    off.flags.automation_enabled = false;
    CHECK_FALSE(engine.decide(answer("order_status_tracking", 0.95), off).tier2_candidate);
  }
}

TEST_CASE("core/policy: an incomplete Tier 0 screen means a person reads the message") {
  DecisionContext c = live();
  c.tier0.failed = true;
  const PolicyDecision d = decide(answer("damaged_item", 0.95), c);
  CHECK(d.team == "Returns Admin");
  CHECK(d.action == "route_only");
  CHECK(has(d.tags, "mw-needs-manual-triage"));
  CHECK(has(d.reason_codes, "tier0_screen_incomplete"));
}

TEST_CASE("core/policy: the general intent is never a secondary next to a real one") {
  const PolicyDecision d = decide(answer("cancel_order", 0.95, {{"unknown_other", 0.9}}));
  CHECK(d.primary_intent == "cancel_order");
  CHECK(d.secondary_intents.empty());
  CHECK_FALSE(has(d.tags, "mw-secondary-unknown"));
  CHECK(d.routing_confidence == doctest::Approx(0.95));  // and no multi-intent penalty from it
  CHECK(decide(answer("unknown_other", 0.9)).primary_intent == "unknown_other");
}
