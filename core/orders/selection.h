#pragma once
// The Tier 2 template choice for one deterministically linked order (spec/03 "Selection").
// The delivery-estimate path (t_order_eta_no_tracking_verified) arrives with the action layer;
// until then an order without tracking gets the delay template and a human.
#include <optional>
#include <string>

#include "core/orders/tracking.h"
#include "core/ports/order_source.h"

namespace rpmw::core::orders {

// Order id, created date, and a tracking signal or a shipping method.
bool required_context_present(const Order& order);

struct Tier2Selection {
  std::string template_id;
  bool needs_human = false;  // the reply goes out and a person follows up
};

Tier2Selection select_tier2_template(const Order& order);

}  // namespace rpmw::core::orders
