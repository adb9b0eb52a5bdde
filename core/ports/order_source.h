#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/error.h"

namespace rpmw::core {

struct OrderLink {
  std::string order_id;
  std::string app_client_id;
};

struct Tracking {
  std::string number;
  std::string company;
  std::string url;
  std::string shipping_date;
};

struct Fulfillment {
  std::string status;
  std::int64_t created_at_ms = 0;
  std::vector<Tracking> tracking;
};

struct Order {
  std::string order_id;
  std::string order_name;
  std::string status;
  std::string financial_status;
  std::string fulfillment_status;
  std::int64_t created_at_ms = 0;
  std::string status_url;
  std::string shipping_method;
  std::string ship_by_date;  // YYYY-MM-DD when the store gives one (pre-orders need it for an ETA)
  std::vector<std::string> tags;
  std::vector<Fulfillment> fulfillments;
};

class OrderSource {
 public:
  virtual ~OrderSource() = default;
  // The orders the helpdesk links to the conversation (empty: none).
  virtual Result<std::vector<OrderLink>> linked_orders(const std::string& ticket_id) = 0;
  virtual Result<Order> get_order(const OrderLink& link) = 0;
};

}  // namespace rpmw::core
