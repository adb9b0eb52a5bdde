#pragma once
// Helpers shared by the core/text tests.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace rpmw::tests::text {

// Code points of valid UTF-8; -1 when `s` is not valid UTF-8 (strict: no overlongs, no
// surrogates, nothing above U+10FFFF).
inline long utf8_code_points(std::string_view s) {
  long count = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    unsigned min = 0;
    if (b < 0x80) {
      len = 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
      min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      min = 0x10000;
    } else {
      return -1;
    }
    if (i + len > s.size()) return -1;
    unsigned cp = len == 1 ? b : (b & (0x7F >> len));
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return -1;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    i += len;
    ++count;
  }
  return count;
}

// Wall time of `fn()` in seconds. Hostile-input tests use it with a bound far above the linear
// cost (a quadratic pass over 1 MB would take minutes), so they fail on blow-ups, not on noise.
template <typename Fn>
double seconds_for(Fn&& fn) {
  const auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

inline constexpr double kHostileBudgetSeconds = 5.0;

}  // namespace rpmw::tests::text
