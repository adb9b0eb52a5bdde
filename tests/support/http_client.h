#pragma once
#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace rpmw::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;
  bool send_body = false;  // true: send `body` even when it is empty (POST with no payload)
  bool chunked = false;  // send the body with Transfer-Encoding: chunked instead of Content-Length
  std::string source_address;  // local address to bind, e.g. "127.0.0.2" (per-source throttling)
  std::chrono::milliseconds timeout{10000};
};

struct HttpResponse {
  long status = 0;                             // 0 when no status line was received
  std::map<std::string, std::string> headers;  // lower-case names; last value wins
  std::string body;
  std::string error;  // libcurl's message when the transfer did not end cleanly (may be set even
                      // though a complete response arrived, e.g. the server closed early)

  std::string header(const std::string& lower_name) const;
  bool has_header(const std::string& lower_name) const { return headers.count(lower_name) > 0; }
};

// A blocking HTTP/1.1 client over one libcurl easy handle (connections are reused). Not
// thread-safe: use one instance per thread.
class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse send(const HttpRequest& request);
  HttpResponse request(const std::string& method, const std::string& url,
                       const Headers& headers = {}, const std::string& body = {},
                       std::chrono::milliseconds timeout = std::chrono::seconds(10));
  HttpResponse get(const std::string& url) { return request("GET", url); }

 private:
  void* handle_;  // CURL*
};

// Writes `bytes` as they are to host:port (e.g. "127.0.0.1:8080" or "http://127.0.0.1:8080") and
// reads until the server closes or `timeout` passes. For requests libcurl will not send, such as a
// header block announcing a body that never follows. Send errors are ignored (the answer may
// already be there).
std::string send_raw(const std::string& address, const std::string& bytes,
                     std::chrono::milliseconds timeout = std::chrono::seconds(5));
// Parses one HTTP/1.1 response from raw bytes (status 0 when there is no status line); the body is
// everything after the header block, cut to Content-Length when given.
HttpResponse parse_raw_response(const std::string& raw);

}  // namespace rpmw::testing
