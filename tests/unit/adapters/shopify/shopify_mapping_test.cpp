#include "adapters/shopify/shopify_mapping.h"

#include <doctest/doctest.h>

using rpmw::adapters::shopify::orders_from_shopify_json;
using rpmw::adapters::shopify::parse_iso8601_ms;

TEST_CASE("adapters/shopify: ISO-8601 timestamps with an offset become epoch ms") {
  CHECK(parse_iso8601_ms("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_iso8601_ms("2026-01-01T00:00:00Z") == 1'767'225'600'000);
  CHECK(parse_iso8601_ms("2025-12-31T19:00:00-05:00") == 1'767'225'600'000);
  CHECK(parse_iso8601_ms("2026-01-01T05:30:00+05:30") == 1'767'225'600'000);
  CHECK(parse_iso8601_ms("2026-01-01T00:00:00.250Z") == 1'767'225'600'250);
  for (const char* bad : {"", "2026-01-01", "2026-01-01T00:00:00", "2026-02-30T00:00:00Z",
                          "2026-01-01T24:00:00Z", "2026-01-01T00:00:00+0500", "yesterday"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_iso8601_ms(bad).has_value());
  }
}

TEST_CASE("adapters/shopify: an order maps its status fields, tracking and contact, no address") {
  const auto orders = orders_from_shopify_json(boost::json::parse(R"json({"orders":[{
      "id": 450789469, "name": "#1042", "email": "", "phone": null,
      "customer": {"email": " Ann@Example.com ", "phone": null, "first_name": "Ann"},
      "shipping_address": {"address1": "1 Secret Lane", "phone": "+1 555 010 2030"},
      "created_at": "2025-12-29T10:00:00-05:00", "closed_at": null, "cancelled_at": null,
      "financial_status": "paid", "fulfillment_status": null,
      "order_status_url": "https://shop.example.com/orders/abc/authenticate?key=k",
      "shipping_lines": [{"title": "Express (1-2 business days)"}, {"title": "ignored"}],
      "tags": "pre-order,  vip ,,gift",
      "fulfillments": [
        {"status": "cancelled", "created_at": "2025-12-30T10:00:00-05:00",
         "tracking_company": "FedEx", "tracking_numbers": ["111"], "tracking_urls": []},
        {"status": "success", "created_at": "2025-12-30T12:00:00-05:00",
         "tracking_company": "UPS", "tracking_number": "1Z1", "tracking_url": null,
         "tracking_numbers": ["1Z1", "1Z2"], "tracking_urls": ["https://ups.example/1Z1"]}]
    }]})json"));
  REQUIRE(orders.has_value());
  REQUIRE(orders->size() == 1);
  const rpmw::core::Order& o = orders->front();
  CHECK(o.order_id == "450789469");
  CHECK(o.order_name == "#1042");
  CHECK(o.status == "open");
  CHECK(o.financial_status == "paid");
  CHECK(o.fulfillment_status == "unfulfilled");  // null: nothing shipped yet
  CHECK(o.created_at_ms == *parse_iso8601_ms("2025-12-29T15:00:00Z"));
  CHECK(o.status_url == "https://shop.example.com/orders/abc/authenticate?key=k");
  CHECK(o.shipping_method == "Express (1-2 business days)");
  CHECK(o.tags == std::vector<std::string>{"pre-order", "vip", "gift"});
  CHECK(o.customer_email == "Ann@Example.com");  // the order's is empty: the customer's
  CHECK(o.customer_phone == "+1 555 010 2030");  // only the phone of the address is kept
  REQUIRE(o.fulfillments.size() == 1);           // the cancelled one is left out
  const rpmw::core::Fulfillment& f = o.fulfillments.front();
  CHECK(f.status == "success");
  CHECK(f.created_at_ms == *parse_iso8601_ms("2025-12-30T17:00:00Z"));
  REQUIRE(f.tracking.size() == 2);
  CHECK(f.tracking[0].number == "1Z1");
  CHECK(f.tracking[0].company == "UPS");
  CHECK(f.tracking[0].url == "https://ups.example/1Z1");
  CHECK(f.tracking[1].number == "1Z2");
  CHECK(f.tracking[1].url.empty());
}

TEST_CASE("adapters/shopify: cancelled and id-less orders are skipped; a closed one is closed") {
  const auto orders = orders_from_shopify_json(boost::json::parse(R"({"orders":[
      {"id": 1, "name": "#1", "cancelled_at": "2026-01-01T00:00:00Z"},
      {"name": "#2"},
      {"id": "3", "name": "#3", "closed_at": "2026-01-01T00:00:00Z", "email": "a@x.io",
       "phone": "+15550102030", "fulfillment_status": "fulfilled"}]})"));
  REQUIRE(orders.has_value());
  REQUIRE(orders->size() == 1);
  CHECK(orders->front().order_id == "3");
  CHECK(orders->front().status == "closed");
  CHECK(orders->front().fulfillment_status == "fulfilled");
  CHECK(orders->front().customer_email == "a@x.io");
  CHECK(orders->front().customer_phone == "+15550102030");
  CHECK(orders->front().created_at_ms == 0);  // no date: the policy's required context fails

  for (const char* bad : {R"([])", R"({"order":{}})", R"({"orders":{}})"}) {
    const auto refused = orders_from_shopify_json(boost::json::parse(bad));
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == "shopify_unexpected_body");
  }
}
