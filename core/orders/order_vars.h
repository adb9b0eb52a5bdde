#pragma once
// The reply variables a Tier 2 template gets from the order: an allow-list of order facts
// (templates::is_allowed_variable), never addresses, payment details, items or contact data.
#include <map>
#include <optional>
#include <string>

#include "core/orders/delivery_estimate.h"
#include "core/orders/time_zone.h"
#include "core/orders/tracking.h"
#include "core/ports/order_source.h"

namespace rpmw::core::orders {

// order_id (orderName when present, else orderId), order_status, fulfillment_status,
// status_url (http(s) only), tracking_number / tracking_company / tracking_url,
// order_created_date_human ("March 3, 2026" in the store's zone), shipping_bucket (a recognised
// window) and eta_remaining_human (within the window only). Empty values are left out.
std::map<std::string, std::string> order_vars(const Order& order,
                                              const std::optional<TrackingInfo>& tracking,
                                              const std::optional<DeliveryEstimate>& estimate,
                                              const TimeZone& zone);

}  // namespace rpmw::core::orders
