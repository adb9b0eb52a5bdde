#include "core/ingest/auth.h"

#include <doctest/doctest.h>

#include <string>

#include "core/common/crypto.h"
#include "tests/fakes/fake_clock.h"

using rpmw::core::ingest::Authenticator;
using rpmw::core::ingest::AuthInputs;
using rpmw::core::ingest::AuthSettings;
using rpmw::fakes::FakeClock;

namespace {

constexpr std::string_view kOld = "old-token-aaaaaaaaaaaaaaaa";
constexpr std::string_view kNew = "new-token-bbbbbbbbbbbbbbbb";

AuthSettings token_settings() {
  AuthSettings settings;
  settings.tokens = {std::string(kOld), std::string(kNew)};
  return settings;
}

AuthInputs with_header(std::string_view token) {
  AuthInputs in;
  in.header_tokens.push_back(token);
  return in;
}

std::int64_t now_s(const FakeClock& clock) {
  return rpmw::core::to_epoch_ms(clock.now()) / 1000;
}

std::string sign(std::string_view secret, const std::string& timestamp, std::string_view body) {
  return "sha256=" + rpmw::core::hmac_sha256_hex(secret, timestamp + "." + std::string(body));
}

}  // namespace

TEST_CASE("core/ingest: header token matches any active token (rotation)") {
  FakeClock clock;
  Authenticator auth(token_settings(), clock);
  CHECK(auth.authenticate(with_header(kOld)));
  CHECK(auth.authenticate(with_header(kNew)));
  // Several presented headers: one good one is enough.
  AuthInputs two;
  two.header_tokens = {"wrong-token-cccccccccccccccc", kNew};
  CHECK(auth.authenticate(two));
}

TEST_CASE("core/ingest: wrong, partial and empty tokens are refused") {
  FakeClock clock;
  Authenticator auth(token_settings(), clock);
  CHECK_FALSE(auth.authenticate(with_header("wrong-token-cccccccccccccccc")));
  CHECK_FALSE(auth.authenticate(with_header(kOld.substr(0, kOld.size() - 1))));
  CHECK_FALSE(auth.authenticate(with_header(std::string(kOld) + "x")));
  CHECK_FALSE(auth.authenticate(with_header("")));
  CHECK_FALSE(auth.authenticate(AuthInputs{}));

  // An empty configured token never matches an empty presented one.
  AuthSettings with_empty;
  with_empty.tokens = {""};
  Authenticator empty_auth(with_empty, clock);
  CHECK_FALSE(empty_auth.authenticate(with_header("")));
  CHECK_FALSE(empty_auth.authenticate(AuthInputs{}));

  // No tokens configured at all: nothing passes.
  Authenticator none(AuthSettings{}, clock);
  CHECK_FALSE(none.authenticate(with_header(kOld)));
}

TEST_CASE("core/ingest: query token counts only when enabled") {
  FakeClock clock;
  AuthInputs in;
  in.query_token = kNew;

  AuthSettings settings = token_settings();
  Authenticator disabled(settings, clock);
  CHECK_FALSE(disabled.authenticate(in));

  settings.query_token_enabled = true;
  Authenticator enabled(settings, clock);
  CHECK(enabled.authenticate(in));
  in.query_token = "wrong";
  CHECK_FALSE(enabled.authenticate(in));
  in.query_token = "";
  CHECK_FALSE(enabled.authenticate(in));
}

