#pragma once
#include "core/ports/clock.h"

namespace rpmw::app {

class SystemClock final : public core::Clock {
 public:
  core::TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// Thread-safe: one engine per thread, seeded from the OS.
class SystemRandom final : public core::Random {
 public:
  std::uint64_t next_u64() override;
};

}  // namespace rpmw::app
