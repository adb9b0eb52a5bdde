#pragma once
// Transport-neutral webhook ingress: the HTTP server and the Lambda handler both map their
// request to IngressRequest and write back IngressResponse.
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/ingest/auth.h"
#include "core/ingest/token_bucket.h"
#include "core/ingest/webhook.h"
#include "core/ports/clock.h"
#include "core/ports/event_log.h"
#include "core/ports/event_queue.h"
#include "core/ports/metrics.h"

namespace rpmw::core::ingest {

struct IngressSettings {
  WebhookLimits limits;
  std::int64_t max_queue_depth = 100000;  // over this: 503 + Retry-After
  std::chrono::milliseconds depth_refresh{250};
  std::chrono::seconds backpressure_retry_after{5};
};

struct IngressRequest {
  std::string source;                                        // remote address
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string query;                                         // raw, without '?'
  std::string_view body;

  std::string_view header(std::string_view lower_name) const;
};

struct IngressResponse {
  int status = 500;
  std::string body;  // JSON
  std::optional<std::int64_t> retry_after_s;
  std::string result;  // bounded label: accepted, duplicate, unauthorized, ...
  std::string trace_id;
  std::string event_id;
};

// A request that passed every check and only needs its enqueue (possibly batched with others).
struct AdmittedWebhook {
  EnqueueRequest enqueue;
  std::string trace_id;
  std::string ticket_id;
};

class Ingress {
 public:
  Ingress(IngressSettings settings, Authenticator authenticator, RateLimiter& limiter,
          EventQueue& queue, const Clock& clock, Random& random, EventLog& log, Metrics& metrics);

  // admit → enqueue → complete, in one call (Lambda, tests).
  IngressResponse handle(const IngressRequest& request);
  // The checks alone: either the final (rejection) response or the admitted webhook.
  std::variant<IngressResponse, AdmittedWebhook> admit(const IngressRequest& request);
  // The answer once the enqueue of an admitted webhook finished.
  IngressResponse complete(const AdmittedWebhook& admitted, const Result<EnqueueResult>& enqueued);
  // The transport stopped reading a body over the limit; answer 413 with the same bookkeeping.
  IngressResponse reject_too_large(const std::string& source);
  const IngressSettings& settings() const { return settings_; }

 private:
  IngressResponse reject(const std::string& trace_id, int status, std::string_view code,
                         std::string_view detail, std::optional<std::int64_t> retry_after_s = {});
  IngressResponse finish(IngressResponse response);
  bool over_depth();

  IngressSettings settings_;
  Authenticator authenticator_;
  RateLimiter& limiter_;
  EventQueue& queue_;
  const Clock& clock_;
  Random& random_;
  EventLog& log_;
  Metrics& metrics_;

  std::mutex depth_mutex_;
  std::int64_t cached_depth_ = 0;
  TimePoint depth_checked_at_{};
};

// `?a=1&token=x` → "x" (percent-decoded); empty when absent.
std::string query_param(std::string_view query, std::string_view name);
std::string error_body(std::string_view code, std::string_view detail);

}  // namespace rpmw::core::ingest
