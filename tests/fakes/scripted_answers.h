#pragma once
// The answering machinery shared by fakes of request/response ports (classifier, verifier): a
// standing answer or error, one-shot scripted results used first, a call count and the last input.
// Thread-safe.
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

#include "core/common/error.h"

namespace rpmw::fakes {

template <class Input, class Output>
class ScriptedAnswers {
 public:
  explicit ScriptedAnswers(Output answer) : answer_(std::move(answer)) {}

  void set_answer(Output answer) {
    std::lock_guard lock(mutex_);
    answer_ = std::move(answer);
    error_.reset();
  }
  void set_error(core::Error error) {
    std::lock_guard lock(mutex_);
    error_ = std::move(error);
  }
  void push(core::Result<Output> result) {
    std::lock_guard lock(mutex_);
    scripted_.push_back(std::move(result));
  }
  std::size_t calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  std::optional<Input> last_input() const {
    std::lock_guard lock(mutex_);
    return last_input_;
  }
  core::Result<Output> answer(const Input& input) {
    std::lock_guard lock(mutex_);
    ++calls_;
    last_input_ = input;
    if (!scripted_.empty()) {
      auto result = std::move(scripted_.front());
      scripted_.pop_front();
      return result;
    }
    if (error_) return tl::unexpected(*error_);
    return answer_;
  }

 private:
  mutable std::mutex mutex_;
  Output answer_;
  std::optional<core::Error> error_;
  std::deque<core::Result<Output>> scripted_;
  std::size_t calls_ = 0;
  std::optional<Input> last_input_;
};

}  // namespace rpmw::fakes
