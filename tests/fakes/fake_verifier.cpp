#include "tests/fakes/fake_verifier.h"

#include <utility>

namespace rpmw::fakes {

void FakeVerifier::set_result(core::VerifierResult result) {
  std::lock_guard lock(mutex_);
  result_ = std::move(result);
  error_.reset();
}

void FakeVerifier::set_error(core::Error error) {
  std::lock_guard lock(mutex_);
  error_ = std::move(error);
}

void FakeVerifier::push(core::Result<core::VerifierResult> result) {
  std::lock_guard lock(mutex_);
  scripted_.push_back(std::move(result));
}

std::size_t FakeVerifier::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

std::optional<core::VerifierInput> FakeVerifier::last_input() const {
  std::lock_guard lock(mutex_);
  return last_input_;
}

core::Result<core::VerifierResult> FakeVerifier::verify(const core::VerifierInput& input) {
  std::lock_guard lock(mutex_);
  ++calls_;
  last_input_ = input;
  if (!scripted_.empty()) {
    auto result = std::move(scripted_.front());
    scripted_.pop_front();
    return result;
  }
  if (error_) return tl::unexpected(*error_);
  return result_;
}

}  // namespace rpmw::fakes
