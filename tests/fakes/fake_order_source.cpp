#include "tests/fakes/fake_order_source.h"

#include <algorithm>

namespace rpmw::fakes {

void FakeOrderSource::link(const std::string& ticket_id, core::OrderLink link) {
  std::lock_guard lock(mutex_);
  links_[ticket_id].push_back(std::move(link));
}

void FakeOrderSource::put_order(const std::string& app_client_id, core::Order order) {
  std::lock_guard lock(mutex_);
  auto key = std::make_pair(app_client_id, order.order_id);
  orders_[std::move(key)] = std::move(order);
}

std::size_t FakeOrderSource::count(std::string_view method) const {
  std::lock_guard lock(mutex_);
  const auto it = calls_.find(method);
  return it == calls_.end() ? 0 : it->second;
}

void FakeOrderSource::fail_next(core::Error error, std::string method) {
  std::lock_guard lock(mutex_);
  failures_.push_back(Failure{std::move(method), std::move(error)});
}

std::optional<core::Error> FakeOrderSource::begin(std::string_view method) {
  auto counter = calls_.find(method);
  if (counter == calls_.end()) counter = calls_.emplace(std::string(method), 0).first;
  ++counter->second;
  const auto failure = std::find_if(failures_.begin(), failures_.end(), [&](const Failure& f) {
    return f.method.empty() || f.method == method;
  });
  if (failure == failures_.end()) return std::nullopt;
  core::Error error = std::move(failure->error);
  failures_.erase(failure);
  return error;
}

core::Result<std::vector<core::OrderLink>> FakeOrderSource::linked_orders(
    const std::string& ticket_id) {
  std::lock_guard lock(mutex_);
  if (auto error = begin("linked_orders")) return tl::unexpected(std::move(*error));
  const auto it = links_.find(ticket_id);
  if (it == links_.end()) return std::vector<core::OrderLink>{};
  return it->second;
}

core::Result<core::Order> FakeOrderSource::get_order(const core::OrderLink& link) {
  std::lock_guard lock(mutex_);
  if (auto error = begin("get_order")) return tl::unexpected(std::move(*error));
  const auto it = orders_.find(std::make_pair(link.app_client_id, link.order_id));
  if (it == orders_.end()) return core::fail(core::ErrorKind::not_found, "order_not_found");
  return it->second;
}

}  // namespace rpmw::fakes
