#include "tests/fakes/fake_http_server.h"

#include <pthread.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <thread>

namespace rpmw::fakes {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const FakeHttpHandler& handler)
      : stream_(std::move(socket)), timer_(stream_.get_executor()), handler_(handler) {}

  void read() {
    request_ = {};
    bhttp::async_read(stream_, buffer_, request_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->close();
                        self->respond();
                      });
  }

 private:
  void respond() {
    FakeHttpReply reply = handler_(request_);
    response_ = {};
    response_.version(11);
    response_.result(reply.status);
    response_.set(bhttp::field::content_type, "application/json");
    for (const auto& [name, value] : reply.headers) response_.set(name, value);
    response_.body() = std::move(reply.body);
    response_.keep_alive(request_.keep_alive());
    response_.prepare_payload();
    if (reply.delay.count() == 0) return write();
    timer_.expires_after(reply.delay);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->close();
      self->write();
    });
  }

  void write() {
    bhttp::async_write(stream_, response_,
                       [self = shared_from_this()](beast::error_code ec, std::size_t) {
                         if (ec || !self->response_.keep_alive()) return self->close();
                         self->read();
                       });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  beast::tcp_stream stream_;
  asio::steady_timer timer_;
  const FakeHttpHandler& handler_;
  beast::flat_buffer buffer_;
  FakeHttpRequest request_;
  bhttp::response<bhttp::string_body> response_;
};

void accept(tcp::acceptor& acceptor, const FakeHttpHandler& handler) {
  acceptor.async_accept([&acceptor, &handler](beast::error_code ec, tcp::socket socket) {
    if (ec) return;  // the acceptor was closed
    std::make_shared<Session>(std::move(socket), handler)->read();
    accept(acceptor, handler);
  });
}

}  // namespace

struct FakeHttpServer::Impl {
  FakeHttpHandler handler;  // first: outlives the sessions the io_context destroys
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;
  std::atomic<bool> running{false};
  std::uint16_t port = 0;
};

FakeHttpServer::FakeHttpServer(std::uint16_t port, FakeHttpHandler handler)
    : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  impl_->port = impl_->acceptor.local_endpoint().port();
  accept(impl_->acceptor, impl_->handler);
  impl_->running = true;
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

FakeHttpServer::~FakeHttpServer() {
  stop();
}

std::uint16_t FakeHttpServer::port() const {
  return impl_->port;
}

void FakeHttpServer::stop() {
  if (!impl_->running.exchange(false)) return;
  impl_->io.stop();
  impl_->thread.join();
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
}

sigset_t block_shutdown_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

void wait_for_shutdown_signal(const sigset_t& signals) {
  int received = 0;
  sigwait(&signals, &received);
}

}  // namespace rpmw::fakes
