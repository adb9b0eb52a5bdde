#pragma once
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "core/ports/secret_store.h"

namespace rpmw::fakes {

// Secrets in a map; a missing name is ErrorKind::not_found "secret_not_found".
class InMemorySecretStore final : public core::SecretStore {
 public:
  InMemorySecretStore() = default;
  explicit InMemorySecretStore(std::map<std::string, std::string> secrets)
      : secrets_(std::move(secrets)) {}

  void put(const std::string& name, std::string value);
  void erase(const std::string& name);

  core::Result<std::string> get(const std::string& name) override;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string> secrets_;
};

}  // namespace rpmw::fakes
