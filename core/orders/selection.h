#pragma once
// The Tier 2 template choice for one deterministically linked order (spec/03 "Selection"):
//   tracking present (any fulfillment)            → t_order_status_verified
//   no tracking, bucket known, within the window  → t_order_eta_no_tracking_verified (auto-close)
//   no tracking and late, bucket unknown, a pre-order without a ship-by date
//                                                  → t_shipping_delay_verified + a human
#include <map>
#include <optional>
#include <string>

#include "core/orders/delivery_estimate.h"
#include "core/orders/order_status_policy.h"
#include "core/orders/tracking.h"
#include "core/ports/clock.h"
#include "core/ports/order_source.h"

namespace rpmw::core::orders {

inline constexpr const char* kOrderStatusTemplate = "t_order_status_verified";
inline constexpr const char* kEtaTemplate = "t_order_eta_no_tracking_verified";
inline constexpr const char* kDelayTemplate = "t_shipping_delay_verified";

// Order id, created date, and a tracking signal or a shipping method the policy recognises.
bool required_context_present(const Order& order, const OrderStatusPolicy& policy);

struct Tier2Selection {
  std::string template_id;
  bool needs_human = false;  // the reply goes out and a person follows up
  bool auto_close = false;   // only the ETA template within the window
  // Machine label: "tracking", or an EtaStatus ("eta_within_window", "late", "bucket_unknown",
  // "preorder_no_eta", "zone_unknown").
  std::string reason;
  std::map<std::string, std::string> vars;   // allow-listed reply variables
  std::optional<DeliveryEstimate> estimate;  // computed when there is no tracking
};

Tier2Selection select_tier2_template(const Order& order, TimePoint inquiry,
                                     const OrderStatusPolicy& policy);

}  // namespace rpmw::core::orders
