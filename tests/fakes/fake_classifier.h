#pragma once
// A classifier that answers a configured decision or error, and counts calls.
#include <cstddef>
#include <optional>
#include <utility>

#include "core/ports/classifier.h"
#include "tests/fakes/scripted_answers.h"

namespace rpmw::fakes {

class FakeClassifier final : public core::Classifier {
 public:
  explicit FakeClassifier(core::ClassifierDecision decision = {}) : answers_(std::move(decision)) {}

  // Every call answers `decision` (clears a configured error).
  void set_decision(core::ClassifierDecision decision) { answers_.set_answer(std::move(decision)); }
  // Every call fails with `error` until set_decision.
  void set_error(core::Error error) { answers_.set_error(std::move(error)); }
  // One-shot results, used in order before the configured decision or error.
  void push(core::Result<core::ClassifierDecision> result) { answers_.push(std::move(result)); }

  std::size_t calls() const { return answers_.calls(); }
  std::optional<core::ClassifierInput> last_input() const { return answers_.last_input(); }

  core::Result<core::ClassifierDecision> classify(const core::ClassifierInput& input) override {
    return answers_.answer(input);
  }

 private:
  ScriptedAnswers<core::ClassifierInput, core::ClassifierDecision> answers_;
};

}  // namespace rpmw::fakes
