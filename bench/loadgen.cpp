// rpmw_loadgen: an HTTP/1.1 keep-alive load generator (Boost.Beast, one io_context thread).
//
// Closed loop by default: each connection sends its next request when the previous answer
// arrives. With --rate R it runs open loop: request i is scheduled at start + i/R (spread over
// the connections) and its latency is measured from the SCHEDULED time, so a slow server is not
// hidden by the generator waiting for it (coordinated omission). Prints one JSON object.
#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::string_view kUsage =
    "usage: rpmw_loadgen --url http://HOST:PORT/PATH [--method GET|POST] [--connections C]\n"
    "                    [--duration S] [--rate R] [--header 'Name: value']...\n"
    "                    [--body-template TEXT] [--tickets N] [--timeout S] [--grace S]\n"
    "body placeholders: {conn} {n} (per connection) {seq} (global) {run} {ticket} (seq % N)\n";

struct Options {
  std::string host;
  std::string port = "80";
  std::string target = "/";
  http::verb method = http::verb::get;
  int connections = 1;
  double duration_s = 10;
  std::optional<double> rate;  // open loop, requests per second in total
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::string> body_template;
  std::uint64_t tickets = 1000;
  double timeout_s = 30;  // per request
  double grace_s = 10;    // after the duration, for in-flight requests to finish
};

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "rpmw_loadgen: " << message << "\n" << kUsage;
  std::exit(2);
}

double parse_number(const std::string& flag, const std::string& text) {
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    if (used != text.size() || !std::isfinite(value)) throw std::invalid_argument(text);
    return value;
  } catch (const std::exception&) {
    usage_error(flag + " needs a number, got '" + text + "'");
  }
}

void parse_url(const std::string& url, Options& options) {
  constexpr std::string_view kScheme = "http://";
  if (!std::string_view(url).starts_with(kScheme)) usage_error("--url must start with http://");
  const std::string rest = url.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  options.target = slash == std::string::npos ? "/" : rest.substr(slash);
  std::size_t colon = authority.rfind(':');
  if (!authority.empty() && authority.front() == '[') {  // [v6]:port
    const std::size_t close = authority.find(']');
    if (close == std::string::npos) usage_error("bad IPv6 host in --url");
    options.host = authority.substr(1, close - 1);
    colon = authority.find(':', close);
  } else {
    options.host = authority.substr(0, colon);
  }
  if (colon != std::string::npos) options.port = authority.substr(colon + 1);
  if (options.host.empty() || options.port.empty()) usage_error("--url needs a host and port");
}

Options parse_args(int argc, char** argv) {
  Options options;
  bool have_url = false;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      std::exit(0);
    }
    if (i + 1 >= argc) usage_error(flag + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--url") {
      parse_url(value, options);
      have_url = true;
    } else if (flag == "--method") {
      options.method = http::string_to_verb(value);
      if (options.method == http::verb::unknown) usage_error("unknown --method " + value);
    } else if (flag == "--connections") {
      options.connections = static_cast<int>(parse_number(flag, value));
    } else if (flag == "--duration") {
      options.duration_s = parse_number(flag, value);
    } else if (flag == "--rate") {
      options.rate = parse_number(flag, value);
    } else if (flag == "--header") {
      const std::size_t colon = value.find(':');
      if (colon == std::string::npos || colon == 0) usage_error("--header needs 'Name: value'");
      std::string header_value = value.substr(colon + 1);
      header_value.erase(0, header_value.find_first_not_of(' '));
      options.headers.emplace_back(value.substr(0, colon), header_value);
    } else if (flag == "--body-template") {
      options.body_template = value;
    } else if (flag == "--tickets") {
      options.tickets = static_cast<std::uint64_t>(parse_number(flag, value));
    } else if (flag == "--timeout") {
      options.timeout_s = parse_number(flag, value);
    } else if (flag == "--grace") {
      options.grace_s = parse_number(flag, value);
    } else {
      usage_error("unknown option " + flag);
    }
  }
  if (!have_url) usage_error("--url is required");
  if (options.connections < 1 || options.connections > 10000) usage_error("bad --connections");
  if (options.duration_s <= 0) usage_error("--duration must be > 0");
  if (options.rate && *options.rate <= 0) usage_error("--rate must be > 0");
  if (options.tickets < 1) usage_error("--tickets must be >= 1");
  if (options.timeout_s <= 0 || options.grace_s < 0) usage_error("bad --timeout or --grace");
  return options;
}

