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
  // PII, for the contact match only (OrderSearch); never logged, recorded or rendered.
  std::string customer_email;
  std::string customer_phone;
};

class OrderSource {
 public:
  virtual ~OrderSource() = default;
  // The orders the helpdesk links to the conversation (empty: none).
  virtual Result<std::vector<OrderLink>> linked_orders(const std::string& ticket_id) = 0;
  virtual Result<Order> get_order(const OrderLink& link) = 0;
};

// What a search by order number needs: the numbers the customer wrote and the contact the
// helpdesk knows for them (never contact details taken from the message text).
struct OrderQuery {
  std::vector<std::string> order_numbers;
  std::string email;
  std::string phone;
};

// The store's orders by order number (the Shopify fallback when the helpdesk links none).
class OrderSearch {
 public:
  virtual ~OrderSearch() = default;
  // Orders whose name is this number ("1042" finds "#1042"), cancelled ones left out; empty when
  // there is none. The contact fields must be filled for the match.
  virtual Result<std::vector<Order>> find_by_number(const std::string& order_number) = 0;
};

}  // namespace rpmw::core
