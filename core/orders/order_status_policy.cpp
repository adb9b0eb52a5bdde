#include "core/orders/order_status_policy.h"

#include <cctype>

#include "core/orders/dates.h"

namespace rpmw::core::orders {

std::map<std::string, DeliveryWindow> default_shipping_windows() {
  return {
      {"standard", {3, 5}}, {"ground", {3, 7}},    {"economy", {5, 7}},  {"free", {5, 7}},
      {"mail", {5, 7}},     {"expedited", {2, 3}}, {"express", {1, 2}},  {"two-day", {2, 2}},
      {"2-day", {2, 2}},    {"two day", {2, 2}},   {"priority", {1, 1}}, {"overnight", {1, 1}},
      {"next-day", {1, 1}}, {"next day", {1, 1}},  {"rush", {1, 1}},
  };
}

std::vector<std::string> validate_order_status(const OrderStatusPolicy& policy) {
  std::vector<std::string> problems;
  if (!policy.zone) {
    problems.push_back("order_status: unknown time_zone '" + policy.time_zone + "'" +
                       (policy.zone_error.empty() ? "" : " (" + policy.zone_error + ")"));
  }
  for (const std::string& day : policy.holidays) {
    if (!parse_iso_date(day)) {
      problems.push_back("order_status: holiday '" + day + "' is not a YYYY-MM-DD date");
    }
  }
  for (const auto& [key, window] : policy.shipping_windows) {
    const std::string where = "order_status: shipping_windows '" + key + "'";
    bool lower = !key.empty();
    for (char c : key) lower = lower && !std::isupper(static_cast<unsigned char>(c));
    if (!lower) problems.push_back(where + ": keys must be non-empty and lower case");
    if (window.min_days < 0 || window.max_days < window.min_days) {
      problems.push_back(where + ": needs 0 <= min <= max");
    }
  }
  return problems;
}

}  // namespace rpmw::core::orders
