#include "app/server/http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <optional>

namespace rpmw::app {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string_view HttpRequest::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

namespace {

std::string lower(std::string_view in) {
  std::string out(in);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpRoutes& routes, std::chrono::seconds read_timeout,
          std::atomic<int>& active, std::atomic<bool>& draining)
      : stream_(std::move(socket)),
        routes_(routes),
        read_timeout_(read_timeout),
        active_(active),
        draining_(draining) {}

  void start() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::read_header, shared_from_this()));
  }

 private:
  void read_header() {
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    // The body limit is set per route once the headers are in; until then an announced length
    // must not fail the header read, or a huge Content-Length would get no 413 at all.
    parser_->body_limit(boost::none);
    buffer_.consume(buffer_.size());
    stream_.expires_after(read_timeout_);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return close();
    ++active_;
    counted_ = true;
    const auto& msg = parser_->get();
    request_ = HttpRequest{};
    request_.method = std::string(msg.method_string());
    request_.target = std::string(msg.target());
    const auto q = request_.target.find('?');
    request_.path = request_.target.substr(0, q);
    if (q != std::string::npos) request_.query = request_.target.substr(q + 1);
    if (source_.empty()) {  // once per connection: getpeername is a syscall
      beast::error_code ep_ec;
      auto remote = stream_.socket().remote_endpoint(ep_ec);
      source_ = ep_ec ? std::string("unknown") : remote.address().to_string();
    }
    request_.source = source_;
    for (const auto& field : msg) {
      request_.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
    }
    std::optional<std::uint64_t> length;
    if (auto declared = parser_->content_length()) length = *declared;
    if (auto early = routes_.precheck(request_, length)) {
      early->close = true;
      return write(std::move(*early));
    }
    parser_->body_limit(routes_.body_limit(request_));
    if (lower(request_.header("expect")) == "100-continue") {
      auto self = shared_from_this();
      auto continue_msg = std::make_shared<std::string>("HTTP/1.1 100 Continue\r\n\r\n");
      asio::async_write(stream_, asio::buffer(*continue_msg),
                        [self, continue_msg](beast::error_code wec, std::size_t) {
                          if (wec) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    stream_.expires_after(read_timeout_);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_body, shared_from_this()));
  }

  void on_body(beast::error_code ec, std::size_t) {
    if (ec == http::error::body_limit) {
      HttpResponse response = routes_.body_too_large(request_);
      response.close = true;
      return write(std::move(response));
    }
    if (ec) return close();
    const bool keep_alive = parser_->get().keep_alive();
    request_.body = parser_->release().body();
    routes_.handle_async(request_, [self = shared_from_this(), keep_alive](HttpResponse response) {
      if (!keep_alive) response.close = true;
      // Back onto the connection's strand: the answer may come from the enqueue thread.
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->write(std::move(response));
      });
    });
  }

  void write(HttpResponse response) {
    auto message = std::make_shared<http::response<http::string_body>>();
    message->version(11);
    message->result(static_cast<http::status>(response.status));
    message->set(http::field::server, "rpmw");
    message->set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) message->set(name, value);
    message->body() = std::move(response.body);
    close_after_ = response.close || draining_.load();
    message->keep_alive(!close_after_);
    message->prepare_payload();
    stream_.expires_after(read_timeout_);
    http::async_write(stream_, *message,
                      [self = shared_from_this(), message](beast::error_code ec, std::size_t) {
                        self->on_write(ec);
                      });
  }

  void on_write(beast::error_code ec) {
    if (counted_) {
      --active_;
      counted_ = false;
    }
    if (ec || close_after_) return close();
    read_header();
  }

  void close() {
    if (counted_) {
      --active_;
      counted_ = false;
    }
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    // Lingering close: a client still uploading (e.g. after a 413) would get a reset, and lose
    // our answer, if we closed with its bytes unread. Drain for a bounded time and amount first.
    linger_deadline_ = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    drain();
  }

  void drain() {
    stream_.expires_at(linger_deadline_);
    stream_.async_read_some(asio::buffer(drain_buffer_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kMaxDrainBytes) {
                                beast::error_code ignored_close;
                                self->stream_.socket().close(ignored_close);
                                return;
                              }
                              self->drain();
                            });
  }

  beast::tcp_stream stream_;
  HttpRoutes& routes_;
  std::chrono::seconds read_timeout_;
  std::atomic<int>& active_;
  std::atomic<bool>& draining_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpRequest request_;
  std::string source_;
  bool counted_ = false;
  bool close_after_ = false;
  static constexpr std::size_t kMaxDrainBytes = 4 * 1024 * 1024;
  std::array<char, 8192> drain_buffer_{};
  std::size_t drained_ = 0;
  std::chrono::steady_clock::time_point linger_deadline_{};
};

}  // namespace

struct HttpServer::Impl {
  HttpServerSettings settings;
  HttpRoutes& routes;
  asio::io_context ioc;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  std::atomic<int> active{0};
  std::atomic<bool> draining{false};
  bool stopped = false;

  Impl(HttpServerSettings s, HttpRoutes& r)
      : settings(std::move(s)), routes(r), ioc(std::max(1, settings.threads)) {}

  void accept() {
    acceptor->async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
      } else {
        beast::error_code ignored;
        s.set_option(tcp::no_delay(true), ignored);
        std::make_shared<Session>(std::move(s), routes, settings.read_timeout, active, draining)
            ->start();
      }
      accept();
    });
  }
};

HttpServer::HttpServer(HttpServerSettings settings, HttpRoutes& routes)
    : impl_(std::make_unique<Impl>(std::move(settings), routes)) {}

HttpServer::~HttpServer() {
  stop(std::chrono::milliseconds(0));
}

core::Result<std::uint16_t> HttpServer::start() {
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->settings.host, ec);
  if (ec) return core::fail(core::ErrorKind::invalid_input, "listen_address_invalid");
  tcp::endpoint endpoint(address, impl_->settings.port);
  auto& acceptor = impl_->acceptor.emplace(impl_->ioc);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return core::fail(core::ErrorKind::unavailable, "listen_failed:" + ec.message());
  const std::uint16_t port = acceptor.local_endpoint().port();
  impl_->accept();
  for (int i = 0; i < std::max(1, impl_->settings.threads); ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
  return port;
}

void HttpServer::stop(std::chrono::milliseconds grace) {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->draining = true;
  asio::post(impl_->ioc, [this] {
    beast::error_code ignored;
    if (impl_->acceptor) impl_->acceptor->close(ignored);
  });
  // In-flight requests finish (their responses say Connection: close) before the threads stop.
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (impl_->active.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  impl_->ioc.stop();
  for (auto& thread : impl_->threads) {
    if (thread.joinable()) thread.join();
  }
}

}  // namespace rpmw::app