// The body template split once into literal text and placeholders.
class BodyTemplate {
 public:
  enum class Slot { literal, conn, n, seq, run, ticket };
  struct Piece {
    Slot slot;
    std::string text;
  };

  explicit BodyTemplate(std::string_view text) {
    std::string literal;
    while (!text.empty()) {
      std::optional<Slot> slot;
      std::size_t length = 0;
      for (const auto& [name, s] : kNames) {
        if (text.starts_with(name)) {
          slot = s;
          length = name.size();
          break;
        }
      }
      if (slot) {
        if (!literal.empty()) pieces_.push_back({Slot::literal, std::move(literal)});
        literal.clear();
        pieces_.push_back({*slot, {}});
        text.remove_prefix(length);
      } else {
        literal.push_back(text.front());
        text.remove_prefix(1);
      }
    }
    if (!literal.empty()) pieces_.push_back({Slot::literal, std::move(literal)});
  }

  void render(std::string& out, int conn, std::uint64_t n, std::uint64_t seq,
              const std::string& run, std::uint64_t tickets) const {
    out.clear();
    for (const Piece& piece : pieces_) {
      switch (piece.slot) {
        case Slot::literal:
          out += piece.text;
          break;
        case Slot::conn:
          out += std::to_string(conn);
          break;
        case Slot::n:
          out += std::to_string(n);
          break;
        case Slot::seq:
          out += std::to_string(seq);
          break;
        case Slot::run:
          out += run;
          break;
        case Slot::ticket:
          out += std::to_string(seq % tickets);
          break;
      }
    }
  }

 private:
  static constexpr std::pair<std::string_view, Slot> kNames[] = {
      {"{conn}", Slot::conn}, {"{n}", Slot::n},           {"{seq}", Slot::seq},
      {"{run}", Slot::run},   {"{ticket}", Slot::ticket},
  };
  std::vector<Piece> pieces_;
};

struct Stats {
  std::vector<std::int64_t> latency_ns;
  std::uint64_t ok_2xx = 0;
  std::map<unsigned, std::uint64_t> non_2xx;
  std::uint64_t errors = 0;
  std::map<std::string, std::uint64_t> error_kinds;
};

class LoadGen;

// One keep-alive connection. Owned by LoadGen, which outlives the io_context run, so the
// completion handlers capture `this`.
class Connection {
 public:
  Connection(LoadGen& gen, int index);
  void start();
  // Called from the watchdog: aborts a request past its timeout, or every request at the end.
  void expire(Clock::time_point now, bool force);

 private:
  void connect();
  void next();
  void send(Clock::time_point scheduled);
  void on_read(beast::error_code ec);
  void fail(beast::error_code ec);
  void finish();

  LoadGen& gen_;
  int index_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  std::optional<http::response_parser<http::string_body>> parser_;
  std::uint64_t n_ = 0;  // requests issued on this connection
  bool connected_ = false;
  bool in_flight_ = false;
  bool expired_ = false;
  bool done_ = false;
  Clock::time_point scheduled_{};
  Clock::time_point sent_at_{};
};

class LoadGen {
 public:
  explicit LoadGen(Options options)
      : options_(std::move(options)), io_(1), watchdog_(io_), run_id_(make_run_id()) {
    if (options_.body_template) body_.emplace(*options_.body_template);
    tcp::resolver resolver(io_);
    endpoints_ = resolver.resolve(options_.host, options_.port);
  }

  int run() {
    for (int i = 0; i < options_.connections; ++i) {
      connections_.push_back(std::make_unique<Connection>(*this, i));
    }
    active_ = options_.connections;
    start_ = Clock::now();
    end_ = start_ + to_duration(options_.duration_s);
    for (auto& connection : connections_) connection->start();
    arm_watchdog();
    io_.run();
    finished_ = Clock::now();
    print();
    return stats_.ok_2xx + total_non_2xx() > 0 ? 0 : 1;
  }

  // Scheduled time of the n-th request of connection `index` (open loop only).
  std::optional<Clock::time_point> schedule(int index, std::uint64_t n) const {
    if (!options_.rate) return std::nullopt;
    const double slot = static_cast<double>(n) * options_.connections + index;
    return start_ + to_duration(slot / *options_.rate);
  }

