#pragma once
// A Tier 2 verifier that answers a configured result or error, and counts calls.
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

#include "core/ports/classifier.h"

namespace rpmw::fakes {

class FakeVerifier final : public core::Verifier {
 public:
  explicit FakeVerifier(core::VerifierResult result = {}) : result_(std::move(result)) {}

  // Every call answers `result` (clears a configured error).
  void set_result(core::VerifierResult result);
  // Every call fails with `error` until set_result.
  void set_error(core::Error error);
  // One-shot results, used in order before the configured result or error.
  void push(core::Result<core::VerifierResult> result);

  std::size_t calls() const;
  std::optional<core::VerifierInput> last_input() const;

  core::Result<core::VerifierResult> verify(const core::VerifierInput& input) override;

 private:
  mutable std::mutex mutex_;
  core::VerifierResult result_;
  std::optional<core::Error> error_;
  std::deque<core::Result<core::VerifierResult>> scripted_;
  std::size_t calls_ = 0;
  std::optional<core::VerifierInput> last_input_;
};

}  // namespace rpmw::fakes
