#include "core/orders/selection.h"

namespace rpmw::core::orders {

bool required_context_present(const Order& order) {
  return !order.order_id.empty() && order.created_at_ms > 0 &&
         (has_tracking(order) || !order.shipping_method.empty());
}

Tier2Selection select_tier2_template(const Order& order) {
  if (has_tracking(order)) return {"t_order_status_verified", false};
  return {"t_shipping_delay_verified", true};
}

}  // namespace rpmw::core::orders
