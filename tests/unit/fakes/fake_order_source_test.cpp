#include "tests/fakes/fake_order_source.h"

#include <doctest/doctest.h>

using rpmw::core::ErrorKind;

TEST_CASE("fakes: FakeOrderSource links orders to tickets and serves them by app and id") {
  rpmw::fakes::FakeOrderSource orders;
  orders.link("t-1", {"1001", "shopify-app"});
  rpmw::core::Order order;
  order.order_id = "1001";
  order.order_name = "#1001";
  order.fulfillment_status = "fulfilled";
  orders.put_order("shopify-app", order);

  const auto links = orders.linked_orders("t-1");
  REQUIRE(links.has_value());
  REQUIRE(links->size() == 1);
  CHECK((*links)[0].order_id == "1001");

  const auto none = orders.linked_orders("t-2");
  REQUIRE(none.has_value());
  CHECK(none->empty());

  const auto found = orders.get_order({"1001", "shopify-app"});
  REQUIRE(found.has_value());
  CHECK(found->order_name == "#1001");

  const auto other_app = orders.get_order({"1001", "other-app"});
  REQUIRE_FALSE(other_app.has_value());
  CHECK(other_app.error().kind == ErrorKind::not_found);
  CHECK(other_app.error().code == "order_not_found");

  CHECK(orders.count("linked_orders") == 2);
  CHECK(orders.count("get_order") == 2);
}

TEST_CASE("fakes: FakeOrderSource fail_next") {
  rpmw::fakes::FakeOrderSource orders;
  orders.link("t-1", {"1001", "app"});
  orders.fail_next({ErrorKind::transient, "timeout", std::nullopt}, "get_order");
  orders.fail_next({ErrorKind::unavailable, "down", std::nullopt});

  const auto links = orders.linked_orders("t-1");
  REQUIRE_FALSE(links.has_value());
  CHECK(links.error().code == "down");
  const auto order = orders.get_order({"1001", "app"});
  REQUIRE_FALSE(order.has_value());
  CHECK(order.error().code == "timeout");
  CHECK(orders.linked_orders("t-1").has_value());
  CHECK(orders.get_order({"1001", "app"}).error().code == "order_not_found");
}
