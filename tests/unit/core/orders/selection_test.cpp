#include "core/orders/selection.h"

#include <doctest/doctest.h>

#include <chrono>

#include "core/orders/order_vars.h"
#include "core/templates/catalog.h"

using rpmw::core::Fulfillment;
using rpmw::core::Order;
using rpmw::core::TimePoint;
using rpmw::core::to_epoch_ms;
using rpmw::core::orders::OrderStatusPolicy;
using rpmw::core::orders::required_context_present;
using rpmw::core::orders::select_tier2_template;
using rpmw::core::orders::Tier2Selection;
using rpmw::core::orders::TimeZone;
using namespace std::chrono;

namespace {

using Vars = std::map<std::string, std::string>;

TimePoint on(unsigned day, int hour = 12, int minute = 0) {
  return TimePoint(sys_days{2026y / March / day} + hours{hour} + minutes{minute});
}

// Placed Monday March 2, 2026, 14:00 UTC; Standard shipping; not shipped.
Order order() {
  Order o;
  o.order_id = "5550001";
  o.order_name = "#1042063";
  o.status = "open";
  o.financial_status = "paid";
  o.fulfillment_status = "unfulfilled";
  o.created_at_ms = to_epoch_ms(on(2, 14));
  o.status_url = "https://shop.example/status/5550001";
  o.shipping_method = "Standard Shipping";
  return o;
}

Order shipped() {
  Order o = order();
  o.fulfillment_status = "fulfilled";
  Fulfillment f;
  f.created_at_ms = to_epoch_ms(on(3));
  f.tracking.push_back({"1Z 999", "UPS", "", "2026-03-03"});
  o.fulfillments.push_back(f);
  return o;
}

void check_allowed(const Tier2Selection& s) {
  for (const auto& [name, value] : s.vars) {
    CAPTURE(name);
    CHECK(rpmw::core::templates::is_allowed_variable(name));
    CHECK_FALSE(value.empty());
  }
}

}  // namespace