  void render_body(std::string& out, int conn, std::uint64_t n) {
    const std::uint64_t seq = seq_++;
    if (body_) body_->render(out, conn, n, seq, run_id_, options_.tickets);
  }

  void connection_done() {
    if (--active_ == 0) watchdog_.cancel();
  }

  static Clock::duration to_duration(double seconds) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  }

  const Options& options() const { return options_; }
  asio::io_context& io() { return io_; }
  const tcp::resolver::results_type& endpoints() const { return endpoints_; }
  Clock::time_point end() const { return end_; }
  Stats& stats() { return stats_; }

 private:
  static std::string make_run_id() {
    std::random_device device;
    const std::uint64_t value = (std::uint64_t{device()} << 32) | device();
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
    return text;
  }

  void arm_watchdog() {
    watchdog_.expires_after(std::chrono::milliseconds(100));
    watchdog_.async_wait([this](beast::error_code ec) {
      if (ec || active_ == 0) return;
      const Clock::time_point now = Clock::now();
      const bool force = now > end_ + to_duration(options_.grace_s);
      for (auto& connection : connections_) connection->expire(now, force);
      arm_watchdog();
    });
  }

  std::uint64_t total_non_2xx() const {
    std::uint64_t total = 0;
    for (const auto& [status, count] : stats_.non_2xx) total += count;
    return total;
  }

  static std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
      if (c == '"' || c == '\\') {
        out.push_back('\\');
        out.push_back(c);
      } else if (static_cast<unsigned char>(c) < 0x20) {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
        out += escaped;
      } else {
        out.push_back(c);
      }
    }
    return out + "\"";
  }

  void print() {
    std::vector<std::int64_t>& samples = stats_.latency_ns;
    std::sort(samples.begin(), samples.end());
    auto percentile_ms = [&](double q) {
      if (samples.empty()) return 0.0;
      const auto rank =
          static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples.size())));
      return static_cast<double>(samples[std::clamp<std::size_t>(rank, 1, samples.size()) - 1]) /
             1e6;
    };
    const double duration = std::chrono::duration<double>(finished_ - start_).count();
    const std::uint64_t responses = stats_.ok_2xx + total_non_2xx();
    const std::uint64_t requests = responses + stats_.errors;
    std::ostringstream out;
    out.setf(std::ios::fixed);
    out.precision(3);
    out << "{\"url\":"
        << json_string("http://" + options_.host + ":" + options_.port + options_.target)
        << ",\"method\":" << json_string(std::string(http::to_string(options_.method)))
        << ",\"mode\":\"" << (options_.rate ? "open" : "closed") << "\""
        << ",\"connections\":" << options_.connections << ",\"target_rate\":";
    if (options_.rate) {
      out << *options_.rate;
    } else {
      out << "null";
    }
    out << ",\"requests\":" << requests << ",\"ok_2xx\":" << stats_.ok_2xx << ",\"non_2xx\":{";
    bool first = true;
    for (const auto& [status, count] : stats_.non_2xx) {
      out << (first ? "" : ",") << "\"" << status << "\":" << count;
      first = false;
    }
    out << "},\"errors\":" << stats_.errors << ",\"error_kinds\":{";
    first = true;
    for (const auto& [kind, count] : stats_.error_kinds) {
      out << (first ? "" : ",") << json_string(kind) << ":" << count;
      first = false;
    }
    out << "},\"duration_s\":" << duration
        << ",\"rate_per_s\":" << (duration > 0 ? static_cast<double>(responses) / duration : 0.0)
        << ",\"ok_per_s\":" << (duration > 0 ? static_cast<double>(stats_.ok_2xx) / duration : 0.0)
        << ",\"latency_ms\":{\"p50\":" << percentile_ms(0.50) << ",\"p90\":" << percentile_ms(0.90)
        << ",\"p99\":" << percentile_ms(0.99) << ",\"p999\":" << percentile_ms(0.999)
        << ",\"max\":" << (samples.empty() ? 0.0 : static_cast<double>(samples.back()) / 1e6)
        << "}}";
    std::cout << out.str() << std::endl;
  }

  Options options_;
  asio::io_context io_;
  asio::steady_timer watchdog_;
  tcp::resolver::results_type endpoints_;
  std::optional<BodyTemplate> body_;
  std::string run_id_;
  std::vector<std::unique_ptr<Connection>> connections_;
  int active_ = 0;
  std::uint64_t seq_ = 0;
  Clock::time_point start_{};
  Clock::time_point end_{};
  Clock::time_point finished_{};
  Stats stats_;
};

