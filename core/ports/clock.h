#pragma once
#include <chrono>
#include <cstdint>

namespace rpmw::core {

using TimePoint = std::chrono::system_clock::time_point;
using Millis = std::chrono::milliseconds;

inline std::int64_t to_epoch_ms(TimePoint t) {
  return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
}
inline TimePoint from_epoch_ms(std::int64_t ms) {
  return TimePoint(Millis(ms));
}

// Wall-clock time, injected so TTLs, windows and backoff are deterministic in tests.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

// Randomness, injected for the same reason (ids, jitter).
class Random {
 public:
  virtual ~Random() = default;
  virtual std::uint64_t next_u64() = 0;
  // Uniform in [0, bound); bound > 0.
  std::uint64_t below(std::uint64_t bound) { return next_u64() % bound; }
};

}  // namespace rpmw::core
