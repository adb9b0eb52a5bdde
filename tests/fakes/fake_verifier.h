#pragma once
// A Tier 2 verifier that answers a configured result or error, and counts calls.
#include <cstddef>
#include <optional>
#include <utility>

#include "core/ports/classifier.h"
#include "tests/fakes/scripted_answers.h"

namespace rpmw::fakes {

class FakeVerifier final : public core::Verifier {
 public:
  explicit FakeVerifier(core::VerifierResult result = {}) : answers_(std::move(result)) {}

  // Every call answers `result` (clears a configured error).
  void set_result(core::VerifierResult result) { answers_.set_answer(std::move(result)); }
  // Every call fails with `error` until set_result.
  void set_error(core::Error error) { answers_.set_error(std::move(error)); }
  // One-shot results, used in order before the configured result or error.
  void push(core::Result<core::VerifierResult> result) { answers_.push(std::move(result)); }

  std::size_t calls() const { return answers_.calls(); }
  std::optional<core::VerifierInput> last_input() const { return answers_.last_input(); }

  core::Result<core::VerifierResult> verify(const core::VerifierInput& input) override {
    return answers_.answer(input);
  }

 private:
  ScriptedAnswers<core::VerifierInput, core::VerifierResult> answers_;
};

}  // namespace rpmw::fakes
