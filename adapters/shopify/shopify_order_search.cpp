#include "adapters/shopify/shopify_order_search.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <thread>

#include <boost/json.hpp>

#include "adapters/http/retry_after.h"
#include "adapters/shopify/shopify_mapping.h"
#include "core/common/ascii.h"

namespace rpmw::adapters::shopify {
namespace json = boost::json;
using core::ErrorKind;

namespace {

constexpr int kMaxAttempts = 2;
constexpr std::size_t kMaxOrderNumberLength = 20;
// Exactly what shopify_mapping reads: no addresses beyond the phone, no items, no payment data.
constexpr const char* kFields =
    "id,name,email,phone,customer,shipping_address,created_at,closed_at,cancelled_at,"
    "financial_status,fulfillment_status,order_status_url,shipping_lines,tags,fulfillments";

core::Error transport_error(const core::Error& error) {
  if (error.code == "timeout" || error.code == "connect_failed" || error.code == "http_error") {
    return {ErrorKind::transient, "shopify_" + error.code, std::nullopt};
  }
  return {error.kind, "shopify_" + error.code, std::nullopt};
}

std::chrono::milliseconds default_backoff() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::chrono::milliseconds(std::uniform_int_distribution<std::int64_t>(0, 1000)(rng));
}

bool named(const core::Order& order, std::string_view number) {
  std::string_view name = core::trim_ascii(order.order_name);
  if (name.starts_with('#')) name.remove_prefix(1);
  return name == number;
}

}  // namespace

bool valid_shopify_shop(std::string_view shop) {
  if (shop.empty() || shop.size() > 253 || shop.front() == '.' || shop.front() == '-') return false;
  return std::all_of(shop.begin(), shop.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.';
  });
}

bool valid_shopify_api_version(std::string_view v) {
  if (v == "unstable") return true;
  auto digit = [&](std::size_t i) { return v[i] >= '0' && v[i] <= '9'; };
  return v.size() == 7 && digit(0) && digit(1) && digit(2) && digit(3) && v[4] == '-' && digit(5) &&
         digit(6);
}

std::string shopify_base_url(const ShopifySettings& settings) {
  std::string_view base = settings.base_url;
  while (base.ends_with('/')) base.remove_suffix(1);
  return base.empty() ? "https://" + settings.shop : std::string(base);
}

core::Error shopify_status_error(const http::HttpResponse& response) {
  const long status = response.status;
  if (status == 429) {
    return {ErrorKind::rate_limited, "shopify_429",
            http::parse_retry_after(response.header("retry-after"))};
  }
  if (status >= 500) return {ErrorKind::transient, "shopify_5xx", std::nullopt};
  if (status == 401 || status == 403) return {ErrorKind::permanent, "shopify_auth", std::nullopt};
  return {ErrorKind::permanent, "shopify_" + std::to_string(status), std::nullopt};
}

ShopifyOrderSearch::ShopifyOrderSearch(ShopifySettings settings)
    : settings_(std::move(settings)),
      base_(shopify_base_url(settings_)),
      clients_(http::vendor_client_options(base_, settings_.ca_bundle_path)) {}

core::Result<std::vector<core::Order>> ShopifyOrderSearch::find_by_number(
    const std::string& order_number) {
  std::string_view number = core::trim_ascii(order_number);
  if (number.starts_with('#')) number.remove_prefix(1);
  if (number.empty() || number.size() > kMaxOrderNumberLength ||
      !std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return core::fail(ErrorKind::invalid_input, "shopify_bad_order_number");
  }
  if (!valid_shopify_api_version(settings_.api_version)) {
    return core::fail(ErrorKind::permanent, "shopify_bad_api_version");
  }
  http::HttpRequest request;
  // The number is digits only, so "%23" + number is the whole encoding of "#<number>".
  request.url = base_ + "/admin/api/" + settings_.api_version + "/orders.json?name=%23" +
                std::string(number) + "&status=any&limit=5&fields=" + kFields;
  request.headers = {{"x-shopify-access-token", settings_.access_token},
                     {"accept", "application/json"}};
  request.total_timeout = settings_.timeout;
  request.connect_timeout = std::min(settings_.connect_timeout, settings_.timeout);

  const auto started = std::chrono::steady_clock::now();
  const int attempts = std::clamp(settings_.attempts, 1, kMaxAttempts);
  long status = 0;
  int sent = 0;
  core::Result<std::vector<core::Order>> result;
  for (int n = 1;; ++n) {
    result = attempt(request, status);
    ++sent;
    if (result || n >= attempts) break;
    const core::Error& error = result.error();
    if (error.kind != ErrorKind::transient && error.kind != ErrorKind::rate_limited) break;
    if (error.retry_after && *error.retry_after > settings_.max_inline_wait) break;
    pause(error.retry_after ? *error.retry_after
                            : (settings_.backoff ? settings_.backoff(n) : default_backoff()));
  }
  if (settings_.observer) {
    http::VendorCallReport report;
    report.vendor = "shopify";
    report.operation = "find_orders";
    report.http_status = status;
    report.latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
    report.retries = sent - 1;
    if (!result) report.error_code = result.error().code;
    settings_.observer(report);
  }
  if (!result) return result;
  // Shopify's name filter is not documented as exact: keep only this order number.
  std::erase_if(*result, [&](const core::Order& o) { return !named(o, number); });
  return result;
}

core::Result<std::vector<core::Order>> ShopifyOrderSearch::attempt(const http::HttpRequest& request,
                                                                   long& status) {
  auto response = clients_.send(request);
  if (!response) {
    status = 0;
    return tl::unexpected(transport_error(response.error()));
  }
  status = response->status;
  if (status == 404) return std::vector<core::Order>{};
  if (status < 200 || status >= 300) return tl::unexpected(shopify_status_error(*response));
  boost::system::error_code ec;
  const json::value body = json::parse(response->body, ec);
  if (ec) return core::fail(ErrorKind::permanent, "shopify_invalid_json");
  return orders_from_shopify_json(body);
}

void ShopifyOrderSearch::pause(std::chrono::milliseconds how_long) const {
  if (settings_.sleep) return settings_.sleep(how_long);
  if (how_long.count() > 0) std::this_thread::sleep_for(how_long);
}

}  // namespace rpmw::adapters::shopify
