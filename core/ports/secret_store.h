#pragma once
#include <string>

#include "core/common/error.h"

namespace rpmw::core {

class SecretStore {
 public:
  virtual ~SecretStore() = default;
  // ErrorKind::not_found when the secret does not exist.
  virtual Result<std::string> get(const std::string& name) = 0;
};

}  // namespace rpmw::core
