#pragma once
#include <map>
#include <optional>
#include <string>

#include "core/common/error.h"

namespace rpmw::core {

// Raw flag storage (SQLite table, SSM parameters). Defaults and caching live in core::flags.
class FlagStore {
 public:
  virtual ~FlagStore() = default;
  virtual Result<std::optional<std::string>> get(const std::string& name) = 0;
  virtual Result<std::map<std::string, std::string>> list() = 0;
  virtual Status set(const std::string& name, const std::string& value) = 0;
};

}  // namespace rpmw::core
