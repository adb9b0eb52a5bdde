#include "tests/fakes/in_memory_flags.h"

#include <utility>

namespace rpmw::fakes {

void InMemoryFlagStore::fail_next(core::Error error, std::string method) {
  std::lock_guard lock(mutex_);
  failures_.push_back(Failure{std::move(method), std::move(error)});
}

std::optional<core::Error> InMemoryFlagStore::take_failure(const std::string& method) {
  for (auto it = failures_.begin(); it != failures_.end(); ++it) {
    if (it->method.empty() || it->method == method) {
      core::Error error = std::move(it->error);
      failures_.erase(it);
      return error;
    }
  }
  return std::nullopt;
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
