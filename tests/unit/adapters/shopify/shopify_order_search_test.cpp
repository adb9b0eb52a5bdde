#include "adapters/shopify/shopify_order_search.h"

#include <doctest/doctest.h>

#include "tests/fakes/fake_shopify_server.h"

namespace json = boost::json;
using rpmw::adapters::shopify::ShopifyOrderSearch;
using rpmw::adapters::shopify::ShopifySettings;
using rpmw::core::ErrorKind;
using rpmw::fakes::FakeShopifyFault;
using rpmw::fakes::FakeShopifyServer;
using rpmw::fakes::shopify_order_fixture;

namespace {

constexpr std::int64_t kNowMs = 1'767'225'600'000;

struct Fixture {
  Fixture() {
    server.put_order(shopify_order_fixture(9001, "1042", "ann@example.com", kNowMs));
    server.put_order(shopify_order_fixture(9002, "10420", "bo@example.com", kNowMs));
  }

  ShopifySettings settings(std::string token = FakeShopifyServer::kDefaultToken) {
    ShopifySettings s;
    s.shop = "test-shop.myshopify.com";
    s.base_url = server.base_url();
    s.access_token = std::move(token);
    s.timeout = std::chrono::milliseconds(500);
    s.sleep = [this](std::chrono::milliseconds ms) { slept.push_back(ms); };
    s.backoff = [](int) { return std::chrono::milliseconds(7); };
    s.observer = [this](const rpmw::adapters::http::VendorCallReport& r) { reports.push_back(r); };
    return s;
  }

  FakeShopifyServer server;
  std::vector<std::chrono::milliseconds> slept;
  std::vector<rpmw::adapters::http::VendorCallReport> reports;
};

}  // namespace

TEST_CASE("adapters/shopify: find_by_number asks for the '#' name and maps the one order") {
  Fixture f;
  ShopifyOrderSearch search(f.settings());
  const auto orders = search.find_by_number("1042");
  REQUIRE(orders.has_value());
  REQUIRE(orders->size() == 1);
  const rpmw::core::Order& o = orders->front();
  CHECK(o.order_id == "9001");
  CHECK(o.order_name == "#1042");
  CHECK(o.customer_email == "ann@example.com");
  CHECK(o.shipping_method == "Standard Shipping");
  CHECK(o.tags == std::vector<std::string>{"vip", "gift"});
  REQUIRE(o.fulfillments.size() == 1);
  CHECK(o.fulfillments[0].tracking.at(0).number == "1Z999AA10123456784");
  CHECK(o.created_at_ms == kNowMs - 2 * 86'400'000);

  const auto calls = f.server.calls();
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].method == "GET");
  CHECK(calls[0].path == "/admin/api/2024-10/orders.json");
  CHECK(
      calls[0].target.starts_with("/admin/api/2024-10/orders.json?name=%231042&status=any"
                                  "&limit=5&fields="));
  CHECK(calls[0].query.at("name") == "#1042");
  CHECK(calls[0].headers.at("x-shopify-access-token") == FakeShopifyServer::kDefaultToken);
  CHECK(calls[0].headers.at("accept") == "application/json");
  CHECK(calls[0].query.at("fields").find("line_items") == std::string::npos);  // never asked
  REQUIRE(f.reports.size() == 1);
  CHECK(f.reports[0].vendor == "shopify");
  CHECK(f.reports[0].operation == "find_orders");
  CHECK(f.reports[0].http_status == 200);
  CHECK(f.reports[0].error_code.empty());
}

TEST_CASE("adapters/shopify: a leading '#' is accepted, anything but digits is refused unsent") {
  Fixture f;
  ShopifyOrderSearch search(f.settings());
  CHECK(search.find_by_number("#1042")->size() == 1);
  CHECK(search.find_by_number("7777")->empty());
  for (const char* bad : {"", "#", "10 42", "1042&status=closed", "abc", "123456789012345678901"}) {
    CAPTURE(bad);
    const auto refused = search.find_by_number(bad);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().kind == ErrorKind::invalid_input);
    CHECK(refused.error().code == "shopify_bad_order_number");
  }
  CHECK(f.server.call_count() == 2);
}

TEST_CASE("adapters/shopify: cancelled orders are skipped; only the exact name is kept") {
  Fixture f;
  json::object cancelled = shopify_order_fixture(9003, "2042", "ann@example.com", kNowMs);
  cancelled["cancelled_at"] = "2025-12-31T10:00:00-05:00";
  f.server.put_order(cancelled);
  ShopifyOrderSearch search(f.settings());
  const auto none = search.find_by_number("2042");
  REQUIRE(none.has_value());
  CHECK(none->empty());
  // "#10420" is another order even if a fuzzy name filter returned it for "1042".
  const auto exact = search.find_by_number("1042");
  REQUIRE(exact.has_value());
  REQUIRE(exact->size() == 1);
  CHECK(exact->front().order_id == "9001");
}

