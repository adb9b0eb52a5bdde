#pragma once
#include <string>
#include <string_view>

#include "core/ports/clock.h"

namespace rpmw::core {

// 26-char ULID (48-bit epoch ms + 80 random bits, Crockford base32): sortable by time.
std::string make_ulid(TimePoint now, Random& random);
inline std::string make_trace_id(TimePoint now, Random& random) {
  return "trc_" + make_ulid(now, random);
}
inline std::string make_event_id(TimePoint now, Random& random) {
  return "evt_" + make_ulid(now, random);
}
// A URL-safe random secret of 32 bytes of entropy (hex).
std::string make_secret_token(Random& random);

}  // namespace rpmw::core