TEST_CASE("core/ingest: HMAC signatures within the window authenticate") {
  FakeClock clock;
  AuthSettings settings;
  settings.hmac_secrets = {"first-secret", "second-secret"};
  Authenticator auth(settings, clock);
  const std::string body = R"({"ticket_id":"t-1"})";

  const std::string ts = std::to_string(now_s(clock));
  AuthInputs in;
  in.timestamp = ts;
  in.raw_body = body;

  SUBCASE("valid with either secret") {
    const std::string sig1 = sign("first-secret", ts, body);
    in.signature = sig1;
    CHECK(auth.authenticate(in));
    const std::string sig2 = sign("second-secret", ts, body);
    in.signature = sig2;
    CHECK(auth.authenticate(in));
  }
  SUBCASE("bad signature") {
    const std::string wrong = sign("other-secret", ts, body);
    in.signature = wrong;
    CHECK_FALSE(auth.authenticate(in));
    const std::string other_body = sign("first-secret", ts, R"({"ticket_id":"t-2"})");
    in.signature = other_body;
    CHECK_FALSE(auth.authenticate(in));
    in.signature = "sha256=";
    CHECK_FALSE(auth.authenticate(in));
  }
  SUBCASE("missing sha256= prefix") {
    const std::string bare = rpmw::core::hmac_sha256_hex("first-secret", ts + "." + body);
    in.signature = bare;
    CHECK_FALSE(auth.authenticate(in));
    const std::string other_prefix = "sha1=" + bare;
    in.signature = other_prefix;
    CHECK_FALSE(auth.authenticate(in));
  }
  SUBCASE("non-numeric or missing timestamp") {
    for (const std::string bad : {"", "abc", "12a", "1.5", " 1767225600", "1767225600 "}) {
      const std::string sig = sign("first-secret", bad, body);
      in.timestamp = bad;
      in.signature = sig;
      CHECK_FALSE(auth.authenticate(in));
    }
  }
  SUBCASE("signature missing") {
    in.signature = "";
    CHECK_FALSE(auth.authenticate(in));
  }
}

TEST_CASE("core/ingest: HMAC window is +-300 s inclusive on both sides") {
  FakeClock clock;
  AuthSettings settings;
  settings.hmac_secrets = {"secret"};
  Authenticator auth(settings, clock);
  const std::string body = "{}";
  auto check_at = [&](std::int64_t offset_s) {
    const std::string ts = std::to_string(now_s(clock) + offset_s);
    const std::string sig = sign("secret", ts, body);
    AuthInputs in;
    in.timestamp = ts;
    in.signature = sig;
    in.raw_body = body;
    return auth.authenticate(in);
  };
  CHECK(check_at(0));
  CHECK(check_at(-300));
  CHECK(check_at(300));
  CHECK_FALSE(check_at(-301));
  CHECK_FALSE(check_at(301));
  CHECK_FALSE(check_at(-86400));
  CHECK_FALSE(check_at(86400));

  // A sub-second clock still measures whole seconds from the epoch-second timestamp.
  clock.advance(std::chrono::milliseconds(999));
  CHECK(check_at(300));
  CHECK_FALSE(check_at(301));
}

TEST_CASE("core/ingest: HMAC is disabled when no secrets are configured") {
  FakeClock clock;
  Authenticator auth(AuthSettings{}, clock);
  const std::string ts = std::to_string(now_s(clock));
  const std::string body = "{}";
  // Signed with an empty key: still refused, the method is off.
  const std::string sig = sign("", ts, body);
  AuthInputs in;
  in.timestamp = ts;
  in.signature = sig;
  in.raw_body = body;
  CHECK_FALSE(auth.authenticate(in));
}

TEST_CASE("core/ingest: any one configured method admits the request") {
  FakeClock clock;
  AuthSettings settings = token_settings();
  settings.hmac_secrets = {"secret"};
  Authenticator auth(settings, clock);
  const std::string ts = std::to_string(now_s(clock));
  const std::string body = "{}";
  const std::string sig = sign("secret", ts, body);
  AuthInputs in;
  in.header_tokens = {"wrong-token-cccccccccccccccc"};
  in.timestamp = ts;
  in.signature = sig;
  in.raw_body = body;
  CHECK(auth.authenticate(in));  // bad token, good signature
  in.signature = "sha256=00";
  CHECK_FALSE(auth.authenticate(in));
  in.header_tokens = {kOld};
  CHECK(auth.authenticate(in));  // good token, bad signature
}

TEST_CASE("core/ingest: HMAC timestamps at the int64 extremes are refused without overflow") {
  // A hostile X-Timestamp must not wrap the skew computation into the window (and must not be
  // undefined behaviour: the asan preset aborts on signed overflow).
  FakeClock clock;
  AuthSettings settings;
  settings.hmac_secrets = {"secret"};
  Authenticator auth(settings, clock);
  const std::string body = "{}";
  for (const std::string ts :
       {"-9223372036854775808", "-9223372036854775807", "9223372036854775807"}) {
    CAPTURE(ts);
    const std::string sig = sign("secret", ts, body);
    AuthInputs in;
    in.timestamp = ts;
    in.signature = sig;
    in.raw_body = body;
    CHECK_FALSE(auth.authenticate(in));
  }
}
