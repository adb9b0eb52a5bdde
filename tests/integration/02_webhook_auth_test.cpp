// Webhook authentication: header tokens, the optional query token and optional HMAC signatures.
#include <doctest/doctest.h>

#include "tests/integration/helpers.h"

namespace rpmw::itest {

namespace {
constexpr const char* kUnauthorized = R"({"error":"unauthorized"})";
const Headers kJson{{"Content-Type", "application/json"}};

HttpResponse post(HttpClient& client, const std::string& url, const Headers& headers,
                  const std::string& body) {
  return client.request("POST", url, headers, body);
}

Headers with(Headers base, const Headers& more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

void check_unauthorized(const HttpResponse& r) {
  CHECK(r.status == 401);
  CHECK(r.body == kUnauthorized);
  CHECK_FALSE(r.has_header("retry-after"));
}

Headers signed_headers(const std::string& secret, long long timestamp, const std::string& body) {
  const std::string ts = std::to_string(timestamp);
  return with(kJson, {{"X-Timestamp", ts},
                      {"X-Signature", "sha256=" + hmac_sha256_hex(secret, ts + "." + body)}});
}
}  // namespace

TEST_CASE("auth: header tokens; 401 without a hint; query token ignored unless enabled") {
  RpmwServer server(
      with_env({{"RPMW_WEBHOOK_TOKENS", "test-token-integration,second-token-rotation"}}));
  HttpClient client;
  const std::string url = server.webhook_url();

  CHECK(post(client, url, with(kJson, {{"X-Middleware-Token", kWebhookToken}}),
             webhook_body("auth-1", "m-1"))
            .status == 202);
  // Rotation: every listed token is accepted.
  CHECK(post(client, url, with(kJson, {{"X-Middleware-Token", "second-token-rotation"}}),
             webhook_body("auth-1", "m-2"))
            .status == 202);
  // Header names are case-insensitive; the Richpanel header is always accepted.
  CHECK(post(client, url, with(kJson, {{"x-middleware-token", kWebhookToken}}),
             webhook_body("auth-1", "m-3"))
            .status == 202);
  CHECK(post(client, url, with(kJson, {{"x-richpanel-webhook-token", kWebhookToken}}),
             webhook_body("auth-1", "m-4"))
            .status == 202);
  CHECK(post(client, server.url("/webhook"), with(kJson, {{"X-Middleware-Token", kWebhookToken}}),
             webhook_body("auth-1", "m-5"))
            .status == 202);

  check_unauthorized(post(client, url, kJson, webhook_body("auth-1", "m-6")));
  check_unauthorized(post(client, url, with(kJson, {{"X-Middleware-Token", "wrong"}}),
                          webhook_body("auth-1", "m-7")));
  check_unauthorized(post(client, url,
                          with(kJson, {{"X-Middleware-Token", "test-token-integrationx"}}),
                          webhook_body("auth-1", "m-8")));
  check_unauthorized(post(client, url,
                          with(kJson, {{"X-Middleware-Token", "test-token-integratio"}}),
                          webhook_body("auth-1", "m-9")));
  check_unauthorized(
      post(client, url, with(kJson, {{"X-Middleware-Token", ""}}), webhook_body("auth-1", "m-10")));
  check_unauthorized(post(client, url, with(kJson, {{"x-richpanel-webhook-token", "nope"}}),
                          webhook_body("auth-1", "m-11")));
  check_unauthorized(post(client, url,
                          with(kJson, {{"Authorization", std::string("Bearer ") + kWebhookToken}}),
                          webhook_body("auth-1", "m-12")));
  // Query token is off by default.
  check_unauthorized(
      post(client, url + "?token=test-token-integration", kJson, webhook_body("auth-1", "m-13")));
  // Auth comes before content-type and JSON checks.
  check_unauthorized(post(client, url, {{"Content-Type", "text/plain"}}, "not json"));
  check_unauthorized(post(client, url, kJson, "{"));

  CHECK(server.metric("rpmw_auth_failures_total") == 10.0);
}

TEST_CASE("auth: query token when enabled; custom token header name") {
  RpmwServer server(with_env(
      {{"RPMW_WEBHOOK_QUERY_TOKEN", "true"}, {"RPMW_WEBHOOK_TOKEN_HEADER", "X-Custom-Token"}}));
  HttpClient client;
  const std::string url = server.webhook_url();

  CHECK(post(client, url + "?token=test-token-integration", kJson, webhook_body("q-1", "m-1"))
            .status == 202);
  CHECK(
      post(client, url + "?a=1&token=test-token-integration&b=2", kJson, webhook_body("q-1", "m-2"))
          .status == 202);
  check_unauthorized(post(client, url + "?token=bad", kJson, webhook_body("q-1", "m-3")));
  check_unauthorized(post(client, url + "?token=", kJson, webhook_body("q-1", "m-4")));
  check_unauthorized(
      post(client, url + "?tok=test-token-integration", kJson, webhook_body("q-1", "m-5")));

  CHECK(post(client, url, with(kJson, {{"X-Custom-Token", kWebhookToken}}),
             webhook_body("q-1", "m-6"))
            .status == 202);
  CHECK(post(client, url, with(kJson, {{"x-richpanel-webhook-token", kWebhookToken}}),
             webhook_body("q-1", "m-7"))
            .status == 202);
  // The configured name replaces the default one.
  check_unauthorized(post(client, url, with(kJson, {{"X-Middleware-Token", kWebhookToken}}),
                          webhook_body("q-1", "m-8")));
}

TEST_CASE("auth: HMAC signature over timestamp.body within 300 s") {
  RpmwServer server(with_env({{"RPMW_WEBHOOK_HMAC_SECRETS", "hmac-secret-1,hmac-secret-2"}}));
  HttpClient client;
  const std::string url = server.webhook_url();
  const long long now = epoch_seconds_now();

  std::string body = webhook_body("hmac-1", "m-1");
  CHECK(post(client, url, signed_headers("hmac-secret-1", now, body), body).status == 202);
  body = webhook_body("hmac-1", "m-2");
  CHECK(post(client, url, signed_headers("hmac-secret-2", now, body), body).status == 202);
  body = webhook_body("hmac-1", "m-3");
  CHECK(post(client, url, signed_headers("hmac-secret-1", now - 200, body), body).status == 202);
  body = webhook_body("hmac-1", "m-4");
  CHECK(post(client, url, signed_headers("hmac-secret-1", now + 200, body), body).status == 202);

  body = webhook_body("hmac-1", "m-5");
  // Wrong secret, signature over a different body, tampered hex, missing prefix.
  check_unauthorized(post(client, url, signed_headers("other-secret", now, body), body));
  check_unauthorized(post(client, url, signed_headers("hmac-secret-1", now, body + " "), body));
  {
    Headers h = signed_headers("hmac-secret-1", now, body);
    std::string& sig = h.back().second;
    sig.back() = sig.back() == '0' ? '1' : '0';
    check_unauthorized(post(client, url, h, body));
  }
  {
    const std::string ts = std::to_string(now);
    check_unauthorized(
        post(client, url,
             with(kJson, {{"X-Timestamp", ts},
                          {"X-Signature", hmac_sha256_hex("hmac-secret-1", ts + "." + body)}}),
             body));
  }
  // Stale and future timestamps (outside ±300 s), a non-numeric one, and a missing one.
  check_unauthorized(post(client, url, signed_headers("hmac-secret-1", now - 400, body), body));
  check_unauthorized(post(client, url, signed_headers("hmac-secret-1", now + 400, body), body));
  {
    const std::string ts = "yesterday";
    check_unauthorized(
        post(client, url,
             with(kJson,
                  {{"X-Timestamp", ts},
                   {"X-Signature", "sha256=" + hmac_sha256_hex("hmac-secret-1", ts + "." + body)}}),
             body));
  }
  {
    Headers h = signed_headers("hmac-secret-1", now, body);
    h.erase(h.begin() + 1);  // drop X-Timestamp
    check_unauthorized(post(client, url, h, body));
  }
  // The header token still works alongside HMAC.
  CHECK(post_webhook(client, server, webhook_body("hmac-1", "m-6")).status == 202);
}

TEST_CASE("auth: HMAC signatures are refused when no HMAC secret is configured") {
  RpmwServer server;
  HttpClient client;
  const std::string body = webhook_body("hmac-off", "m-1");
  check_unauthorized(post(client, server.webhook_url(),
                          signed_headers("hmac-secret-1", epoch_seconds_now(), body), body));
  check_unauthorized(
      post(client, server.webhook_url(), signed_headers("", epoch_seconds_now(), body), body));
}

}  // namespace rpmw::itest
