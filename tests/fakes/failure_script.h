#pragma once
// Scripted failures for fakes: `push` queues an error for the next call of one method (or of any
// method when the name is empty); `take` pops the first one that applies. Not thread-safe: the
// owning fake calls it under its own lock.
#include <deque>
#include <optional>
#include <string>

#include "core/common/error.h"

namespace rpmw::fakes {

class FailureScript {
 public:
  void push(core::Error error, std::string method) {
    failures_.push_back(Failure{std::move(method), std::move(error)});
  }
  std::optional<core::Error> take(const std::string& method) {
    for (auto it = failures_.begin(); it != failures_.end(); ++it) {
      if (it->method.empty() || it->method == method) {
        core::Error error = std::move(it->error);
        failures_.erase(it);
        return error;
      }
    }
    return std::nullopt;
  }

 private:
  struct Failure {
    std::string method;
    core::Error error;
  };
  std::deque<Failure> failures_;
};

}  // namespace rpmw::fakes