TEST_CASE("adapters/shopify: a wrong token is permanent shopify_auth, not retried") {
  Fixture f;
  ShopifyOrderSearch search(f.settings("shpat_wrong"));
  const auto refused = search.find_by_number("1042");
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().kind == ErrorKind::permanent);
  CHECK(refused.error().code == "shopify_auth");
  CHECK(f.server.call_count() == 1);
  CHECK(f.server.calls()[0].status == 401);
  CHECK(refused.error().code.find("shpat") == std::string::npos);
}

TEST_CASE("adapters/shopify: 5xx is retried once, then transient shopify_5xx") {
  Fixture f;
  ShopifyOrderSearch search(f.settings());
  SUBCASE("one 503, then the answer") {
    f.server.set_fault(FakeShopifyFault::server_error, 1);
    const auto orders = search.find_by_number("1042");
    REQUIRE(orders.has_value());
    CHECK(orders->size() == 1);
    CHECK(f.slept == std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(7)});
    CHECK(f.reports.at(0).retries == 1);
  }
  SUBCASE("two 500s: at most two attempts") {
    f.server.set_fault(FakeShopifyFault::server_error, 5, 500);
    const auto failed = search.find_by_number("1042");
    REQUIRE_FALSE(failed.has_value());
    CHECK(failed.error().kind == ErrorKind::transient);
    CHECK(failed.error().code == "shopify_5xx");
    CHECK(f.server.call_count() == 2);
    CHECK(f.reports.at(0).error_code == "shopify_5xx");
  }
}

TEST_CASE("adapters/shopify: 429 honours Retry-After, a long one is handed back") {
  Fixture f;
  ShopifyOrderSearch search(f.settings());
  SUBCASE("short: waited out, then retried") {
    f.server.set_retry_after("1.5");
    f.server.set_fault(FakeShopifyFault::rate_limited, 1);
    const auto orders = search.find_by_number("1042");
    REQUIRE(orders.has_value());
    CHECK(f.slept == std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(1500)});
  }
  SUBCASE("long: rate_limited with retry_after, one attempt") {
    f.server.set_retry_after("30");
    f.server.set_fault(FakeShopifyFault::rate_limited, 5);
    const auto limited = search.find_by_number("1042");
    REQUIRE_FALSE(limited.has_value());
    CHECK(limited.error().kind == ErrorKind::rate_limited);
    CHECK(limited.error().code == "shopify_429");
    CHECK(limited.error().retry_after == std::chrono::milliseconds(30000));
    CHECK(f.server.call_count() == 1);
    CHECK(f.slept.empty());
  }
  SUBCASE("without Retry-After: the backoff") {
    f.server.set_retry_after(std::nullopt);
    f.server.set_fault(FakeShopifyFault::rate_limited, 5);
    const auto limited = search.find_by_number("1042");
    REQUIRE_FALSE(limited.has_value());
    CHECK_FALSE(limited.error().retry_after.has_value());
    CHECK(f.server.call_count() == 2);
    CHECK(f.slept == std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(7)});
  }
}

TEST_CASE("adapters/shopify: a timeout is transient; 404 is an empty list; egress is the base") {
  Fixture f;
  SUBCASE("timeout") {
    ShopifyOrderSearch search(f.settings());
    f.server.set_fault(FakeShopifyFault::delay, 2, 200, std::chrono::milliseconds(1500));
    const auto slow = search.find_by_number("1042");
    REQUIRE_FALSE(slow.has_value());
    CHECK(slow.error().kind == ErrorKind::transient);
    CHECK(slow.error().code == "shopify_timeout");
  }
  SUBCASE("404: an empty list") {
    ShopifySettings s = f.settings();
    s.base_url = f.server.base_url() + "/elsewhere";  // the fake knows no such path
    const auto none = ShopifyOrderSearch(s).find_by_number("1042");
    REQUIRE(none.has_value());
    CHECK(none->empty());
    CHECK(f.server.calls().at(0).status == 404);
  }
  SUBCASE("a bad version is refused unsent; the shop is the default host") {
    ShopifySettings s = f.settings();
    s.api_version = "2024-10/../x";
    CHECK(ShopifyOrderSearch(s).find_by_number("1042").error().code == "shopify_bad_api_version");
    s = f.settings();
    s.base_url.clear();  // https://test-shop.myshopify.com: nothing listens there in a test
    CHECK(rpmw::adapters::shopify::shopify_base_url(s) == "https://test-shop.myshopify.com");
  }
  CHECK(rpmw::adapters::shopify::valid_shopify_shop("my-store.myshopify.com"));
  CHECK_FALSE(rpmw::adapters::shopify::valid_shopify_shop("https://my-store.myshopify.com"));
  CHECK_FALSE(rpmw::adapters::shopify::valid_shopify_shop("a/b"));
  CHECK_FALSE(rpmw::adapters::shopify::valid_shopify_shop(""));
}
