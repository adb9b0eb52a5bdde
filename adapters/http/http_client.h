#pragma once
// A small blocking HTTP client over one libcurl easy handle. The handle, and with it the
// connection and TLS session cache, is reused across requests, so a client belongs to one thread
// at a time. It never logs: requests carry secrets and customer data. Egress is fail-closed: only
// http(s) to allow-listed hosts, redirects never followed, TLS peer and host always verified.
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/error.h"

namespace rpmw::adapters::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// AWS Signature Version 4 by libcurl (CURLOPT_AWS_SIGV4). Region and service are always given:
// with an empty field curl 7.88 guesses them from the host, which is wrong for emulators.
struct AwsSigV4 {
  std::string region;   // "eu-west-1"
  std::string service;  // signing name: "sqs", "dynamodb", "ssm", "secretsmanager"
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // non-empty: sent (and signed) as X-Amz-Security-Token
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;  // sent as given; Content-Type only when the caller sets it
  std::string body;
  // Signed requests carry no header curl would drop (no "Expect:", no "Content-Type:" removal,
  // no empty caller header): curl signs every header of the list, so a header that is signed but
  // not sent breaks the signature. A signed request with a body must set Content-Type and must
  // not contain an empty header value (rejected as invalid_input).
  std::optional<AwsSigV4> sigv4;
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds total_timeout{10000};
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string, std::less<>> headers;  // lower-case names; repeats joined
  std::string body;

  // The value of a header by lower-case name, empty when absent.
  std::string_view header(std::string_view lower_name) const;
};

struct HttpClientOptions {
  std::string ca_bundle_path;  // empty: the system trust store
  std::size_t max_response_bytes = std::size_t{8} * 1024 * 1024;
  // Exact host names (or IP literals), case-insensitive, matched against the host curl itself
  // parses from the URL. Empty: every request is refused. Adapters add their base URL's host.
  std::vector<std::string> allowed_hosts;
};

// The lower-case host of an http(s) URL as curl parses it (IPv6 in brackets); empty when the URL
// does not parse or has another scheme.
std::string url_host(std::string_view url);

// The options of a vendor adapter: only its base URL's host allowed, the given CA bundle.
HttpClientOptions vendor_client_options(std::string_view base_url, std::string ca_bundle_path);

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // A 1xx/2xx/4xx/5xx response is a value (the caller maps status codes). Permanent errors:
  // "egress_denied" (a scheme other than http/https, or a host outside allowed_hosts; nothing is
  // sent), "invalid_url", "redirect_not_followed" (any 3xx: a redirect could lead anywhere),
  // "response_too_large" (over max_response_bytes). Transport failures are transient: "timeout",
  // "connect_failed" (resolve or connect), "http_error" (anything else curl reports).
  core::Result<HttpResponse> send(const HttpRequest& request);

 private:
  HttpClientOptions options_;
  void* handle_;  // CURL*
};

// Easy handles for a client shared by worker threads: each send borrows an idle client (or makes
// one), so a connection is reused by one thread at a time and never shared.
class HttpClientPool {
 public:
  explicit HttpClientPool(HttpClientOptions options = {}) : options_(std::move(options)) {}
  core::Result<HttpResponse> send(const HttpRequest& request);

 private:
  HttpClientOptions options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<HttpClient>> idle_;
};

}  // namespace rpmw::adapters::http
