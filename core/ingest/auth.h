#pragma once
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/clock.h"

namespace rpmw::core::ingest {

struct AuthSettings {
  std::string token_header = "x-middleware-token";  // lower case
  std::vector<std::string> tokens;                  // active tokens (rotation: several)
  bool query_token_enabled = false;
  std::vector<std::string> hmac_secrets;  // empty: HMAC disabled
  std::chrono::seconds hmac_window{300};
};

// Header lookup by lower-case name; empty when absent.
struct AuthInputs {
  std::vector<std::string_view> header_tokens;  // values of the token headers presented
  std::string_view query_token;
  std::string_view timestamp;  // X-Timestamp
  std::string_view signature;  // X-Signature: sha256=<hex>
  std::string_view raw_body;
};

// Any one configured method passing admits the request.
class Authenticator {
 public:
  Authenticator(AuthSettings settings, const Clock& clock);
  bool authenticate(const AuthInputs& inputs) const;
  const AuthSettings& settings() const { return settings_; }

 private:
  bool token_matches(std::string_view presented) const;
  bool hmac_valid(const AuthInputs& inputs) const;

  AuthSettings settings_;
  const Clock& clock_;
};

}  // namespace rpmw::core::ingest
