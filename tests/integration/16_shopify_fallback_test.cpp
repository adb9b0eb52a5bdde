// End to end: the Shopify order-number fallback in a real `rpmw serve` (config → runtime →
// engine → reply), against the fake Richpanel process and an in-process fake Shopify. The
// customer's contact and the order's address are the PII the log scan (99) looks for.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>

#include "tests/fakes/fake_shopify_server.h"
#include "tests/integration/fake_richpanel_process.h"
#include "tests/integration/helpers.h"

namespace rpmw::itest {
namespace {

using fakes::FakeShopifyServer;

const std::string kWhere = "Where is my order #1042? I ordered it a few days ago.";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::map<std::string, std::string> shopify_env(const FakeRichpanelProcess& richpanel,
                                               const FakeShopifyServer& shopify, bool flag) {
  std::map<std::string, std::string> env = richpanel.rpmw_env();
  env["RPMW_FLAGS"] =
      std::string("automation_enabled=true,orders.shopify_fallback=") + (flag ? "true" : "false");
  env["RPMW_SHOPIFY_SHOP"] = "test-shop.myshopify.com";
  env["RPMW_SHOPIFY_BASE_URL"] = shopify.base_url();
  env["RPMW_SHOPIFY_ACCESS_TOKEN"] = FakeShopifyServer::kDefaultToken;
  return env;
}

// An email ticket whose Richpanel profile carries the customer's address.
json::object ticket_with_profile(const std::string& id, const std::string& email) {
  json::object ticket = ticket_fixture(id, "email", "c1", kWhere);
  ticket["customer_profile"] = json::object{{"id", "cp-" + id}, {"email", email}};
  return ticket;
}

json::object deliver(RpmwServer& server, const std::string& ticket, long long before) {
  return deliver_and_decide(server, ticket, ticket + "-m1", before);
}

Run config_check(const TempDir& dir, const std::string& name,
                 std::map<std::string, std::string> env) {
  env["RPMW_DATA_DIR"] = dir.path().string();
  return run_rpmw({"config", "check"}, dir, name, env);
}

}  // namespace

TEST_CASE("e2e shopify: no linked order, one Shopify order with the customer's email: Tier 2") {
  TempDir dir("rpmw-e2e-shopify");
  FakeRichpanelProcess richpanel(dir);
  FakeShopifyServer shopify;
  json::object order =
      fakes::shopify_order_fixture(9001, "1042", "Jane.Doe+PII@example.com", now_ms());
  order["shipping_address"] =
      json::object{{"address1", "742 Evergreen Terrace"}, {"phone", "+1 415-555-0199"}};
  shopify.put_order(order);

  SUBCASE("flag on: the verified status reply from the Shopify order") {
    RpmwServer server(with_env(shopify_env(richpanel, shopify, true)));
    richpanel.put_ticket(ticket_with_profile("t-shop", "jane.doe+pii@example.com"));
    const json::object record = deliver(server, "t-shop", 0);
    CHECK(record.at("order_match").as_string() == "shopify_contact");
    CHECK(record.at("tier").as_string() == "TIER_2_VERIFIED");
    CHECK(record.at("template_id").as_string() == "t_order_status_verified");
    const std::string serialized = json::serialize(record);
    CHECK(serialized.find("jane.doe") == std::string::npos);
    CHECK(serialized.find("Evergreen") == std::string::npos);
    REQUIRE(shopify.call_count() == 1);
    CHECK(shopify.calls()[0].query.at("name") == "#1042");

    const auto calls = richpanel.calls_for("t-shop");
    const auto send = std::find_if(calls.begin(), calls.end(),
                                   [](const auto& c) { return c.path.ends_with("/send-message"); });
    REQUIRE(send != calls.end());
    const std::string body(json::parse(send->body).as_object().at("body").as_string());
    CHECK(body.find("#1042") != std::string::npos);
    CHECK(body.find("1Z999AA10123456784") != std::string::npos);
    CHECK(body.find("Evergreen") == std::string::npos);
    CHECK(body.find("415") == std::string::npos);
  }
  SUBCASE("flag on, another customer: the ask-for-the-order-number reply") {
    RpmwServer server(with_env(shopify_env(richpanel, shopify, true)));
    richpanel.put_ticket(ticket_with_profile("t-other", "someone.else@example.com"));
    const json::object record = deliver(server, "t-other", 0);
    CHECK(record.at("order_match").as_string() == "none");
    CHECK(record.at("template_id").as_string() == "t_order_status_ask_order_number");
    CHECK(shopify.call_count() == 1);
  }
  SUBCASE("flag off (the default): Shopify is never asked") {
    RpmwServer server(with_env(shopify_env(richpanel, shopify, false)));
    richpanel.put_ticket(ticket_with_profile("t-off", "jane.doe+pii@example.com"));
    const json::object record = deliver(server, "t-off", 0);
    CHECK(record.at("order_match").as_string() == "none");
    CHECK(record.at("template_id").as_string() == "t_order_status_ask_order_number");
    CHECK(shopify.call_count() == 0);
  }
}

TEST_CASE("e2e shopify: config check reports the fallback; a token without a shop is an error") {
  TempDir dir("rpmw-e2e-shopify-config");
  const Run ok = config_check(dir, "ok",
                              {{"RPMW_SHOPIFY_SHOP", "my-store.myshopify.com"},
                               {"RPMW_SHOPIFY_ACCESS_TOKEN", "shpat_secret_x"}});
  CHECK_MESSAGE(ok.code == 0, ok.err);
  CHECK(ok.out.find("Shopify order-number fallback available for my-store.myshopify.com") !=
        std::string::npos);
  CHECK(ok.out.find("shpat_secret_x") == std::string::npos);
  const Run bad = config_check(dir, "bad", {{"RPMW_SHOPIFY_ACCESS_TOKEN", "shpat_secret_x"}});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("shopify_shop") != std::string::npos);
  CHECK(bad.err.find("shpat_secret_x") == std::string::npos);
}

}  // namespace rpmw::itest
