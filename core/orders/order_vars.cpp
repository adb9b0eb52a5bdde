#include "core/orders/order_vars.h"

#include "core/orders/dates.h"

namespace rpmw::core::orders {

std::map<std::string, std::string> order_vars(const Order& order,
                                              const std::optional<TrackingInfo>& tracking,
                                              const std::optional<DeliveryEstimate>& estimate,
                                              const TimeZone& zone) {
  std::map<std::string, std::string> vars;
  auto put = [&](const char* name, std::string value) {
    if (!value.empty()) vars[name] = std::move(value);
  };
  put("order_id", order.order_name.empty() ? order.order_id : order.order_name);
  put("order_status", order.status);
  put("fulfillment_status", order.fulfillment_status);
  if (is_http_url(order.status_url)) put("status_url", order.status_url);
  if (order.created_at_ms > 0) {
    put("order_created_date_human",
        human_date(local_date(from_epoch_ms(order.created_at_ms), zone)));
  }
  if (tracking) {
    put("tracking_number", tracking->number);
    put("tracking_company", tracking->company);
    put("tracking_url", tracking->url);
  }
  if (estimate) {
    put("shipping_bucket", estimate->bucket);
    if (estimate->status == EtaStatus::within_window) {
      put("eta_remaining_human", estimate->eta_remaining_human);
    }
  }
  return vars;
}

}  // namespace rpmw::core::orders
