#include "core/decision/rules_verifier.h"

#include <doctest/doctest.h>

#include "app/policy/policy_loader.h"

using rpmw::core::VerifierInput;

TEST_CASE(
    "core/decision: the rules verifier allows Tier 2 only for a clean, matched order status") {
  static const auto set = rpmw::app::load_policies({}).set;
  rpmw::core::decision::RulesVerifier verifier(set);
  VerifierInput input;
  input.primary_intent = "order_status_tracking";
  input.deterministic_match = true;
  auto ok = verifier.verify(input);
  REQUIRE(ok.has_value());
  CHECK(ok->allow_tier2);
  CHECK(ok->confidence >= 0.8);
  CHECK(ok->reason_code == "OK");

  input.primary_intent = "shipping_delay_not_shipped";
  CHECK(verifier.verify(input)->allow_tier2);

  struct Case {
    const char* primary;
    std::vector<std::string> secondary;
    bool match;
    const char* reason;
  };
  for (const Case& c :
       {Case{"refund_request", {}, true, "NOT_ORDER_STATUS"},
        Case{"order_status_tracking", {"cancel_order"}, true, "CONFLICTING_INTENT"},
        Case{"order_status_tracking", {"refund_request"}, true, "CONFLICTING_INTENT"},
        Case{"order_status_tracking", {"address_change_order_edit"}, true, "CONFLICTING_INTENT"},
        Case{"order_status_tracking", {"fraud_suspected"}, true, "ESCALATION_PRESENT"},
        Case{"order_status_tracking", {"not_an_intent"}, true, "TOO_AMBIGUOUS"},
        Case{"order_status_tracking", {}, false, "DETERMINISTIC_MATCH_FALSE"}}) {
    CAPTURE(c.primary);
    VerifierInput in;
    in.primary_intent = c.primary;
    in.secondary_intents = c.secondary;
    in.deterministic_match = c.match;
    auto r = verifier.verify(in);
    REQUIRE(r.has_value());
    CHECK_FALSE(r->allow_tier2);
    CHECK(r->reason_code == c.reason);
  }
  // Lower-priority extras do not conflict.
  VerifierInput extra;
  extra.primary_intent = "order_status_tracking";
  extra.secondary_intents = {"pre_purchase_question"};
  extra.deterministic_match = true;
  CHECK(verifier.verify(extra)->allow_tier2);
}
