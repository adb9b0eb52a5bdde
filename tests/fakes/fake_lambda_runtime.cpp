#include "tests/fakes/fake_lambda_runtime.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace rpmw::fakes {
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::string_view kPrefix = "/2018-06-01";

struct Request {
  std::string method;
  std::string path;
  std::string query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

struct Reply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body = "{}";
};

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string query_value(const std::string& query, const std::string& name) {
  std::size_t pos = 0;
  while (pos <= query.size()) {
    const std::size_t amp = std::min(query.find('&', pos), query.size());
    const std::string pair = query.substr(pos, amp - pos);
    const std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name && eq != std::string::npos) return pair.substr(eq + 1);
    pos = amp + 1;
  }
  return {};
}

std::int64_t to_int(const std::string& s, std::int64_t fallback) {
  try {
    return s.empty() ? fallback : std::stoll(s);
  } catch (...) {
    return fallback;
  }
}

std::int64_t epoch_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    default:
      return "Error";
  }
}

// Reads one request from `fd` into `request`, with `buffer` holding bytes already read past the
// previous one (keep-alive). False when the peer closed or sent garbage.
bool read_request(int fd, std::string& buffer, Request& request) {
  std::size_t end = std::string::npos;
  while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
    char chunk[8192];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
    if (buffer.size() > 64 * 1024 && buffer.find("\r\n\r\n") == std::string::npos) return false;
  }
  const std::string head = buffer.substr(0, end);
  buffer.erase(0, end + 4);
  std::size_t line_end = head.find("\r\n");
  const std::string request_line = head.substr(0, line_end);
  const std::size_t sp1 = request_line.find(' ');
  const std::size_t sp2 = request_line.find(' ', sp1 + 1);
  if (sp1 == std::string::npos || sp2 == std::string::npos) return false;
  request = Request{};
  request.method = request_line.substr(0, sp1);
  const std::string target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::size_t q = target.find('?');
  request.path = target.substr(0, q);
  if (q != std::string::npos) request.query = target.substr(q + 1);
  while (line_end != std::string::npos && line_end < head.size()) {
    const std::size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string line =
        head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    request.headers[lower(line.substr(0, colon))] = value;
  }
  const std::size_t length = static_cast<std::size_t>(to_int(request.headers["content-length"], 0));
  while (buffer.size() < length) {
    char chunk[65536];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  request.body = buffer.substr(0, length);
  buffer.erase(0, length);
  return true;
}

