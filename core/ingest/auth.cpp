#include "core/ingest/auth.h"

#include <charconv>

#include "core/common/crypto.h"

namespace rpmw::core::ingest {

Authenticator::Authenticator(AuthSettings settings, const Clock& clock)
    : settings_(std::move(settings)), clock_(clock) {}

bool Authenticator::token_matches(std::string_view presented) const {
  if (presented.empty()) return false;
  // Compare against every active token so timing does not reveal which one matched.
  bool matched = false;
  for (const std::string& token : settings_.tokens) {
    matched |= constant_time_equal(presented, token);
  }
  return matched;
}

bool Authenticator::hmac_valid(const AuthInputs& in) const {
  if (settings_.hmac_secrets.empty() || in.timestamp.empty() || in.signature.empty()) return false;
  constexpr std::string_view kPrefix = "sha256=";
  if (!in.signature.starts_with(kPrefix)) return false;
  std::int64_t ts = 0;
  auto [end, ec] =
      std::from_chars(in.timestamp.data(), in.timestamp.data() + in.timestamp.size(), ts);
  if (ec != std::errc() || end != in.timestamp.data() + in.timestamp.size()) return false;
  const std::int64_t now_s = to_epoch_ms(clock_.now()) / 1000;
  // Bounds around now, not |now - ts|: a hostile timestamp near INT64_MIN would overflow that.
  const std::int64_t window = settings_.hmac_window.count();
  if (ts < now_s - window || ts > now_s + window) return false;
  std::string material(in.timestamp);
  material.push_back('.');
  material.append(in.raw_body);
  const std::string_view presented = in.signature.substr(kPrefix.size());
  bool matched = false;
  for (const std::string& secret : settings_.hmac_secrets) {
    matched |= constant_time_equal(presented, hmac_sha256_hex(secret, material));
  }
  return matched;
}

bool Authenticator::authenticate(const AuthInputs& in) const {
  for (std::string_view token : in.header_tokens) {
    if (token_matches(token)) return true;
  }
  if (settings_.query_token_enabled && token_matches(in.query_token)) return true;
  return hmac_valid(in);
}

}  // namespace rpmw::core::ingest
