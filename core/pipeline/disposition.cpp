#include "core/pipeline/disposition.h"

#include <algorithm>

namespace rpmw::core::pipeline {

std::chrono::milliseconds backoff_delay(int attempt, const BackoffSettings& settings,
                                        Random& random,
                                        std::optional<std::chrono::milliseconds> retry_after) {
  const int exponent = std::clamp(attempt, 1, 21) - 1;
  const std::int64_t ceiling =
      std::min<std::int64_t>(settings.cap.count(), settings.base.count() << exponent);
  const auto jittered = std::chrono::milliseconds(
      static_cast<std::int64_t>(random.below(static_cast<std::uint64_t>(ceiling) + 1)));
  // The vendor's Retry-After is a floor even above the cap: retrying sooner only earns a 429.
  if (retry_after) return std::max(jittered, *retry_after);
  return jittered;
}

Disposition disposition_for_error(const Error& error, int receive_count,
                                  const BackoffSettings& settings, Random& random) {
  const std::string reason = std::string(to_string(error.kind)) + ":" + error.code;
  switch (error.kind) {
    case ErrorKind::transient:
    case ErrorKind::rate_limited:
    case ErrorKind::unavailable:
    case ErrorKind::conflict:
    case ErrorKind::internal:
      // The queue's max_receives bounds these; a bug (internal) ends in the DLQ the same way.
      return {Disposition::Kind::retry,
              backoff_delay(receive_count, settings, random, error.retry_after), reason};
    case ErrorKind::permanent:
    case ErrorKind::not_found:
    case ErrorKind::invalid_input:
      return {Disposition::Kind::dead_letter, std::chrono::milliseconds(0), reason};
  }
  return {Disposition::Kind::dead_letter, std::chrono::milliseconds(0), reason};
}

}  // namespace rpmw::core::pipeline
