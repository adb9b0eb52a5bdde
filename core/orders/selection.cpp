#include "core/orders/selection.h"

#include "core/orders/order_vars.h"

namespace rpmw::core::orders {

bool required_context_present(const Order& order, const OrderStatusPolicy& policy) {
  return !order.order_id.empty() && order.created_at_ms > 0 &&
         (has_tracking(order) ||
          match_shipping_window(order.shipping_method, policy.shipping_windows).has_value());
}

Tier2Selection select_tier2_template(const Order& order, TimePoint inquiry,
                                     const OrderStatusPolicy& policy) {
  Tier2Selection s;
  const TimeZone zone = policy.zone.value_or(TimeZone::utc());
  const std::optional<TrackingInfo> tracking = select_tracking(order);
  if (tracking) {
    s.template_id = kOrderStatusTemplate;
    s.reason = "tracking";
    s.vars = order_vars(order, tracking, std::nullopt, zone);
    return s;
  }
  s.estimate = estimate_delivery(order, inquiry, policy);
  s.reason = std::string(to_string(s.estimate->status));
  s.vars = order_vars(order, std::nullopt, s.estimate, zone);
  if (!policy.zone) s.vars.erase("order_created_date_human");  // no calendar to place it on
  if (s.estimate->status == EtaStatus::within_window) {
    s.template_id = kEtaTemplate;
    s.auto_close = true;
    return s;
  }
  s.template_id = kDelayTemplate;
  s.needs_human = true;
  return s;
}

}  // namespace rpmw::core::orders
