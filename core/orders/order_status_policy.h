#pragma once
// The order-status data of policies/policy.yaml (`order_status:`): the store's time zone, its
// holidays and the shipping-method windows. Lives in core/orders so that core/policy can hold it
// without core/orders depending on core/policy.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/orders/time_zone.h"

namespace rpmw::core::orders {

// A delivery window in business days, both ends inclusive.
struct DeliveryWindow {
  int min_days = 0;
  int max_days = 0;
  bool operator==(const DeliveryWindow&) const = default;
};

// spec/03's defaults; keys are lower-case substrings of the shipping-method text.
std::map<std::string, DeliveryWindow> default_shipping_windows();

struct OrderStatusPolicy {
  std::string time_zone = "UTC";  // "UTC", "+05:30", or an IANA name
  std::string zoneinfo_dir = "/usr/share/zoneinfo";
  std::vector<std::string> holidays;  // YYYY-MM-DD, in the store's zone
  std::map<std::string, DeliveryWindow> shipping_windows = default_shipping_windows();
  // Resolved by the loader (it reads the TZif file); nullopt: the zone is unknown.
  std::optional<TimeZone> zone = TimeZone::utc();
  std::string zone_error;  // why `zone` did not resolve (a machine code)
};

// One message per problem, prefixed "order_status".
std::vector<std::string> validate_order_status(const OrderStatusPolicy& policy);

}  // namespace rpmw::core::orders
