#include "tests/fakes/in_memory_secret_store.h"

namespace rpmw::fakes {

void InMemorySecretStore::put(const std::string& name, std::string value) {
  std::lock_guard lock(mutex_);
  secrets_[name] = std::move(value);
}

void InMemorySecretStore::erase(const std::string& name) {
  std::lock_guard lock(mutex_);
  secrets_.erase(name);
}

core::Result<std::string> InMemorySecretStore::get(const std::string& name) {
  std::lock_guard lock(mutex_);
  const auto it = secrets_.find(name);
  if (it == secrets_.end()) return core::fail(core::ErrorKind::not_found, "secret_not_found");
  return it->second;
}

}  // namespace rpmw::fakes
