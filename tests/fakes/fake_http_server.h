#pragma once
// The HTTP/1.1 plumbing the fake vendor servers share: 127.0.0.1, its own io thread, keep-alive,
// and an optional delay before a reply is written (for timeout tests). The fakes supply the
// behaviour as a handler; this file knows nothing about any vendor.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <signal.h>

#include <boost/beast/http.hpp>

namespace rpmw::fakes {

struct FakeHttpReply {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // content-type is application/json
  std::string body;
  std::chrono::milliseconds delay{0};
};

using FakeHttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
// Called on the server's io thread, one request at a time per connection.
using FakeHttpHandler = std::function<FakeHttpReply(const FakeHttpRequest&)>;

class FakeHttpServer {
 public:
  FakeHttpServer(std::uint16_t port, FakeHttpHandler handler);  // throws when it cannot listen
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  std::uint16_t port() const;
  // Stops serving; replies being held are dropped. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// For the fake servers' executables: block SIGTERM/SIGINT before any server thread starts (so
// only the main thread sees them), then wait for one.
sigset_t block_shutdown_signals();
void wait_for_shutdown_signal(const sigset_t& signals);

}  // namespace rpmw::fakes
