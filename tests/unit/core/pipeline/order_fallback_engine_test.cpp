// The decision engine's order-number fallback (spec/03 "Order status (Tier 2)"): only for a
// Tier 2 candidate without a Richpanel-linked order, only with orders.shopify_fallback on, and
// only a unique contact match counts as the deterministic match.
#include <doctest/doctest.h>

#include <algorithm>
#include <boost/json.hpp>

#include "app/runtime/engine_kit.h"
#include "core/pipeline/decision_record.h"
#include "core/pipeline/pipeline.h"
#include "tests/fakes/fake_order_search.h"
#include "tests/fakes/fake_order_source.h"

using rpmw::core::ErrorKind;
using rpmw::core::Order;
using rpmw::core::pipeline::EngineResult;

namespace {

constexpr std::int64_t kNowMs = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
constexpr std::int64_t kDayMs = 86'400'000;
constexpr const char* kWhere = "Where is my order #1042? I ordered it a few days ago.";

Order shop_order(const std::string& id, const std::string& email, const std::string& phone = {}) {
  Order o;
  o.order_id = id;
  o.order_name = "#1042";
  o.status = "open";
  o.financial_status = "paid";
  o.fulfillment_status = "fulfilled";
  o.created_at_ms = kNowMs - 3 * kDayMs;
  o.shipping_method = "Standard Shipping";
  rpmw::core::Fulfillment f;
  f.status = "success";
  f.created_at_ms = kNowMs - 2 * kDayMs;
  f.tracking.push_back({"1Z999AA10123456784", "UPS", "", ""});
  o.fulfillments.push_back(f);
  o.customer_email = email;
  o.customer_phone = phone;
  return o;
}

struct Harness {
  Harness() {
    rpmw::app::EngineOptions options;
    options.orders = &links;
    options.order_search = &search;
    kit = rpmw::app::EngineKit::embedded(options);
    flags.shadow_mode = false;
    flags.safe_mode = false;
    flags.automation_enabled = true;
    flags.shopify_fallback = true;
  }

  EngineResult decide(const std::string& text = kWhere,
                      const std::string& email = "ann@example.com", const std::string& phone = {}) {
    rpmw::core::Ticket ticket =
        rpmw::core::pipeline::synthetic_ticket("t-shop", "c-1", "email", text);
    ticket.customer_email = email;
    ticket.customer_phone = phone;
    return kit->engine().run(
        {ticket, ticket.comments[0], flags, {}, rpmw::core::from_epoch_ms(kNowMs)});
  }

