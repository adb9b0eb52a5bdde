#pragma once
#include <atomic>
#include <cstdint>

#include "core/ports/clock.h"

namespace rpmw::fakes {

// A clock that only moves when told to. Thread-safe.
class FakeClock final : public core::Clock {
 public:
  explicit FakeClock(std::int64_t epoch_ms = 1'767'225'600'000)  // 2026-01-01T00:00:00Z
      : ms_(epoch_ms) {}
  core::TimePoint now() const override { return core::from_epoch_ms(ms_.load()); }
  void advance(core::Millis by) { ms_ += by.count(); }
  void set(std::int64_t epoch_ms) { ms_ = epoch_ms; }

 private:
  std::atomic<std::int64_t> ms_;
};

// Deterministic splitmix64 sequence. Thread-safe.
class SeededRandom final : public core::Random {
 public:
  explicit SeededRandom(std::uint64_t seed = 42) : state_(seed) {}
  std::uint64_t next_u64() override {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  std::atomic<std::uint64_t> state_;
};

}  // namespace rpmw::fakes
