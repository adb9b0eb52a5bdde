#pragma once
// The Richpanel REST transport shared by RichpanelHelpdesk and RichpanelOrderSource: auth and
// JSON headers, percent-encoded path segments, status → core::Error mapping and bounded retries
// (spec/04). It never logs, and error codes carry neither the key nor any body text.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "adapters/http/http_client.h"
#include "adapters/http/vendor_budget.h"
#include "adapters/http/vendor_call_report.h"
#include "core/common/error.h"

namespace rpmw::adapters::richpanel {

// The pause before retry `attempt` (1 = before the second attempt) of a call that failed without
// a Retry-After hint.
using BackoffFn = std::function<std::chrono::milliseconds(int attempt)>;
// Waits; injected so tests never really sleep.
using SleepFn = std::function<void(std::chrono::milliseconds)>;

struct RichpanelSettings {
  std::string base_url = "https://api.richpanel.com";
  std::string api_key;
  std::chrono::milliseconds timeout{10000};         // per attempt, whole exchange
  std::chrono::milliseconds connect_timeout{3000};  // capped by `timeout`
  int attempts = 3;                                 // in total, clamped to [1, 3]
  // A Retry-After longer than this is not waited out inline: the call fails rate_limited with
  // retry_after so the event is re-queued with that delay instead of holding a worker.
  std::chrono::milliseconds max_inline_wait{5000};
  // The account's shared request budget (one per Richpanel key, shared by every RichpanelApi of
  // it); null: no client-side pacing. A 429 slows it down for everyone.
  std::shared_ptr<http::VendorBudget> budget;
  BackoffFn backoff;  // empty: full jitter, base 2 s, cap 60 s
  SleepFn sleep;      // empty: std::this_thread::sleep_for
  std::string ca_bundle_path;
  // Told about every logical call once, after its retries (vendor "richpanel"); empty: nobody.
  http::VendorCallObserver observer;
};

// The fixed operation name of a call, from its method and path shape (ids never show):
// get_ticket, get_ticket_by_number, update_ticket, add_tags, remove_tags, send_message,
// linked_order, get_order, get_customer, list_users, list_tags, create_tag, list_teams,
// list_channels; anything else is "other".
std::string richpanel_operation(std::string_view method,
                                const std::vector<std::string_view>& segments);

// Full-jitter exponential backoff: uniform in [0, min(cap, base * 2^(attempt-1))].
std::chrono::milliseconds full_jitter_backoff(int attempt, std::chrono::milliseconds base,
                                              std::chrono::milliseconds cap);

// RFC 3986 percent-encoding of one path segment: everything but the unreserved characters
// (ALPHA / DIGIT / "-" / "." / "_" / "~") becomes %XX, so '/' cannot split an id.
std::string percent_encode_segment(std::string_view segment);

// Status mapping of a non-2xx response (exposed for tests).
core::Error richpanel_status_error(const http::HttpResponse& response);

// The account's rate-limit headers as last seen; -1: not sent (yet).
struct RichpanelRateLimit {
  int limit = -1;      // X-RateLimit-Limit
  int remaining = -1;  // X-RateLimit-Remaining
};

// Query parameters, in order; names and values are percent-encoded.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct RichpanelAnswer {
  boost::json::value body;
  RichpanelRateLimit rate_limit;  // of the answer that succeeded
};

class RichpanelApi {
 public:
  explicit RichpanelApi(RichpanelSettings settings);
  ~RichpanelApi();
  RichpanelApi(const RichpanelApi&) = delete;
  RichpanelApi& operator=(const RichpanelApi&) = delete;

  // `segments` are raw (decoded) path segments after /v1; each is percent-encoded. The body is
  // sent when non-null. A 2xx answer is parsed as JSON (an empty body reads as {}).
  core::Result<boost::json::value> call(std::string_view method,
                                        const std::vector<std::string_view>& segments,
                                        const boost::json::value* body = nullptr);
  // The same with query parameters, returning the rate-limit headers with the body.
  core::Result<RichpanelAnswer> exchange(std::string_view method,
                                         const std::vector<std::string_view>& segments,
                                         const boost::json::value* body = nullptr,
                                         const QueryParams& query = {});
  // The headers of the latest answer that carried them, from any call (thread-safe).
  RichpanelRateLimit last_rate_limit() const;

 private:
  struct Attempt;
  Attempt attempt(const http::HttpRequest& request);
  void pause(std::chrono::milliseconds how_long) const;

  RichpanelSettings settings_;
  std::string base_;  // base_url without trailing '/'
  http::HttpClientPool clients_;
  mutable std::mutex rate_mutex_;
  RichpanelRateLimit last_rate_limit_;
};

}  // namespace rpmw::adapters::richpanel
