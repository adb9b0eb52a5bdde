#pragma once
// In-memory order search: orders by the number in their name ("#1042" → "1042"), every asked
// number logged, failures injected in order.
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "core/ports/order_source.h"

namespace rpmw::fakes {

class FakeOrderSearch final : public core::OrderSearch {
 public:
  // Filed under its order_name without a leading '#' (else its order_id).
  void put_order(core::Order order);
  // The next search fails with `error`. Queued.
  void fail_next(core::Error error);
  std::vector<std::string> searched() const;  // the numbers asked, in order

  core::Result<std::vector<core::Order>> find_by_number(const std::string& order_number) override;

 private:
  mutable std::mutex mutex_;
  std::vector<core::Order> orders_;
  std::deque<core::Error> failures_;
  std::vector<std::string> searched_;
};

}  // namespace rpmw::fakes
