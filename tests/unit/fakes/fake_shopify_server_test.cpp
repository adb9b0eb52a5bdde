// The fake Shopify server spoken to in raw HTTP, so the adapter cannot hide what it does.
#include "tests/fakes/fake_shopify_server.h"

#include <doctest/doctest.h>

#include "adapters/http/http_client.h"

namespace json = boost::json;
using rpmw::adapters::http::HttpClient;
using rpmw::adapters::http::HttpRequest;
using rpmw::fakes::FakeShopifyFault;
using rpmw::fakes::FakeShopifyServer;

namespace {

struct Raw {
  FakeShopifyServer server;
  HttpClient client{rpmw::adapters::http::vendor_client_options(server.base_url(), {})};

  Raw() {
    server.put_order(rpmw::fakes::shopify_order_fixture(1, "1042", "a@example.com", 0));
    json::object closed = rpmw::fakes::shopify_order_fixture(2, "1043", "b@example.com", 0);
    closed["closed_at"] = "2026-01-01T00:00:00-05:00";
    server.put_order(closed);
  }

  // (status, order ids) of GET <target>.
  std::pair<long, std::vector<std::int64_t>> get(const std::string& target, bool token = true) {
    HttpRequest request;
    request.url = server.base_url() + target;
    if (token)
      request.headers.emplace_back("x-shopify-access-token", FakeShopifyServer::kDefaultToken);
    auto response = client.send(request);
    REQUIRE(response.has_value());
    std::vector<std::int64_t> ids;
    if (response->status == 200) {
      const json::value body = json::parse(response->body);
      for (const json::value& o : body.at("orders").as_array()) {
        ids.push_back(o.at("id").as_int64());
      }
    }
    return {response->status, ids};
  }
};

using Ids = std::vector<std::int64_t>;

}  // namespace

TEST_CASE("fakes/shopify: name matches with or without '#'; status defaults to open") {
  Raw r;
  const std::string base = "/admin/api/2024-10/orders.json";
  CHECK(r.get(base + "?name=%231042").second == Ids{1});
  CHECK(r.get(base + "?name=1042").second == Ids{1});
  CHECK(r.get(base + "?name=1043").second.empty());  // closed: not open
  CHECK(r.get(base + "?name=1043&status=any").second == Ids{2});
  CHECK(r.get(base + "?status=closed").second == Ids{2});
  CHECK(r.get(base + "?status=any&limit=1").second == Ids{1});
  CHECK(r.get(base + "?status=bogus").first == 400);
  CHECK(r.get("/admin/api/latest/orders.json").first == 404);
  CHECK(r.get("/admin/api/2024-10/customers.json").first == 404);
  CHECK(r.get(base, false).first == 401);
  const auto calls = r.server.calls();
  REQUIRE(calls.size() == 10);
  CHECK(calls[0].query.at("name") == "#1042");
  CHECK(calls.back().status == 401);
}

TEST_CASE("fakes/shopify: fields keeps only the named keys; faults come first") {
  Raw r;
  HttpRequest request;
  request.url = r.server.base_url() + "/admin/api/2024-10/orders.json?fields=id,name";
  request.headers.emplace_back("x-shopify-access-token", FakeShopifyServer::kDefaultToken);
  auto response = r.client.send(request);
  REQUIRE(response.has_value());
  const json::value body = json::parse(response->body);
  const json::object& first = body.at("orders").as_array().at(0).as_object();
  CHECK(first.size() == 2);
  CHECK(first.contains("name"));

  r.server.set_fault(FakeShopifyFault::rate_limited, 1);
  auto limited = r.client.send(request);
  REQUIRE(limited.has_value());
  CHECK(limited->status == 429);
  CHECK(limited->header("retry-after") == "1.0");
  r.server.set_fault(FakeShopifyFault::server_error, 1, 502);
  CHECK(r.client.send(request)->status == 502);
  CHECK(r.client.send(request)->status == 200);
}