Connection::Connection(LoadGen& gen, int index)
    : gen_(gen), index_(index), socket_(gen.io()), timer_(gen.io()) {
  const Options& options = gen_.options();
  request_.method(options.method);
  request_.target(options.target);
  request_.version(11);
  request_.set(http::field::host, options.host + ":" + options.port);
  request_.set(http::field::user_agent, "rpmw_loadgen");
  for (const auto& [name, value] : options.headers) request_.set(name, value);
  request_.keep_alive(true);
}

void Connection::start() {
  connect();
}

void Connection::connect() {
  asio::async_connect(socket_, gen_.endpoints(),
                      [this](beast::error_code ec, const tcp::endpoint&) {
                        if (ec) return fail(ec);
                        connected_ = true;
                        socket_.set_option(tcp::no_delay(true), ec);
                        next();
                      });
}

void Connection::next() {
  const Clock::time_point now = Clock::now();
  const std::optional<Clock::time_point> scheduled = gen_.schedule(index_, n_);
  if ((scheduled ? *scheduled : now) >= gen_.end()) return finish();
  if (!connected_) return connect();
  if (scheduled && *scheduled > now) {
    timer_.expires_at(*scheduled);
    timer_.async_wait([this, at = *scheduled](beast::error_code ec) {
      if (ec) return finish();
      send(at);
    });
    return;
  }
  send(scheduled.value_or(now));
}

void Connection::send(Clock::time_point scheduled) {
  gen_.render_body(request_.body(), index_, n_);
  ++n_;
  request_.prepare_payload();
  parser_.emplace();
  parser_->body_limit(1024 * 1024);
  scheduled_ = scheduled;
  sent_at_ = Clock::now();
  in_flight_ = true;
  expired_ = false;
  http::async_write(socket_, request_, [this](beast::error_code ec, std::size_t) {
    if (ec) return fail(ec);
    http::async_read(socket_, buffer_, *parser_,
                     [this](beast::error_code read_ec, std::size_t) { on_read(read_ec); });
  });
}

void Connection::on_read(beast::error_code ec) {
  if (ec) return fail(ec);
  in_flight_ = false;
  Stats& stats = gen_.stats();
  stats.latency_ns.push_back(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - scheduled_).count());
  const unsigned status = parser_->get().result_int();
  if (status >= 200 && status < 300) {
    ++stats.ok_2xx;
  } else {
    ++stats.non_2xx[status];
  }
  if (!parser_->get().keep_alive()) {
    beast::error_code ignored;
    socket_.close(ignored);
    connected_ = false;
    buffer_.clear();
  }
  next();
}

void Connection::fail(beast::error_code ec) {
  Stats& stats = gen_.stats();
  ++stats.errors;
  ++stats.error_kinds[expired_ ? std::string("timeout") : ec.message()];
  in_flight_ = false;
  expired_ = false;
  beast::error_code ignored;
  socket_.close(ignored);
  connected_ = false;
  buffer_.clear();
  if (Clock::now() >= gen_.end()) return finish();
  // Reconnect after a pause so a dead server is not spun on. In open loop the next request
  // keeps its (now past) scheduled time, so the outage shows up in the latencies.
  timer_.expires_after(std::chrono::milliseconds(50));
  timer_.async_wait([this](beast::error_code timer_ec) {
    if (timer_ec) return finish();
    next();
  });
}

void Connection::expire(Clock::time_point now, bool force) {
  if (done_) return;
  const bool overdue =
      in_flight_ && now - sent_at_ > LoadGen::to_duration(gen_.options().timeout_s);
  if (!overdue && !force) return;
  expired_ = true;
  beast::error_code ignored;
  timer_.cancel();
  socket_.close(ignored);
}

void Connection::finish() {
  if (done_) return;
  done_ = true;
  beast::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  gen_.connection_done();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    LoadGen gen(parse_args(argc, argv));
    return gen.run();
  } catch (const std::exception& e) {
    std::cerr << "rpmw_loadgen: " << e.what() << "\n";
    return 1;
  }
}
