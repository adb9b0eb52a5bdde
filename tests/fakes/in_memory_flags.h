#pragma once
// An in-memory FlagStore: raw values in a map, failures injectable.
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/ports/flag_store.h"
#include "tests/fakes/failure_script.h"

namespace rpmw::fakes {

class InMemoryFlagStore final : public core::FlagStore {
 public:
  InMemoryFlagStore() = default;
  explicit InMemoryFlagStore(std::map<std::string, std::string> values)
      : values_(std::move(values)) {}

  // The next call of `method` ("get", "list", "set"; any method when empty) fails with `error`
  // and changes nothing. Failures queue up and are used in the order given.
  void fail_next(core::Error error, std::string method = {});

  core::Result<std::optional<std::string>> get(const std::string& name) override;
  core::Result<std::map<std::string, std::string>> list() override;
  core::Status set(const std::string& name, const std::string& value) override;

 private:
  // Caller holds mutex_.
  std::optional<core::Error> take_failure(const std::string& method) {
    return failures_.take(method);
  }

  std::mutex mutex_;
  std::map<std::string, std::string> values_;
  FailureScript failures_;
};

}  // namespace rpmw::fakes
