#pragma once
// What the worker does with a message after the pipeline ran: ack, retry later, or dead-letter.
// Shared by the local worker pool and the Lambda SQS handler.
#include <chrono>
#include <string>

#include "core/common/error.h"
#include "core/ports/clock.h"

namespace rpmw::core::pipeline {

struct BackoffSettings {
  std::chrono::milliseconds base{2000};
  std::chrono::milliseconds cap{60000};
};

struct Disposition {
  enum class Kind { ack, retry, dead_letter };
  Kind kind = Kind::ack;
  std::chrono::milliseconds delay{0};
  std::string reason;  // machine code
};

// Full jitter: uniform in [0, min(cap, base * 2^(attempt-1))], never below a Retry-After.
std::chrono::milliseconds backoff_delay(int attempt, const BackoffSettings& settings,
                                        Random& random,
                                        std::optional<std::chrono::milliseconds> retry_after = {});

Disposition disposition_for_error(const Error& error, int receive_count,
                                  const BackoffSettings& settings, Random& random);

}  // namespace rpmw::core::pipeline
