#pragma once
// A classifier that decisions a configured decision or error, and counts calls.
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

#include "core/ports/classifier.h"

namespace rpmw::fakes {

class FakeClassifier final : public core::Classifier {
 public:
  explicit FakeClassifier(core::ClassifierDecision decision = {})
      : decision_(std::move(decision)) {}

  // Every call decisions `decision` (clears a configured error).
  void set_decision(core::ClassifierDecision decision);
  // Every call fails with `error` until set_decision.
  void set_error(core::Error error);
  // One-shot results, used in order before the configured decision or error.
  void push(core::Result<core::ClassifierDecision> result);

  std::size_t calls() const;
  std::optional<core::ClassifierInput> last_input() const;

  core::Result<core::ClassifierDecision> classify(const core::ClassifierInput& input) override;

 private:
  mutable std::mutex mutex_;
  core::ClassifierDecision decision_;
  std::optional<core::Error> error_;
  std::deque<core::Result<core::ClassifierDecision>> scripted_;
  std::size_t calls_ = 0;
  std::optional<core::ClassifierInput> last_input_;
};

}  // namespace rpmw::fakes
