#include "core/orders/delivery_estimate.h"

#include <doctest/doctest.h>

#include <chrono>

using rpmw::core::Order;
using rpmw::core::TimePoint;
using rpmw::core::to_epoch_ms;
using rpmw::core::orders::default_shipping_windows;
using rpmw::core::orders::DeliveryWindow;
using rpmw::core::orders::estimate_delivery;
using rpmw::core::orders::eta_human;
using rpmw::core::orders::EtaStatus;
using rpmw::core::orders::is_preorder;
using rpmw::core::orders::match_shipping_window;
using rpmw::core::orders::OrderStatusPolicy;
using rpmw::core::orders::TimeZone;
using namespace std::chrono;

namespace {

// March 2026: Monday the 2nd.
TimePoint on(unsigned day, int hour = 12, int minute = 0) {
  return TimePoint(sys_days{2026y / March / day} + hours{hour} + minutes{minute});
}

Order order_on(TimePoint created, std::string method = "Standard Shipping") {
  Order o;
  o.order_id = "5550001";
  o.created_at_ms = to_epoch_ms(created);
  o.shipping_method = std::move(method);
  return o;
}

std::string bucket_of(const std::string& method) {
  auto m = match_shipping_window(method, default_shipping_windows());
  return m ? m->bucket : "";
}

DeliveryWindow window_of(const std::string& method) {
  auto m = match_shipping_window(method, default_shipping_windows());
  return m ? m->window : DeliveryWindow{-1, -1};
}

}  // namespace

TEST_CASE("core/orders: every default shipping window") {
  const std::vector<std::tuple<std::string, std::string, DeliveryWindow>> rows = {
      {"Standard Shipping", "standard", {3, 5}},
      {"UPS Ground", "ground", {3, 7}},
      {"ECONOMY", "economy", {5, 7}},
      {"Free shipping", "free", {5, 7}},
      {"First-Class Mail", "mail", {5, 7}},
      {"Expedited", "expedited", {2, 3}},
      {"Express", "express", {1, 2}},
      {"Two-Day", "two-day", {2, 2}},
      {"UPS 2-Day Air", "2-day", {2, 2}},
      {"Two Day Delivery", "two day", {2, 2}},
      {"Priority", "priority", {1, 1}},
      {"Overnight", "overnight", {1, 1}},
      {"Next-Day", "next-day", {1, 1}},
      {"UPS Next Day Air", "next day", {1, 1}},
      {"Rush order", "rush", {1, 1}},
  };
  CHECK(rows.size() == default_shipping_windows().size());
  for (const auto& [method, bucket, window] : rows) {
    CAPTURE(method);
    CHECK(bucket_of(method) == bucket);
    CHECK(window_of(method) == window);
  }
  CHECK_FALSE(match_shipping_window("Carrier pigeon", default_shipping_windows()).has_value());
  CHECK_FALSE(match_shipping_window("", default_shipping_windows()).has_value());
}

TEST_CASE("core/orders: the longest matching key wins") {
  CHECK(bucket_of("Free Express Shipping") == "express");
  CHECK(bucket_of("Priority Mail") == "priority");
  CHECK(bucket_of("Standard Ground") == "standard");
  CHECK(bucket_of("Free Two-Day") == "two-day");
  const std::map<std::string, DeliveryWindow> custom = {{"express", {1, 2}},
                                                        {"express saver", {3, 4}}};
  auto m = match_shipping_window("FedEx Express Saver", custom);
  REQUIRE(m.has_value());
  CHECK(m->bucket == "express saver");
  CHECK(m->window == DeliveryWindow{3, 4});
}

TEST_CASE("core/orders: an explicit window in the method text wins over the map") {
  const auto windows = default_shipping_windows();
  auto m = match_shipping_window("Standard (7-10 business days)", windows);
  REQUIRE(m.has_value());
  CHECK(m->window == DeliveryWindow{7, 10});
  CHECK(m->bucket == "standard");
  CHECK(m->from_text);

  m = match_shipping_window(
      "Ships in 4\xE2\x80\x93"
      "6 Business Days",
      windows);
  REQUIRE(m.has_value());
  CHECK(m->window == DeliveryWindow{4, 6});
  CHECK(m->bucket ==
        "4\xE2\x80\x93"
        "6 business day");

  CHECK(window_of("Delivery in 3 to 5 business days") == DeliveryWindow{3, 5});
  CHECK(window_of("Express 2 business days") == DeliveryWindow{2, 2});
  CHECK(bucket_of("Express 2 business days") == "express");
  CHECK(bucket_of("Arrives in 1 business day") == "1 business day");
  CHECK(window_of("Standard (5-3 business days)") == DeliveryWindow{3, 5});  // bad range: the key
  CHECK_FALSE(match_shipping_window("Ships in 3-5 days", windows).has_value());  // not business
}

TEST_CASE("core/orders: ETA wording") {
  CHECK(eta_human(1, 1) == "1 business day");
  CHECK(eta_human(3, 3) == "3 business days");
  CHECK(eta_human(2, 4) ==
        "2\xE2\x80\x93"
        "4 business days");
  CHECK(eta_human(0, 2) ==
        "0\xE2\x80\x93"
        "2 business days");
}

