#pragma once
// The Retry-After header of a vendor answer, in its delta-seconds form (fractions allowed, as
// Shopify sends "2.0"; none of our vendors sends HTTP dates). Capped at 24 h; nullopt when
// absent or malformed, so the caller falls back to its own backoff.
#include <chrono>
#include <optional>
#include <string_view>

namespace rpmw::adapters::http {

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value);

}  // namespace rpmw::adapters::http
