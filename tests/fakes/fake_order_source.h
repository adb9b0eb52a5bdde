#pragma once
// In-memory order source: links per ticket, orders by (app_client_id, order_id).
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ports/order_source.h"

namespace rpmw::fakes {

class FakeOrderSource final : public core::OrderSource {
 public:
  void link(const std::string& ticket_id, core::OrderLink link);
  // Stores `order` under (app_client_id, order.order_id).
  void put_order(const std::string& app_client_id, core::Order order);

  // Calls per method: "linked_orders" or "get_order".
  std::size_t count(std::string_view method) const;
  // The next call of `method` (of either method when empty) fails with `error`. Queued.
  void fail_next(core::Error error, std::string method = {});

  // Unknown ticket: no links (an empty vector), as the real API answers.
  core::Result<std::vector<core::OrderLink>> linked_orders(const std::string& ticket_id) override;
  // Unknown order: ErrorKind::not_found "order_not_found".
  core::Result<core::Order> get_order(const core::OrderLink& link) override;

 private:
  struct Failure {
    std::string method;
    core::Error error;
  };
  // Counts the call and consumes a matching injected failure; caller holds mutex_.
  std::optional<core::Error> begin(std::string_view method);

  mutable std::mutex mutex_;
  std::map<std::string, std::vector<core::OrderLink>> links_;
  std::map<std::pair<std::string, std::string>, core::Order> orders_;
  std::map<std::string, std::size_t, std::less<>> calls_;
  std::deque<Failure> failures_;
};

}  // namespace rpmw::fakes
