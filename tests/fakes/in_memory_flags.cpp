#include "tests/fakes/in_memory_flags.h"

#include <utility>

namespace rpmw::fakes {

void InMemoryFlagStore::fail_next(core::Error error, std::string method) {
  std::lock_guard lock(mutex_);
  failures_.push(std::move(error), std::move(method));
}

core::Result<std::optional<std::string>> InMemoryFlagStore::get(const std::string& name) {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("get")) return tl::unexpected<core::Error>(std::move(*failure));
  auto it = values_.find(name);
  if (it == values_.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

core::Result<std::map<std::string, std::string>> InMemoryFlagStore::list() {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("list")) return tl::unexpected<core::Error>(std::move(*failure));
  return values_;
}

core::Status InMemoryFlagStore::set(const std::string& name, const std::string& value) {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("set")) return tl::unexpected<core::Error>(std::move(*failure));
  values_[name] = value;
  return {};
}

}  // namespace rpmw::fakes
