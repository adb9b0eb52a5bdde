// libFuzzer target: the whole transport-neutral ingress (rate limit, auth, content type, size,
// validation, backpressure, enqueue) against tiny in-process fakes of its ports.
//
// Input layout (HTTP-like so seeds stay readable):
//   byte 0        scenario bits (see kScenario*)
//   line 1        raw query string (without '?')
//   next lines    "name: value" headers (names are lower-cased like the transport does)
//   empty line    then everything after it is the body
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/ingest/ingress.h"
#include "core/ingest/webhook.h"
#include "core/ports/clock.h"
#include "core/ports/event_log.h"
#include "core/ports/event_queue.h"
#include "core/ports/metrics.h"

namespace core = rpmw::core;
namespace ingest = rpmw::core::ingest;

namespace {

constexpr std::uint8_t kScenarioQueryToken = 1 << 0;    // ?token= accepted
constexpr std::uint8_t kScenarioHmac = 1 << 1;          // HMAC secret configured
constexpr std::uint8_t kScenarioEnqueueFails = 1 << 2;  // enqueue returns an error
constexpr std::uint8_t kScenarioQueueFull = 1 << 3;     // stats report a depth over the limit
constexpr std::uint8_t kScenarioTwice = 1 << 4;         // handle the request twice (duplicate)
constexpr std::uint8_t kScenarioTightRate = 1 << 5;     // burst of 1: the second request is 429
constexpr std::uint8_t kScenarioQuietLog = 1 << 6;      // log only errors
constexpr std::uint8_t kScenarioSmallLimits = 1 << 7;   // small body and depth limits

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_ingress: property violated: %s\n", what);
  std::abort();
}

class FixedClock final : public core::Clock {
 public:
  core::TimePoint now() const override { return core::from_epoch_ms(1717200000000); }
};

// splitmix64: deterministic per input so a crash reproduces.
class SplitMix final : public core::Random {
 public:
  std::uint64_t next_u64() override {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_ = 42;
};

class FuzzQueue final : public core::EventQueue {
 public:
  bool fail_enqueue = false;
  std::int64_t reported_depth = 0;
  std::map<std::string, std::string> by_dedup_key;  // dedup key -> event id
  std::vector<core::EnqueueRequest> stored;

  core::Result<core::EnqueueResult> enqueue(const core::EnqueueRequest& request) override {
    if (fail_enqueue) return core::fail(core::ErrorKind::unavailable, "fuzz_disk_full");
    if (auto it = by_dedup_key.find(request.dedup_key); it != by_dedup_key.end()) {
      return core::EnqueueResult{it->second, true};
    }
    std::string event_id = "evt_fuzz_" + std::to_string(stored.size());
    by_dedup_key.emplace(request.dedup_key, event_id);
    stored.push_back(request);
    return core::EnqueueResult{event_id, false};
  }
  core::Result<std::vector<core::QueuedEvent>> receive(int, std::chrono::milliseconds,
                                                       std::chrono::milliseconds) override {
    return std::vector<core::QueuedEvent>{};
  }
  core::Status ack(const std::string&) override { return {}; }
  core::Status retry_later(const std::string&, std::chrono::milliseconds,
                           const std::string&) override {
    return {};
  }
  core::Status dead_letter(const std::string&, const std::string&) override { return {}; }
  core::Result<std::vector<core::DeadLetter>> list_dead_letters(int) override {
    return std::vector<core::DeadLetter>{};
  }
  core::Status redrive(const std::string&) override { return {}; }
  core::Result<core::DeadLetter> get_dead_letter(const std::string&) override {
    return core::fail(core::ErrorKind::not_found, "dead_letter_not_found");
  }
  core::Status purge_dead_letter(const std::string&) override { return {}; }
  core::Result<core::QueueStats> stats() override {
    core::QueueStats stats;
    stats.depth = reported_depth;
    return stats;
  }
};

bool is_code_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' ||
         c == '/' || c == '-';
}

// Checks the PII-free logging contract on everything ingress writes.
class CheckingLog final : public core::EventLog {
 public:
  core::LogLevel min_level = core::LogLevel::debug;

  bool enabled(core::LogLevel level) const override { return level >= min_level; }
  void write(const core::LogEvent& event) override {
    for (char c : event.event()) require(is_code_char(c), "log event name not a code");
    for (const auto& field : event.fields()) {
      for (char c : field.key) require(is_code_char(c), "log field key not a code");
      if (const auto* text = std::get_if<std::string>(&field.value)) {
        require(text->size() <= 512, "log field value too long");
        for (char c : *text) {
          require(c > 0x20 && c < 0x7f && c != '"' && c != '\\', "log field value not an id");
        }
      }
    }
  }
};

