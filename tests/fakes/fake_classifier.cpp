#include "tests/fakes/fake_classifier.h"

#include <utility>

namespace rpmw::fakes {

void FakeClassifier::set_decision(core::ClassifierDecision decision) {
  std::lock_guard lock(mutex_);
  decision_ = std::move(decision);
  error_.reset();
}

void FakeClassifier::set_error(core::Error error) {
  std::lock_guard lock(mutex_);
  error_ = std::move(error);
}

void FakeClassifier::push(core::Result<core::ClassifierDecision> result) {
  std::lock_guard lock(mutex_);
  scripted_.push_back(std::move(result));
}

std::size_t FakeClassifier::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

std::optional<core::ClassifierInput> FakeClassifier::last_input() const {
  std::lock_guard lock(mutex_);
  return last_input_;
}

core::Result<core::ClassifierDecision> FakeClassifier::classify(
    const core::ClassifierInput& input) {
  std::lock_guard lock(mutex_);
  ++calls_;
  last_input_ = input;
  if (!scripted_.empty()) {
    auto result = std::move(scripted_.front());
    scripted_.pop_front();
    return result;
  }
  if (error_) return tl::unexpected(*error_);
  return decision_;
}

}  // namespace rpmw::fakes
