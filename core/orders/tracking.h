#pragma once
// The one tracking block a reply shows (spec/03): the most recent fulfillment that has tracking,
// http(s) links only, and the carrier's public tracking page when the order gives none.
#include <optional>
#include <string>
#include <string_view>

#include "core/ports/order_source.h"

namespace rpmw::core::orders {

struct TrackingInfo {
  std::string number;
  std::string company;
  std::string url;  // http(s) only; may be empty
};

// An absolute http:// or https:// URL with a host and no whitespace or control characters.
bool is_http_url(std::string_view url);
// Percent-encodes everything but RFC 3986's unreserved characters.
std::string url_encode(std::string_view text);
// The public tracking page of FedEx, UPS, USPS or DHL (carrier recognised case-insensitively
// from the company name); empty for any other carrier or an empty number.
std::string carrier_tracking_url(std::string_view company, std::string_view number);

// The tracking block of the most recent fulfillment (created_at_ms; on a tie the later one
// listed) with a tracking number or an http(s) link; nullopt when there is none.
std::optional<TrackingInfo> select_tracking(const Order& order);
bool has_tracking(const Order& order);

}  // namespace rpmw::core::orders
