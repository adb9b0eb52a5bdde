#pragma once
// A small blocking HTTP client over one libcurl easy handle. The handle, and with it the
// connection and TLS session cache, is reused across requests, so a client belongs to one thread
// at a time. It never logs: requests carry secrets and customer data.
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/error.h"

namespace rpmw::adapters::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;  // sent as given; Content-Type only when the caller sets it
  std::string body;
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
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // A response of any status is a value (the caller maps status codes). Transport failures are
  // transient errors: "timeout", "connect_failed" (resolve or connect), "http_error" (anything
  // else curl reports); a body over max_response_bytes is permanent "response_too_large".
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