TEST_CASE("core/orders: the Tier 2 selection matrix") {
  const OrderStatusPolicy policy;

  SUBCASE("tracking present: the status template with one tracking block") {
    const Tier2Selection s = select_tier2_template(shipped(), on(4), policy);
    CHECK(s.template_id == "t_order_status_verified");
    CHECK(s.reason == "tracking");
    CHECK_FALSE(s.needs_human);
    CHECK_FALSE(s.auto_close);
    CHECK_FALSE(s.estimate.has_value());
    CHECK(s.vars == Vars{{"order_id", "#1042063"},
                         {"order_status", "open"},
                         {"fulfillment_status", "fulfilled"},
                         {"status_url", "https://shop.example/status/5550001"},
                         {"order_created_date_human", "March 2, 2026"},
                         {"tracking_number", "1Z 999"},
                         {"tracking_company", "UPS"},
                         {"tracking_url", "https://www.ups.com/track?tracknum=1Z%20999"}});
    check_allowed(s);
  }
  SUBCASE("tracking wins even when the window has passed") {
    const Tier2Selection s = select_tier2_template(shipped(), on(30), policy);
    CHECK(s.template_id == "t_order_status_verified");
  }
  SUBCASE("no tracking, within the window: the ETA template, auto-closed") {
    const Tier2Selection s = select_tier2_template(order(), on(4), policy);
    CHECK(s.template_id == "t_order_eta_no_tracking_verified");
    CHECK(s.reason == "eta_within_window");
    CHECK(s.auto_close);
    CHECK_FALSE(s.needs_human);
    REQUIRE(s.estimate.has_value());
    CHECK(s.estimate->elapsed == 2);
    CHECK(s.vars == Vars{{"order_id", "#1042063"},
                         {"order_status", "open"},
                         {"fulfillment_status", "unfulfilled"},
                         {"status_url", "https://shop.example/status/5550001"},
                         {"order_created_date_human", "March 2, 2026"},
                         {"shipping_bucket", "standard"},
                         {"eta_remaining_human",
                          "1\xE2\x80\x93"
                          "3 business days"}});
    check_allowed(s);
  }
  SUBCASE("no tracking and late: the delay template and a human") {
    const Tier2Selection s = select_tier2_template(order(), on(9), policy);
    CHECK(s.template_id == "t_shipping_delay_verified");
    CHECK(s.reason == "late");
    CHECK(s.needs_human);
    CHECK_FALSE(s.auto_close);
    CHECK(s.vars.count("eta_remaining_human") == 0);
    CHECK(s.vars.at("shipping_bucket") == "standard");
    CHECK(s.vars.at("fulfillment_status") == "unfulfilled");
    check_allowed(s);
  }
  SUBCASE("no tracking, bucket unknown: the delay template and a human") {
    Order o = order();
    o.shipping_method = "Carrier pigeon";
    const Tier2Selection s = select_tier2_template(o, on(3), policy);
    CHECK(s.template_id == "t_shipping_delay_verified");
    CHECK(s.reason == "bucket_unknown");
    CHECK(s.needs_human);
    CHECK(s.vars.count("shipping_bucket") == 0);
  }
  SUBCASE("a pre-order without a ship-by date: no estimate") {
    Order o = order();
    o.tags = {"preorder"};
    const Tier2Selection s = select_tier2_template(o, on(3), policy);
    CHECK(s.template_id == "t_shipping_delay_verified");
    CHECK(s.reason == "preorder_no_eta");
    CHECK(s.needs_human);
    o.ship_by_date = "2026-03-20";
    CHECK(select_tier2_template(o, on(3), policy).template_id ==
          "t_order_eta_no_tracking_verified");
  }
  SUBCASE("an unresolved zone never guesses") {
    OrderStatusPolicy broken;
    broken.zone.reset();
    const Tier2Selection s = select_tier2_template(order(), on(4), broken);
    CHECK(s.template_id == "t_shipping_delay_verified");
    CHECK(s.reason == "zone_unknown");
    CHECK(s.vars.count("order_created_date_human") == 0);
  }
}

TEST_CASE("core/orders: order variables") {
  const OrderStatusPolicy policy;
  Order o = order();
  o.order_name.clear();
  o.status_url = "javascript:alert(1)";
  o.fulfillment_status.clear();
  const Tier2Selection s = select_tier2_template(o, on(4), policy);
  CHECK(s.vars.at("order_id") == "5550001");  // no orderName: the id
  CHECK(s.vars.count("status_url") == 0);     // not http(s)
  CHECK(s.vars.count("fulfillment_status") == 0);

  // The created date is the store's: 22:00Z Monday is Tuesday in +05:30.
  o.created_at_ms = to_epoch_ms(on(2, 22));
  const auto vars =
      rpmw::core::orders::order_vars(o, std::nullopt, std::nullopt, *TimeZone::fixed("+05:30"));
  CHECK(vars.at("order_created_date_human") == "March 3, 2026");
  CHECK(vars.count("shipping_bucket") == 0);
}

TEST_CASE("core/orders: required context") {
  const OrderStatusPolicy policy;
  CHECK(required_context_present(order(), policy));
  CHECK(required_context_present(shipped(), policy));

  Order unrecognised = order();
  unrecognised.shipping_method = "Carrier pigeon";
  CHECK_FALSE(required_context_present(unrecognised, policy));  // no tracking, no known method
  Order with_tracking = shipped();
  with_tracking.shipping_method = "Carrier pigeon";
  CHECK(required_context_present(with_tracking, policy));
  Order no_method = shipped();
  no_method.shipping_method.clear();
  CHECK(required_context_present(no_method, policy));

  Order no_id = order();
  no_id.order_id.clear();
  CHECK_FALSE(required_context_present(no_id, policy));
  Order no_date = order();
  no_date.created_at_ms = 0;
  CHECK_FALSE(required_context_present(no_date, policy));
}