TEST_CASE("core/orders: the delivery estimate") {
  OrderStatusPolicy policy;
  const Order standard = order_on(on(2));  // Monday, Standard 3–5

  SUBCASE("Monday order, Wednesday inquiry: 2 elapsed, 1–3 to go") {
    const auto e = estimate_delivery(standard, on(4), policy);
    CHECK(e.status == EtaStatus::within_window);
    CHECK(e.bucket == "standard");
    CHECK(e.elapsed == 2);
    CHECK(e.remaining_min == 1);
    CHECK(e.remaining_max == 3);
    CHECK(e.eta_remaining_human ==
          "1\xE2\x80\x93"
          "3 business days");
  }
  SUBCASE("the weekend does not count") {
    const auto e = estimate_delivery(standard, on(8), policy);  // Sunday
    CHECK(e.elapsed == 4);
    CHECK(e.remaining_min == 0);  // clamped
    CHECK(e.remaining_max == 1);
    CHECK(e.eta_remaining_human ==
          "0\xE2\x80\x93"
          "1 business days");
  }
  SUBCASE("late exactly when elapsed reaches the max") {
    const auto e = estimate_delivery(standard, on(9), policy);  // Monday: 5
    CHECK(e.elapsed == 5);
    CHECK(e.status == EtaStatus::late);
    CHECK(e.remaining_min == 0);
    CHECK(e.remaining_max == 0);
    CHECK(e.eta_remaining_human.empty());
    const auto later = estimate_delivery(standard, on(12), policy);
    CHECK(later.elapsed == 8);
    CHECK(later.remaining_max == 0);
  }
  SUBCASE("a holiday pushes the window out") {
    policy.holidays = {"2026-03-03", "2026-03-06"};
    const auto e = estimate_delivery(standard, on(9), policy);
    CHECK(e.elapsed == 3);
    CHECK(e.status == EtaStatus::within_window);
    CHECK(e.eta_remaining_human ==
          "0\xE2\x80\x93"
          "2 business days");
  }
  SUBCASE("one-day windows") {
    const Order rush = order_on(on(2), "Overnight");
    const auto same_day = estimate_delivery(rush, on(2, 18), policy);
    CHECK(same_day.status == EtaStatus::within_window);
    CHECK(same_day.eta_remaining_human == "1 business day");
    CHECK(estimate_delivery(rush, on(3), policy).status == EtaStatus::late);
  }
  SUBCASE("an unknown method has no bucket") {
    const auto e = estimate_delivery(order_on(on(2), "Carrier pigeon"), on(3), policy);
    CHECK(e.status == EtaStatus::bucket_unknown);
    CHECK(e.bucket.empty());
  }
  SUBCASE("an inquiry stamped before the order (clock skew) counts as day 0") {
    const auto e = estimate_delivery(standard, on(1), policy);
    CHECK(e.elapsed == 0);
    CHECK(e.eta_remaining_human ==
          "3\xE2\x80\x93"
          "5 business days");
  }
  SUBCASE("no resolved zone: no estimate") {
    policy.zone.reset();
    CHECK(estimate_delivery(standard, on(4), policy).status == EtaStatus::zone_unknown);
  }
}

TEST_CASE("core/orders: the order and inquiry dates are the store's") {
  OrderStatusPolicy policy;
  // Monday 23:30Z: Monday in UTC, Tuesday in +05:30. Inquiry Wednesday 12:00Z.
  const Order order = order_on(on(2, 23, 30));
  CHECK(estimate_delivery(order, on(4), policy).elapsed == 2);
  policy.zone = TimeZone::fixed("+05:30");
  CHECK(estimate_delivery(order, on(4), policy).elapsed == 1);
  // And the inquiry side: Wednesday 20:00Z is Thursday in +05:30.
  CHECK(estimate_delivery(order, on(4, 20), policy).elapsed == 2);
  policy.zone = TimeZone::fixed("-08:00");
  // Wednesday 05:00Z is still Tuesday in −08:00: only Tuesday has passed.
  CHECK(estimate_delivery(order, on(4, 5), policy).elapsed == 1);
}

TEST_CASE("core/orders: pre-orders need an explicit ship-by date") {
  OrderStatusPolicy policy;
  Order pre = order_on(on(2));
  pre.tags = {"vip", "Pre-Order"};
  REQUIRE(is_preorder(pre));

  const auto none = estimate_delivery(pre, on(4), policy);
  CHECK(none.status == EtaStatus::preorder_no_eta);
  CHECK(none.preorder);

  pre.ship_by_date = "2026-02-30";  // not a date: still none
  CHECK(estimate_delivery(pre, on(4), policy).status == EtaStatus::preorder_no_eta);

  // Ships by Friday the 20th; asked on Monday the 16th: 4 business days to go, then 3–5.
  pre.ship_by_date = "2026-03-20";
  const auto e = estimate_delivery(pre, on(16), policy);
  CHECK(e.status == EtaStatus::within_window);
  CHECK(e.elapsed == -4);
  CHECK(e.remaining_min == 7);
  CHECK(e.remaining_max == 9);
  CHECK(e.eta_remaining_human ==
        "7\xE2\x80\x93"
        "9 business days");
  CHECK(estimate_delivery(pre, on(27), policy).status == EtaStatus::late);  // 5 after the 20th

  // A ship-by date before the order date changes nothing.
  pre.ship_by_date = "2026-02-01";
  CHECK(estimate_delivery(pre, on(4), policy).elapsed == 2);

  SUBCASE("tag spellings") {
    Order o;
    o.tags = {"PREORDER"};
    CHECK(is_preorder(o));
    o.tags = {"sale, pre-order ,vip"};  // one comma-joined string
    CHECK(is_preorder(o));
    o.tags = {"pre-ordered", "order"};
    CHECK_FALSE(is_preorder(o));
  }
}
