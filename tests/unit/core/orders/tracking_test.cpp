#include "core/orders/tracking.h"

#include <doctest/doctest.h>

using rpmw::core::Fulfillment;
using rpmw::core::Order;
using rpmw::core::Tracking;
using rpmw::core::orders::carrier_tracking_url;
using rpmw::core::orders::has_tracking;
using rpmw::core::orders::is_http_url;
using rpmw::core::orders::select_tracking;
using rpmw::core::orders::url_encode;

namespace {

Fulfillment fulfillment(std::int64_t created_at_ms, std::vector<Tracking> tracking) {
  Fulfillment f;
  f.status = "success";
  f.created_at_ms = created_at_ms;
  f.tracking = std::move(tracking);
  return f;
}

}  // namespace

TEST_CASE("core/orders: http(s) URLs only") {
  for (const char* ok :
       {"https://track.example/1Z", "http://x.example", "HTTPS://X.EXAMPLE/a?b=c"}) {
    CAPTURE(ok);
    CHECK(is_http_url(ok));
  }
  for (const char* bad : {"", "javascript:alert(1)", "ftp://x.example", "https://", "https:///path",
                          "https://?q", "//x.example", "https://a b.example", "https://x\n.example",
                          "data:text/html,hi", "mailto:a@b.example", " https://x.example"}) {
    CAPTURE(bad);
    CHECK_FALSE(is_http_url(bad));
  }
}

TEST_CASE("core/orders: URL encoding keeps only unreserved characters") {
  CHECK(url_encode("1Z999AA10123456784") == "1Z999AA10123456784");
  CHECK(url_encode("a b/c~d-e.f_g") == "a%20b%2Fc~d-e.f_g");
  CHECK(url_encode("x&y=z?#%") == "x%26y%3Dz%3F%23%25");
  CHECK(url_encode("\xC3\xA9") == "%C3%A9");
}

TEST_CASE("core/orders: carrier tracking pages for FedEx, UPS, USPS and DHL only") {
  CHECK(carrier_tracking_url("FedEx", "123456789012") ==
        "https://www.fedex.com/fedextrack/?trknbr=123456789012");
  CHECK(carrier_tracking_url("UPS", "1Z 999/AA1") ==
        "https://www.ups.com/track?tracknum=1Z%20999%2FAA1");
  CHECK(carrier_tracking_url("usps", "9400 1118") ==
        "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400%201118");
  CHECK(carrier_tracking_url("DHL Express", "JD01&x=1") ==
        "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id="
        "JD01%26x%3D1");
  // Recognised case-insensitively, with common spellings; the number is trimmed first.
  CHECK(carrier_tracking_url("FEDEX GROUND", " 1 ") ==
        "https://www.fedex.com/fedextrack/?trknbr=1");
  CHECK(carrier_tracking_url("Federal Express", "1").rfind("https://www.fedex.com/", 0) == 0);
  CHECK(carrier_tracking_url("U.P.S.", "1").rfind("https://www.ups.com/", 0) == 0);
  CHECK(carrier_tracking_url("United Parcel Service", "1").rfind("https://www.ups.com/", 0) == 0);
  CHECK(carrier_tracking_url("U.S. Postal Service", "1").rfind("https://tools.usps.com/", 0) == 0);
  CHECK(carrier_tracking_url("United States Postal Service", "1")
            .rfind("https://tools.usps.com/", 0) == 0);
  CHECK(carrier_tracking_url("dhl ecommerce", "1").rfind("https://www.dhl.com/", 0) == 0);
  for (const char* other :
       {"Canada Post", "Royal Mail", "OnTrac", "Upsilon Couriers", "", "DHLX"}) {
    CAPTURE(other);
    CHECK(carrier_tracking_url(other, "123").empty());
  }
  CHECK(carrier_tracking_url("UPS", "  ").empty());
}

TEST_CASE("core/orders: one tracking block from the most recent fulfillment with tracking") {
  Order order;
  order.fulfillments.push_back(
      fulfillment(100, {{"OLD1", "UPS", "https://ups.example/OLD1", "2026-03-01"}}));
  order.fulfillments.push_back(fulfillment(300, {}));  // newest, but no tracking
  order.fulfillments.push_back(
      fulfillment(200, {{"", "", "", ""}, {"NEW2", "FedEx", "https://fedex.example/NEW2", ""}}));
  auto t = select_tracking(order);
  REQUIRE(t.has_value());
  CHECK(t->number == "NEW2");
  CHECK(t->company == "FedEx");
  CHECK(t->url == "https://fedex.example/NEW2");
  CHECK(has_tracking(order));

  SUBCASE("a tie in created_at goes to the one listed later") {
    order.fulfillments.push_back(fulfillment(200, {{"LATER", "DHL", "", ""}}));
    CHECK(select_tracking(order)->number == "LATER");
  }
  SUBCASE("no fulfillment has tracking") {
    Order none;
    none.fulfillments.push_back(fulfillment(1, {{" ", "UPS", "", ""}}));
    CHECK_FALSE(select_tracking(none).has_value());
    CHECK_FALSE(has_tracking(none));
    CHECK_FALSE(has_tracking(Order{}));
  }
}

TEST_CASE("core/orders: links that are not http(s) are dropped") {
  Order order;
  order.fulfillments.push_back(fulfillment(1, {{"1Z9 9", "UPS", "javascript:alert(1)", ""}}));
  auto t = select_tracking(order);
  REQUIRE(t.has_value());
  CHECK(t->url == "https://www.ups.com/track?tracknum=1Z9%209");  // rebuilt from the number

  order.fulfillments[0].tracking[0].company = "Canada Post";
  CHECK(select_tracking(order)->url.empty());  // not one of the four: no link at all

  // A bad link alone is no tracking signal.
  order.fulfillments[0].tracking[0] = {"", "UPS", "ftp://x.example/1", ""};
  CHECK_FALSE(has_tracking(order));

  // A good link alone is one.
  order.fulfillments[0].tracking[0] = {"", "", "https://track.example/abc", ""};
  REQUIRE(has_tracking(order));
  CHECK(select_tracking(order)->url == "https://track.example/abc");
  CHECK(select_tracking(order)->number.empty());
}
