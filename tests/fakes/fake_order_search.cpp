#include "tests/fakes/fake_order_search.h"

namespace rpmw::fakes {
namespace {

std::string number_of(const core::Order& order) {
  const std::string& name = order.order_name.empty() ? order.order_id : order.order_name;
  return name.starts_with('#') ? name.substr(1) : name;
}

}  // namespace

void FakeOrderSearch::put_order(core::Order order) {
  std::lock_guard lock(mutex_);
  orders_.push_back(std::move(order));
}

void FakeOrderSearch::fail_next(core::Error error) {
  std::lock_guard lock(mutex_);
  failures_.push_back(std::move(error));
}

std::vector<std::string> FakeOrderSearch::searched() const {
  std::lock_guard lock(mutex_);
  return searched_;
}

core::Result<std::vector<core::Order>> FakeOrderSearch::find_by_number(
    const std::string& order_number) {
  std::lock_guard lock(mutex_);
  searched_.push_back(order_number);
  if (!failures_.empty()) {
    core::Error error = std::move(failures_.front());
    failures_.pop_front();
    return tl::unexpected(std::move(error));
  }
  const std::string wanted = order_number.starts_with('#') ? order_number.substr(1) : order_number;
  std::vector<core::Order> out;
  for (const core::Order& order : orders_) {
    if (number_of(order) == wanted) out.push_back(order);
  }
  return out;
}

}  // namespace rpmw::fakes