bool write_reply(int fd, const Reply& reply) {
  std::string out =
      "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(reply.body.size()) +
      "\r\n";
  for (const auto& [name, value] : reply.headers) out += name + ": " + value + "\r\n";
  out += "\r\n" + reply.body;
  std::size_t sent = 0;
  while (sent < out.size()) {
    const ssize_t n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

json::object outcome_json(const LambdaOutcome& o) {
  return {{"request_id", o.request_id},
          {"kind", o.kind},
          {"body", o.body},
          {"error_type", o.error_type}};
}

}  // namespace

struct FakeLambdaRuntime::Impl {
  struct Pending {
    std::string request_id;
    std::string payload;
    std::int64_t deadline_ms = 0;
    std::string trace_id;
  };

  int listen_fd = -1;
  std::uint16_t port = 0;
  std::thread acceptor;

  mutable std::mutex mutex;
  std::condition_variable changed;
  bool stopping = false;
  std::vector<std::thread> connections;
  std::vector<int> connection_fds;
  std::deque<Pending> pending;
  std::map<std::string, bool> handed_out;  // request id → answered
  std::vector<LambdaOutcome> outcomes;
  std::optional<LambdaInitError> init_error;
  int next_calls = 0;
  std::optional<Clock::time_point> first_next;
  std::uint64_t sequence = 0;

  std::string enqueue(std::string payload, std::int64_t deadline_ms, std::string trace_id) {
    std::lock_guard lock(mutex);
    char id[64];
    std::snprintf(id, sizeof id, "8f5c1e2a-0000-4000-8000-%012llu",
                  static_cast<unsigned long long>(++sequence));
    pending.push_back(Pending{id, std::move(payload),
                              deadline_ms > 0 ? deadline_ms : epoch_ms_now() + 30000,
                              std::move(trace_id)});
    changed.notify_all();
    return id;
  }

  template <class Predicate>
  bool wait_for(std::unique_lock<std::mutex>& lock, std::chrono::milliseconds timeout,
                Predicate predicate) {
    return changed.wait_for(lock, timeout, [&] { return stopping || predicate(); }) && !stopping;
  }

  std::optional<LambdaOutcome> find_outcome(const std::string& id) const {
    for (const auto& o : outcomes) {
      if (o.request_id == id) return o;
    }
    return std::nullopt;
  }

  Reply next() {
    std::unique_lock lock(mutex);
    ++next_calls;
    if (!first_next) first_next = Clock::now();
    changed.notify_all();
    changed.wait(lock, [&] { return stopping || !pending.empty(); });
    if (stopping) return Reply{500, {}, R"({"errorMessage":"shutting down"})"};
    Pending p = std::move(pending.front());
    pending.pop_front();
    handed_out[p.request_id] = false;
    Reply reply;
    reply.body = std::move(p.payload);
    reply.headers = {{"Lambda-Runtime-Aws-Request-Id", p.request_id},
                     {"Lambda-Runtime-Deadline-Ms", std::to_string(p.deadline_ms)},
                     {"Lambda-Runtime-Trace-Id", p.trace_id},
                     {"Lambda-Runtime-Invoked-Function-Arn",
                      "arn:aws:lambda:us-east-1:000000000000:function:rpmw-test"}};
    return reply;
  }

  Reply record(const std::string& id, const std::string& kind, const Request& request) {
    std::lock_guard lock(mutex);
    auto it = handed_out.find(id);
    if (it == handed_out.end() || it->second) {
      return Reply{
          400, {}, R"({"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"})"};
    }
    it->second = true;
    auto type = request.headers.find("lambda-runtime-function-error-type");
    outcomes.push_back(
        LambdaOutcome{id, kind, request.body, type == request.headers.end() ? "" : type->second});
    changed.notify_all();
    return Reply{202, {}, R"({"status":"OK"})"};
  }

  Reply control(const Request& request) {
    const std::string rest = request.path.substr(std::string_view("/_control").size());
    const auto wait = std::chrono::milliseconds(to_int(query_value(request.query, "wait_ms"), 0));
    if (request.method == "POST" && rest == "/invocations") {
      const std::int64_t in = to_int(query_value(request.query, "deadline_in_ms"), 30000);
      std::string trace = query_value(request.query, "trace_id");
      const std::string id = enqueue(request.body, epoch_ms_now() + in,
                                     trace.empty() ? "Root=1-fake;Sampled=0" : trace);
      return Reply{200, {}, json::serialize(json::object{{"request_id", id}})};
    }
    std::unique_lock lock(mutex);
    if (request.method == "GET" && rest == "/outcomes") {
      json::array all;
      for (const auto& o : outcomes) all.push_back(outcome_json(o));
      return Reply{200, {}, json::serialize(all)};
    }
    if (request.method == "GET" && rest.rfind("/outcomes/", 0) == 0) {
      const std::string id = rest.substr(std::string_view("/outcomes/").size());
      wait_for(lock, wait, [&] { return find_outcome(id).has_value(); });
      if (auto o = find_outcome(id)) return Reply{200, {}, json::serialize(outcome_json(*o))};
      return Reply{404, {}, R"({"error":"no outcome yet"})"};
    }
    if (request.method == "GET" && rest == "/init_error") {
      wait_for(lock, wait, [&] { return init_error.has_value(); });
      if (!init_error) return Reply{404, {}, R"({"error":"no init error"})"};
      return Reply{200,
                   {},
                   json::serialize(json::object{{"error_type", init_error->error_type},
                                                {"body", init_error->body}})};
    }
    if (request.method == "GET" && rest == "/stats") {
      return Reply{200,
                   {},
                   json::serialize(json::object{{"next_calls", next_calls},
                                                {"pending", pending.size()},
                                                {"outcomes", outcomes.size()}})};
    }
    return Reply{404, {}, R"({"error":"unknown control path"})"};
  }

  Reply route(const Request& request) {
    if (request.path.rfind("/_control/", 0) == 0) return control(request);
    if (request.path.rfind(kPrefix, 0) != 0) return Reply{404, {}, "{}"};
    const std::string path = request.path.substr(kPrefix.size());
    if (request.method == "GET" && path == "/runtime/invocation/next") return next();
    if (request.method == "POST" && path == "/runtime/init/error") {
      std::lock_guard lock(mutex);
      auto type = request.headers.find("lambda-runtime-function-error-type");
      init_error = LambdaInitError{type == request.headers.end() ? "" : type->second, request.body};
      changed.notify_all();
      return Reply{202, {}, R"({"status":"OK"})"};
    }
    constexpr std::string_view kInvocation = "/runtime/invocation/";
    if (request.method == "POST" && path.rfind(kInvocation, 0) == 0) {
      const std::string tail = path.substr(kInvocation.size());
      const std::size_t slash = tail.find('/');
      if (slash != std::string::npos) {
        const std::string id = tail.substr(0, slash);
        const std::string what = tail.substr(slash + 1);
        if (what == "response") return record(id, "response", request);
        if (what == "error") return record(id, "error", request);
      }
    }
    return Reply{404, {}, R"({"errorMessage":"not found"})"};
  }

  void serve(int fd) {
    std::string buffer;
    Request request;
    while (read_request(fd, buffer, request)) {
      if (!write_reply(fd, route(request))) break;
    }
    ::shutdown(fd, SHUT_RDWR);
  }

  void accept_loop() {
    while (true) {
      const int fd = ::accept(listen_fd, nullptr, nullptr);
      std::lock_guard lock(mutex);
      if (fd < 0 || stopping) {
        if (fd >= 0) ::close(fd);
        if (stopping) return;
        continue;
      }
      connection_fds.push_back(fd);
      connections.emplace_back([this, fd] { serve(fd); });
    }
  }
};

FakeLambdaRuntime::FakeLambdaRuntime(std::uint16_t port) : impl_(std::make_unique<Impl>()) {
  impl_->listen_fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (impl_->listen_fd < 0) throw std::runtime_error("socket failed");
  const int one = 1;
  ::setsockopt(impl_->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(impl_->listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(impl_->listen_fd, 64) != 0) {
    ::close(impl_->listen_fd);
    throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(port));
  }
  socklen_t length = sizeof address;
  ::getsockname(impl_->listen_fd, reinterpret_cast<sockaddr*>(&address), &length);
  impl_->port = ntohs(address.sin_port);
  impl_->acceptor = std::thread([this] { impl_->accept_loop(); });
}

FakeLambdaRuntime::~FakeLambdaRuntime() {
  stop();
}

void FakeLambdaRuntime::stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopping) return;
    impl_->stopping = true;
    impl_->changed.notify_all();
    ::shutdown(impl_->listen_fd, SHUT_RDWR);
    for (int fd : impl_->connection_fds) ::shutdown(fd, SHUT_RDWR);
  }
  if (impl_->acceptor.joinable()) impl_->acceptor.join();
  {
    std::lock_guard lock(impl_->mutex);
    threads = std::move(impl_->connections);
  }
  for (auto& t : threads) t.join();
  std::lock_guard lock(impl_->mutex);
  for (int fd : impl_->connection_fds) ::close(fd);
  impl_->connection_fds.clear();
  ::close(impl_->listen_fd);
}

