#include "app/system/system_clock.h"

#include <random>

namespace rpmw::app {

std::uint64_t SystemRandom::next_u64() {
  thread_local std::mt19937_64 engine([] {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }());
  return engine();
}

}  // namespace rpmw::app
