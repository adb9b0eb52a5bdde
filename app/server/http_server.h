#pragma once
// Boost.Beast HTTP/1.1 server: a strand per connection, a deadline per read, bodies bounded while
// reading. Handlers run on the io threads and must not block for long (ingress only enqueues).
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/common/error.h"

namespace rpmw::app {

struct HttpRequest {
  std::string method;
  std::string target;  // path + query
  std::string path;
  std::string query;
  std::string source;                                        // remote address
  std::vector<std::pair<std::string, std::string>> headers;  // names lower case
  std::string body;

  std::string_view header(std::string_view lower_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool close = false;
};

class HttpRoutes {
 public:
  virtual ~HttpRoutes() = default;
  virtual HttpResponse handle(const HttpRequest& request) = 0;
  // Routes that wait on something (a batched enqueue) answer later through `respond`, from any
  // thread; they may move parts out of `request`. The default answers at once.
  virtual void handle_async(HttpRequest& request, std::function<void(HttpResponse)> respond) {
    respond(handle(request));
  }
  // Called after the headers of a request, before its body is read: a non-empty answer is sent
  // instead of reading the body (e.g. 413 from Content-Length), and the connection is closed.
  virtual std::optional<HttpResponse> precheck(const HttpRequest& head,
                                               std::optional<std::uint64_t> content_length) = 0;
  // The body grew past the limit while reading (chunked or a lying Content-Length).
  virtual HttpResponse body_too_large(const HttpRequest& head) = 0;
  virtual std::size_t body_limit(const HttpRequest& head) const = 0;
};

struct HttpServerSettings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  int threads = 2;
  std::chrono::seconds read_timeout{15};
};

class HttpServer {
 public:
  HttpServer(HttpServerSettings settings, HttpRoutes& routes);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts the io threads; returns the bound port (useful with port 0).
  core::Result<std::uint16_t> start();
  // Stops accepting, lets in-flight requests finish (up to `grace`), then stops the threads.
  void stop(std::chrono::milliseconds grace);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rpmw::app