std::uint16_t FakeLambdaRuntime::port() const {
  return impl_->port;
}

std::string FakeLambdaRuntime::address() const {
  return "127.0.0.1:" + std::to_string(impl_->port);
}

std::string FakeLambdaRuntime::enqueue(std::string payload, std::int64_t deadline_ms,
                                       std::string trace_id) {
  return impl_->enqueue(std::move(payload), deadline_ms, std::move(trace_id));
}

std::optional<LambdaOutcome> FakeLambdaRuntime::wait_outcome(const std::string& request_id,
                                                             std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  impl_->wait_for(lock, timeout, [&] { return impl_->find_outcome(request_id).has_value(); });
  return impl_->find_outcome(request_id);
}

std::vector<LambdaOutcome> FakeLambdaRuntime::outcomes() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->outcomes;
}

std::optional<LambdaInitError> FakeLambdaRuntime::wait_init_error(
    std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  impl_->wait_for(lock, timeout, [&] { return impl_->init_error.has_value(); });
  return impl_->init_error;
}

int FakeLambdaRuntime::next_calls() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->next_calls;
}

std::optional<Clock::time_point> FakeLambdaRuntime::first_next_at() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->first_next;
}

bool FakeLambdaRuntime::wait_next_calls(int count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  return impl_->wait_for(lock, timeout, [&] { return impl_->next_calls >= count; });
}

}  // namespace rpmw::fakes
