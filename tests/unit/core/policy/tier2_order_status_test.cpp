#include <doctest/doctest.h>

#include <map>

#include "tests/unit/core/policy/engine_test_support.h"

using namespace rpmw::test_policy;

// finish_tier2 with the order-status selection of core/orders (spec/03 "Order status").
TEST_CASE("core/policy: Tier 2 order status without tracking") {
  const PolicyEngine engine(policies());
  const DecisionContext c = live();
  const PolicyDecision candidate = engine.decide(answer("order_status_tracking", 0.95), c);
  REQUIRE(candidate.tier2_candidate);

  SUBCASE("no tracking yet, within the window: the ETA template, closed after the reply") {
    // Ordered Monday 2025-12-29 (Standard, 3–5); asked Thursday 2026-01-01: 3 elapsed.
    Tier2Evidence e{1, false, order_with(false), verdict(true, 0.9)};
    const PolicyDecision d = engine.finish_tier2(candidate, e, c);
    CHECK(d.tier == "TIER_2_VERIFIED");
    CHECK(d.template_id == "t_order_eta_no_tracking_verified");
    CHECK(d.close_after_reply);
    CHECK(has(d.reply_tags, "mw-auto-closed"));
    CHECK_FALSE(has(d.tags, "mw-auto-closed"));  // only once the reply is really sent
    CHECK_FALSE(has(d.tags, "mw-escalated-human"));
    CHECK(has(d.reason_codes, "tier2_verified"));
    CHECK(has(d.reason_codes, "tier2_eta_within_window"));
    CHECK(d.order_selection == "eta_within_window");
    REQUIRE(d.delivery_estimate.has_value());
    CHECK(d.delivery_estimate->elapsed == 3);
    CHECK(d.template_vars ==
          std::map<std::string, std::string>{{"order_id", "1001"},
                                             {"order_created_date_human", "December 29, 2025"},
                                             {"shipping_bucket", "standard"},
                                             {"eta_remaining_human",
                                              "0\xE2\x80\x93"
                                              "2 business days"}});
  }
  SUBCASE("no tracking and late: the delay template and a human, never closed") {
    DecisionContext later = live();
    later.now = rpmw::core::from_epoch_ms(1'767'614'400'000);  // Monday 2026-01-05 12:00Z: 5
    Tier2Evidence e{1, false, order_with(false), verdict(true, 0.9)};
    const PolicyDecision d = engine.finish_tier2(candidate, e, later);
    CHECK(d.template_id == "t_shipping_delay_verified");
    CHECK(has(d.tags, "mw-escalated-human"));
    CHECK_FALSE(d.close_after_reply);
    CHECK_FALSE(has(d.reply_tags, "mw-auto-closed"));
    CHECK(has(d.reason_codes, "tier2_eta_late"));
    CHECK(d.order_selection == "late");
    CHECK(d.template_vars.count("eta_remaining_human") == 0);
  }
  SUBCASE("tracking: never closed") {
    Tier2Evidence e{1, false, order_with(true), verdict(true, 0.9)};
    const PolicyDecision d = engine.finish_tier2(candidate, e, c);
    CHECK(d.template_id == "t_order_status_verified");
    CHECK_FALSE(d.close_after_reply);
    CHECK_FALSE(has(d.reply_tags, "mw-auto-closed"));
    CHECK(d.template_vars.at("tracking_url") == "https://www.ups.com/track?tracknum=1Z999");
    CHECK(d.order_selection == "tracking");
  }
  SUBCASE("an unrecognised shipping method without tracking: suppressed") {
    rpmw::core::Order pigeon = order_with(false);
    pigeon.shipping_method = "Carrier pigeon";
    Tier2Evidence e{1, false, pigeon, verdict(true, 0.95)};
    const PolicyDecision d = engine.finish_tier2(candidate, e, c);
    CHECK(d.action == "route_only");
    CHECK(d.template_vars.empty());
    CHECK(has(d.tags, "mw-order-status-suppressed"));
    CHECK(has(d.reason_codes, "tier2_required_context_missing"));
  }
  SUBCASE("the ETA template switched off: no reply, nothing to close") {
    DecisionContext off = live();
    off.flags.effective["template.t_order_eta_no_tracking_verified.enabled"] = "false";
    Tier2Evidence e{1, false, order_with(false), verdict(true, 0.9)};
    const PolicyDecision d = engine.finish_tier2(candidate, e, off);
    CHECK(d.action == "route_only");
    CHECK_FALSE(d.close_after_reply);
    CHECK(d.template_vars.empty());
    CHECK(d.reply_tags.empty());
  }
}

TEST_CASE("core/policy: closing needs the catalog's auto-close allow-list too") {
  PolicySet set = policies();
  for (auto& t : set.templates) {
    if (t.id == "t_order_eta_no_tracking_verified") t.auto_close = false;
  }
  const PolicyEngine engine(set);
  const DecisionContext c = live();
  const PolicyDecision candidate = engine.decide(answer("order_status_tracking", 0.95), c);
  REQUIRE(candidate.tier2_candidate);
  Tier2Evidence e{1, false, order_with(false), verdict(true, 0.9)};
  const PolicyDecision d = engine.finish_tier2(candidate, e, c);
  CHECK(d.template_id == "t_order_eta_no_tracking_verified");
  CHECK_FALSE(d.close_after_reply);
  CHECK_FALSE(has(d.reply_tags, "mw-auto-closed"));
}

TEST_CASE("core/policy: the order-status policy's zone moves the dates") {
  PolicySet set = policies();
  set.order_status.zone = rpmw::core::orders::TimeZone::fixed("-08:00");
  const PolicyEngine engine(set);
  DecisionContext c = live();  // 2026-01-01T00:00Z is still December 31 in −08:00
  const PolicyDecision candidate = engine.decide(answer("order_status_tracking", 0.95), c);
  Tier2Evidence e{1, false, order_with(false), verdict(true, 0.9)};
  const PolicyDecision d = engine.finish_tier2(candidate, e, c);
  REQUIRE(d.delivery_estimate.has_value());
  CHECK(d.delivery_estimate->elapsed == 2);
  CHECK(d.template_vars.at("order_created_date_human") == "December 29, 2025");
}