  rpmw::fakes::FakeOrderSource links;
  rpmw::fakes::FakeOrderSearch search;
  std::unique_ptr<rpmw::app::EngineKit> kit;
  rpmw::core::flags::FlagSnapshot flags;
};

bool has(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The ask-for-the-order-number reply of a Tier 2 candidate without a deterministic match.
void check_no_match(const EngineResult& r) {
  CHECK(r.decision.tier == "TIER_1_SAFE_ASSIST");
  CHECK(r.decision.template_id == "t_order_status_ask_order_number");
  CHECK(has(r.decision.tags, "mw-order-lookup-needed"));
  CHECK(has(r.decision.reason_codes, "tier2_missing_deterministic_match"));
}

}  // namespace

TEST_CASE("core/pipeline: one order whose email matches is the Tier 2 evidence") {
  Harness h;
  h.search.put_order(shop_order("9001", "Ann@Example.com"));
  const EngineResult r = h.decide();
  CHECK(h.search.searched() == std::vector<std::string>{"1042"});
  CHECK(r.order_lookup);
  CHECK(r.order_match == "shopify_contact");
  CHECK(r.decision.tier == "TIER_2_VERIFIED");
  CHECK(r.decision.template_id == "t_order_status_verified");
  CHECK(r.decision.template_vars.at("order_id") == "#1042");
  CHECK(r.decision.template_vars.at("tracking_number") == "1Z999AA10123456784");
  CHECK(r.verifier_reason == "OK");  // the verifier still runs after the match
  // The record says how the order was found and nothing about the customer.
  const std::string record =
      boost::json::serialize(rpmw::core::pipeline::decision_record({}, r, {}, false, 1.0));
  CHECK(boost::json::parse(record).at("order_match") == "shopify_contact");
  CHECK(record.find("example.com") == std::string::npos);
  CHECK(record.find("1Z999") == std::string::npos);
}

TEST_CASE("core/pipeline: a matching phone is enough when the ticket has no email") {
  Harness h;
  h.search.put_order(shop_order("9001", "", "+1 (555) 010-2030"));
  const EngineResult r = h.decide(kWhere, "", "555.010.2030");
  CHECK(r.order_match == "shopify_contact");
  CHECK(r.decision.tier == "TIER_2_VERIFIED");
}

TEST_CASE("core/pipeline: flag off, no contact or no number: Shopify is never asked") {
  Harness h;
  h.search.put_order(shop_order("9001", "ann@example.com"));
  SUBCASE("flag off") {
    h.flags.shopify_fallback = false;
    check_no_match(h.decide());
  }
  SUBCASE("no email or phone on the ticket") {
    check_no_match(h.decide(kWhere, "", ""));
  }
  SUBCASE("no order number in the text") {
    check_no_match(h.decide("Where is my order? I ordered it a few days ago."));
  }
  CHECK(h.search.searched().empty());
}

TEST_CASE("core/pipeline: an email mismatch or two matching orders is no match") {
  Harness h;
  SUBCASE("mismatch") {
    h.search.put_order(shop_order("9001", "someone.else@example.com"));
  }
  SUBCASE("two orders") {
    h.search.put_order(shop_order("9001", "ann@example.com"));
    h.search.put_order(shop_order("9002", "ann@example.com"));
  }
  const EngineResult r = h.decide();
  CHECK(h.search.searched() == std::vector<std::string>{"1042"});
  CHECK(r.order_match == "none");
  check_no_match(r);
  CHECK_FALSE(has(r.decision.tags, "mw-order-lookup-failed"));
  CHECK_FALSE(r.verifier_reason.has_value());
}

TEST_CASE("core/pipeline: a Shopify failure is no match, tagged like a failed lookup") {
  Harness h;
  h.search.put_order(shop_order("9001", "ann@example.com"));
  h.search.fail_next({ErrorKind::transient, "shopify_5xx", std::nullopt});
  const EngineResult r = h.decide();
  CHECK(r.order_match == "shopify_error");
  check_no_match(r);
  CHECK(has(r.decision.tags, "mw-order-lookup-failed"));
}

TEST_CASE("core/pipeline: a Richpanel link, several links or a failed link lookup skip Shopify") {
  Harness h;
  h.search.put_order(shop_order("9001", "ann@example.com"));
  SUBCASE("linked") {
    Order linked = shop_order("1042", "");
    h.links.put_order("app-1", linked);
    h.links.link("t-shop", {"1042", "app-1"});
    const EngineResult r = h.decide();
    CHECK(r.order_match == "richpanel_link");
    CHECK(r.decision.tier == "TIER_2_VERIFIED");
  }
  SUBCASE("two links") {
    h.links.link("t-shop", {"1042", "app-1"});
    h.links.link("t-shop", {"1043", "app-1"});
    const EngineResult r = h.decide();
    CHECK(r.order_match == "none");
    check_no_match(r);
  }
  SUBCASE("the link lookup failed") {
    h.links.fail_next({ErrorKind::transient, "richpanel_5xx", std::nullopt}, "linked_orders");
    const EngineResult r = h.decide();
    CHECK(r.order_match == "none");
    CHECK(has(r.decision.tags, "mw-order-lookup-failed"));
  }
  CHECK(h.search.searched().empty());
}

TEST_CASE("core/pipeline: no order source: no lookup and no order_match in the record") {
  auto kit = rpmw::app::EngineKit::embedded();
  rpmw::core::flags::FlagSnapshot flags;
  flags.shopify_fallback = true;
  const rpmw::core::Ticket ticket =
      rpmw::core::pipeline::synthetic_ticket("t-none", "c-1", "email", kWhere);
  const EngineResult r = kit->engine().run({ticket, ticket.comments[0], flags, {}, {}});
  CHECK_FALSE(r.order_lookup);
  CHECK(r.order_match.empty());
  CHECK_FALSE(rpmw::core::pipeline::decision_record({}, r, {}, false, 1.0).contains("order_match"));
}
