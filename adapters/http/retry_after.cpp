#include "adapters/http/retry_after.h"

#include <algorithm>
#include <cmath>

#include "core/common/ascii.h"

namespace rpmw::adapters::http {

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value) {
  value = core::trim_ascii(value);
  if (value.empty() || value.size() > 16) return std::nullopt;
  double seconds = 0;
  int fraction_digits = -1;
  for (const char c : value) {
    if (c == '.' && fraction_digits < 0) {
      fraction_digits = 0;
    } else if (c >= '0' && c <= '9') {
      if (fraction_digits >= 0) {
        seconds += (c - '0') * std::pow(10.0, -(++fraction_digits));
      } else {
        seconds = seconds * 10 + (c - '0');
      }
    } else {
      return std::nullopt;
    }
  }
  const double capped = std::min(seconds, 24.0 * 3600);
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(capped * 1000)));
}

}  // namespace rpmw::adapters::http
