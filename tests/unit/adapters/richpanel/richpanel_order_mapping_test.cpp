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

TEST_CASE(
    "adapters/richpanel: the customer's email and phone come from the profile, else the sender") {
  using rpmw::adapters::richpanel::ticket_from_json;
  auto profiled = ticket_from_json(boost::json::parse(
      R"({"id":"t1","via":{"channel":"email","source":{"from":{"address":"other@example.com"}}},
          "customer_profile":{"id":"cp1","name":"Ann","email":" Ann@Example.com ",
                              "phone":"+1 (555) 010-2030"}})"));
  REQUIRE(profiled.has_value());
  CHECK(profiled->customer_email == "Ann@Example.com");
  CHECK(profiled->customer_phone == "+1 (555) 010-2030");

  auto sender = ticket_from_json(boost::json::parse(
      R"({"id":"t2","via":{"channel":"email","source":{"from":{"address":"bo@example.com"}}},
          "customer_profile":{"id":"cp2","email":null}})"));
  REQUIRE(sender.has_value());
  CHECK(sender->customer_email == "bo@example.com");
  CHECK(sender->customer_phone.empty());

  // Only an email ticket's sender is a customer address; a chat has none without a profile.
  auto chat = ticket_from_json(boost::json::parse(
      R"({"id":"t3","via":{"channel":"livechat","source":{"from":{"address":"x@example.com"}}}})"));
  REQUIRE(chat.has_value());
  CHECK(chat->customer_email.empty());
  auto bare = ticket_from_json(boost::json::parse(R"({"id":"t4","customer_profile":"cp4"})"));
  REQUIRE(bare.has_value());
  CHECK(bare->customer_email.empty());
}