class NullMetrics final : public core::Metrics {
 public:
  void increment(std::string_view, const core::MetricLabels&, double) override {}
  void observe(std::string_view, double, const core::MetricLabels&) override {}
  void set_gauge(std::string_view, double, const core::MetricLabels&) override {}
};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// Splits the input into query, headers and body (see the layout at the top).
ingest::IngressRequest to_request(std::string_view rest) {
  ingest::IngressRequest request;
  request.source = "203.0.113.7";
  std::size_t nl = rest.find('\n');
  request.query = std::string(rest.substr(0, nl));
  if (nl == std::string_view::npos) return request;
  rest.remove_prefix(nl + 1);
  while (!rest.empty()) {
    nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    if (trim(line).empty()) break;
    const std::size_t colon = line.find(':');
    const std::string_view name = line.substr(0, colon);
    const std::string_view value =
        colon == std::string_view::npos ? std::string_view() : trim(line.substr(colon + 1));
    request.headers.emplace_back(lower(trim(name)), std::string(value));
  }
  request.body = rest;
  return request;
}

// RPMW_FUZZ_VERBOSE=1 prints each response: handy when triaging a reproducer.
bool verbose() {
  static const bool on = std::getenv("RPMW_FUZZ_VERBOSE") != nullptr;
  return on;
}

void check_response(const ingest::IngressResponse& response) {
  if (verbose()) {
    std::fprintf(stderr, "status=%d result=%s body=%s\n", response.status, response.result.c_str(),
                 response.body.c_str());
  }
  const int s = response.status;
  require(
      s == 200 || s == 202 || s == 400 || s == 401 || s == 413 || s == 415 || s == 429 || s == 503,
      "unexpected status");
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(response.body, ec);
  require(!ec, "response body is not valid JSON");
  require(body.is_object(), "response body is not a JSON object");
  const boost::json::object& obj = body.get_object();
  require(!response.trace_id.empty(), "response without a trace id");
  require(!response.result.empty(), "response without a result label");
  if (s == 200 || s == 202) {
    const auto* event_id = obj.if_contains("event_id");
    require(
        event_id != nullptr && event_id->is_string() && event_id->get_string() == response.event_id,
        "ACK body event_id differs from the response");
    const auto* status = obj.if_contains("status");
    require(status != nullptr && status->is_string() &&
                status->get_string() == (s == 202 ? "accepted" : "duplicate"),
            "ACK body status does not match the HTTP status");
  } else {
    const auto* error = obj.if_contains("error");
    require(error != nullptr && error->is_string() && !error->get_string().empty(),
            "error body without an error code");
    require(response.event_id.empty(), "rejected request carries an event id");
  }
  if (s == 429 || s == 503) {
    require(response.retry_after_s.has_value() && *response.retry_after_s >= 1,
            "429/503 without Retry-After");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t scenario = data[0];
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);

  FixedClock clock;
  SplitMix random;
  FuzzQueue queue;
  CheckingLog log;
  NullMetrics metrics;
  queue.fail_enqueue = (scenario & kScenarioEnqueueFails) != 0;
  if (scenario & kScenarioQuietLog) log.min_level = core::LogLevel::error;

  ingest::IngressSettings settings;
  if (scenario & kScenarioSmallLimits) {
    settings.limits.max_body_bytes = 256;
    settings.limits.max_depth = 3;
  }
  if (scenario & kScenarioQueueFull) queue.reported_depth = settings.max_queue_depth;

  ingest::AuthSettings auth;
  auth.tokens = {"fuzz-token", "fuzz-token-next"};
  auth.query_token_enabled = (scenario & kScenarioQueryToken) != 0;
  if (scenario & kScenarioHmac) auth.hmac_secrets = {"fuzz-secret"};

  ingest::RateLimitSettings rate;
  if (scenario & kScenarioTightRate) {
    rate.global_rate = 1;
    rate.global_burst = 1;
  }
  ingest::RateLimiter limiter(rate, clock);
  ingest::Ingress ingress(settings, ingest::Authenticator(auth, clock), limiter, queue, clock,
                          random, log, metrics);

  const ingest::IngressRequest request = to_request(rest);
  const ingest::IngressResponse first = ingress.handle(request);
  check_response(first);
  if (first.status == 202) {
    require(queue.stored.size() == 1, "202 without exactly one stored event");
    const core::EnqueueRequest& stored = queue.stored.front();
    auto envelope = ingest::decode_envelope(stored.body);
    require(envelope.has_value(), "stored envelope does not decode");
    require(envelope->webhook.ticket_id == stored.group, "queue group is not the ticket id");
    require(envelope->trace_id == first.trace_id, "stored trace id differs from the response");
  } else {
    require(queue.stored.empty(), "a rejected request was enqueued");
  }

  if (scenario & kScenarioTwice) {
    const ingest::IngressResponse second = ingress.handle(request);
    check_response(second);
    if (first.status == 202 && !(scenario & kScenarioTightRate)) {
      require(second.status == 200, "a repeated webhook was not a duplicate");
      require(second.event_id == first.event_id, "duplicate answered another event id");
    }
    if (scenario & kScenarioTightRate) require(second.status == 429, "burst of 1 admitted two");
  }

  const ingest::IngressResponse too_large = ingress.reject_too_large(request.source);
  check_response(too_large);
  require(too_large.status == 413, "reject_too_large did not answer 413");
  return 0;
}
