#include <doctest/doctest.h>

#include "adapters/richpanel/richpanel_mapping.h"

using rpmw::adapters::richpanel::order_from_json;

TEST_CASE("richpanel: an order's ship-by date is its date part; absent stays empty") {
  auto order = order_from_json(boost::json::parse(
      R"({"orderId":"1","tags":["pre-order"],"shipByDate":"2026-03-20T00:00:00.000Z"})"));
  REQUIRE(order.has_value());
  CHECK(order->ship_by_date == "2026-03-20");
  CHECK(order->tags == std::vector<std::string>{"pre-order"});
  auto plain = order_from_json(boost::json::parse(R"({"orderId":"1","shipByDate":"2026-03-20"})"));
  CHECK(plain->ship_by_date == "2026-03-20");
  CHECK(order_from_json(boost::json::parse(R"({"orderId":"1"})"))->ship_by_date.empty());
}
