#pragma once
// A Shopify Admin REST server on 127.0.0.1 for tests, enough for the order lookup:
// GET /admin/api/{YYYY-MM|unstable}/orders.json with the access-token check (401), the `name`
// filter ("#1042" and "1042" both find the order named "#1042"), `status` (open by default, any,
// closed, cancelled), `limit` and `fields`; injected faults (5xx, 429 with Retry-After, delays);
// every request recorded. Thread-safe; settings can change at any time.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

namespace rpmw::fakes {

struct FakeShopifyCall {
  std::string method;
  std::string path;                            // without the query
  std::string target;                          // as received
  std::map<std::string, std::string> query;    // percent-decoded
  std::map<std::string, std::string> headers;  // lower-case names
  unsigned status = 0;                         // what the fake answered
};

enum class FakeShopifyFault {
  none,
  server_error,  // answer `status` (default 503)
  rate_limited,  // 429 with Retry-After unless set_retry_after(nullopt)
  delay,         // answer normally after `delay`
};

class FakeShopifyServer {
 public:
  static constexpr const char* kDefaultToken = "shpat_test_token";

  explicit FakeShopifyServer(std::string access_token = kDefaultToken, std::uint16_t port = 0);
  ~FakeShopifyServer();
  FakeShopifyServer(const FakeShopifyServer&) = delete;
  FakeShopifyServer& operator=(const FakeShopifyServer&) = delete;

  std::uint16_t port() const;
  std::string base_url() const;  // http://127.0.0.1:<port>
  void stop();                   // idempotent

  // A REST order object ("id", "name", …), served as given; replaces the order with its id.
  void put_order(const boost::json::object& order);
  // The next `count` requests fail or wait as `fault` says.
  void set_fault(FakeShopifyFault fault, int count, unsigned status = 503,
                 std::chrono::milliseconds delay = std::chrono::milliseconds(0));
  void set_retry_after(std::optional<std::string> value);  // default "1.0"

  std::vector<FakeShopifyCall> calls() const;
  std::size_t call_count() const;
  void clear_calls();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A fulfilled order fixture: id, "#<number>", email, created two days before `now_ms`, UPS
// tracking, standard shipping, a shipping address (which the adapter must drop).
boost::json::object shopify_order_fixture(std::int64_t id, const std::string& number,
                                          const std::string& email, std::int64_t now_ms);

}  // namespace rpmw::fakes
