#pragma once
// core::OrderSearch over the Shopify Admin REST API: orders by name (the number a customer
// writes), for the optional order-number fallback (flag orders.shopify_fallback). GET only, so a
// retry is always safe; at most 2 attempts. It never logs, and error codes carry neither the
// token nor any body text.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "adapters/http/http_client.h"
#include "adapters/http/vendor_call_report.h"
#include "core/ports/order_source.h"

namespace rpmw::adapters::shopify {

struct ShopifySettings {
  std::string shop;          // the shop's domain, e.g. my-store.myshopify.com
  std::string base_url;      // empty: https://<shop>
  std::string access_token;  // Admin API access token (read_orders)
  std::string api_version = "2024-10";
  std::chrono::milliseconds timeout{10000};         // per attempt, whole exchange
  std::chrono::milliseconds connect_timeout{3000};  // capped by `timeout`
  int attempts = 2;                                 // in total, clamped to [1, 2]
  // A longer Retry-After is handed back as rate_limited with retry_after instead of waited out.
  std::chrono::milliseconds max_inline_wait{2000};
  // The pause before retry `attempt` without a Retry-After; empty: uniform in [0, 1 s].
  std::function<std::chrono::milliseconds(int attempt)> backoff;
  std::function<void(std::chrono::milliseconds)> sleep;  // empty: std::this_thread::sleep_for
  std::string ca_bundle_path;
  http::VendorCallObserver observer;  // vendor "shopify", operation "find_orders"
};

// A host name of letters, digits, '-' and '.' (no scheme, port or path), as Shopify names shops.
bool valid_shopify_shop(std::string_view shop);
// "YYYY-MM" (a stable release) or "unstable".
bool valid_shopify_api_version(std::string_view version);

// base_url without trailing '/', else https://<shop>.
std::string shopify_base_url(const ShopifySettings& settings);

// Status mapping of a non-2xx answer other than 404: 401/403 permanent "shopify_auth", 429
// rate_limited "shopify_429" (Retry-After, seconds, as retry_after), 5xx transient "shopify_5xx",
// else permanent "shopify_<status>".
core::Error shopify_status_error(const http::HttpResponse& response);

class ShopifyOrderSearch final : public core::OrderSearch {
 public:
  explicit ShopifyOrderSearch(ShopifySettings settings);

  // GET /admin/api/{version}/orders.json?name=%23<number>&status=any&limit=5&fields=… (only the
  // fields the mapping reads). Keeps the orders named exactly "#<number>" or "<number>", minus
  // cancelled ones; a 404 is an empty list. Errors: invalid_input "shopify_bad_order_number" (not
  // 1–20 digits, nothing sent), permanent "shopify_bad_api_version" (nothing sent), the status
  // mapping above, transient "shopify_timeout" / "shopify_connect_failed" / "shopify_http_error",
  // permanent "shopify_invalid_json" / "shopify_unexpected_body" / "shopify_egress_denied".
  core::Result<std::vector<core::Order>> find_by_number(const std::string& order_number) override;

 private:
  core::Result<std::vector<core::Order>> attempt(const http::HttpRequest& request, long& status);
  void pause(std::chrono::milliseconds how_long) const;

  ShopifySettings settings_;
  std::string base_;
  http::HttpClientPool clients_;
};

}  // namespace rpmw::adapters::shopify
