// The decision engine with the Shopify adapter against the fake Shopify server: the fallback
// end to end below the process level (flag, Richpanel link, contact match, what is sent).
#include <doctest/doctest.h>

#include "adapters/shopify/shopify_order_search.h"
#include "app/runtime/engine_kit.h"
#include "core/pipeline/pipeline.h"
#include "tests/fakes/fake_order_source.h"
#include "tests/fakes/fake_shopify_server.h"

using rpmw::core::pipeline::EngineResult;
using rpmw::fakes::FakeShopifyServer;
using rpmw::fakes::shopify_order_fixture;

namespace {

constexpr std::int64_t kNowMs = 1'767'225'600'000;

struct Harness {
  Harness() {
    rpmw::adapters::shopify::ShopifySettings settings;
    settings.shop = "test-shop.myshopify.com";
    settings.base_url = server.base_url();
    settings.access_token = FakeShopifyServer::kDefaultToken;
    search = std::make_unique<rpmw::adapters::shopify::ShopifyOrderSearch>(settings);
    rpmw::app::EngineOptions options;
    options.orders = &links;
    options.order_search = search.get();
    kit = rpmw::app::EngineKit::embedded(options);
    flags.shadow_mode = false;
    flags.safe_mode = false;
    flags.automation_enabled = true;
    flags.shopify_fallback = true;
  }

  EngineResult decide(const std::string& email = "ann@example.com") {
    rpmw::core::Ticket ticket = rpmw::core::pipeline::synthetic_ticket(
        "t-shop", "c-1", "email", "Where is my order #1042? It has been a few days.");
    ticket.customer_email = email;
    return kit->engine().run(
        {ticket, ticket.comments[0], flags, {}, rpmw::core::from_epoch_ms(kNowMs)});
  }

  FakeShopifyServer server;
  rpmw::fakes::FakeOrderSource links;
  std::unique_ptr<rpmw::adapters::shopify::ShopifyOrderSearch> search;
  std::unique_ptr<rpmw::app::EngineKit> kit;
  rpmw::core::flags::FlagSnapshot flags;
};

}  // namespace

TEST_CASE("adapters/shopify: engine, flag on and one order with the customer's email: Tier 2") {
  Harness h;
  h.server.put_order(shopify_order_fixture(9001, "1042", "Ann@Example.com", kNowMs));
  const EngineResult r = h.decide();
  CHECK(r.order_match == "shopify_contact");
  CHECK(r.decision.tier == "TIER_2_VERIFIED");
  CHECK(r.decision.template_id == "t_order_status_verified");
  CHECK(r.decision.template_vars.at("order_id") == "#1042");
  CHECK(r.decision.template_vars.at("tracking_number") == "1Z999AA10123456784");
  for (const auto& [name, value] : r.decision.template_vars) {
    CAPTURE(name);
    CHECK(value.find("Secret Lane") == std::string::npos);  // the address never gets this far
    CHECK(value.find("ann@") == std::string::npos);
  }
  CHECK(h.server.call_count() == 1);
}

TEST_CASE("adapters/shopify: engine, flag off or a Richpanel link: Shopify is never asked") {
  Harness h;
  h.server.put_order(shopify_order_fixture(9001, "1042", "ann@example.com", kNowMs));
  SUBCASE("flag off") {
    h.flags.shopify_fallback = false;
    CHECK(h.decide().order_match == "none");
  }
  SUBCASE("linked in Richpanel") {
    rpmw::core::Order linked;
    linked.order_id = "1042";
    linked.order_name = "#1042";
    linked.status = "open";
    linked.created_at_ms = kNowMs - 86'400'000;
    linked.shipping_method = "Standard";
    h.links.put_order("app-1", linked);
    h.links.link("t-shop", {"1042", "app-1"});
    CHECK(h.decide().order_match == "richpanel_link");
  }
  CHECK(h.server.call_count() == 0);
}

TEST_CASE("adapters/shopify: engine, another email or two orders of that name: no match") {
  Harness h;
  h.server.put_order(shopify_order_fixture(9001, "1042", "ann@example.com", kNowMs));
  SUBCASE("email mismatch") {
    const EngineResult r = h.decide("mallory@example.com");
    CHECK(r.order_match == "none");
    CHECK(r.decision.template_id == "t_order_status_ask_order_number");
  }
  SUBCASE("two matching orders") {
    h.server.put_order(shopify_order_fixture(9002, "1042", "ann@example.com", kNowMs));
    const EngineResult r = h.decide();
    CHECK(r.order_match == "none");
    CHECK(r.decision.tier == "TIER_1_SAFE_ASSIST");
  }
  SUBCASE("Shopify unreachable") {
    h.server.stop();
    const EngineResult r = h.decide();
    CHECK(r.order_match == "shopify_error");
    CHECK(r.decision.template_id == "t_order_status_ask_order_number");
  }
}
