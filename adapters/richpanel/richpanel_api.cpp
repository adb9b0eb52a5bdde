#include "adapters/richpanel/richpanel_api.h"

#include <algorithm>
#include <charconv>
#include <random>
#include <thread>
#include <utility>

#include "adapters/http/retry_after.h"

namespace rpmw::adapters::richpanel {
namespace json = boost::json;
using core::ErrorKind;

namespace {

constexpr int kMaxAttempts = 3;  // spec/04: never more than 3 per call
constexpr std::size_t kMaxParamLength = 64;

// The first "param" of a 400 errors body, either {"errors":[…]} or the bare array, reduced to
// machine characters so no customer value can leak into a code.
std::string first_param(std::string_view body) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(body, ec);
  if (ec) return {};
  const json::array* errors = parsed.if_array();
  if (const auto* top = parsed.if_object()) {
    if (const auto* e = top->if_contains("errors")) errors = e->if_array();
  }
  if (errors == nullptr) return {};
  for (const json::value& item : *errors) {
    const auto* object = item.if_object();
    if (object == nullptr) continue;
    const auto* param = object->if_contains("param");
    if (param == nullptr || !param->is_string()) continue;
    std::string out;
    for (const char c : param->get_string()) {
      const bool machine = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == '[' ||
                           c == ']';
      if (machine) out.push_back(c);
      if (out.size() >= kMaxParamLength) break;
    }
    return out;
  }
  return {};
}

// A non-negative integer header (X-RateLimit-*); -1 when absent or malformed.
int header_number(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  int number = -1;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || number < 0) {
    return -1;
  }
  return number;
}

core::Error transport_error(const core::Error& error) {
  if (error.code == "timeout") return {ErrorKind::transient, "richpanel_timeout", std::nullopt};
  if (error.code == "connect_failed") {
    return {ErrorKind::transient, "richpanel_connect_failed", std::nullopt};
  }
  if (error.code == "http_error") {
    return {ErrorKind::transient, "richpanel_http_error", std::nullopt};
  }
  return {error.kind, "richpanel_" + error.code, std::nullopt};
}

// A request that can put a message in front of the customer: send-message, or an update that
// carries a comment. Not idempotent, so only a refusal that certainly did not land may be repeated.
bool may_deliver(std::string_view method, const std::vector<std::string_view>& segments,
                 const json::value* body) {
  if (method != "PUT" || segments.size() < 2 || segments[0] != "tickets") return false;
  if (segments.size() == 3 && segments[2] == "send-message") return true;
  if (segments.size() != 2 || body == nullptr || !body->is_object()) return false;
  const json::value* ticket = body->as_object().if_contains("ticket");
  return ticket != nullptr && ticket->is_object() && ticket->as_object().contains("comment");
}

// 429 and connection failures never reached Richpanel's handlers; a 5xx or a timeout may have.
bool certainly_not_landed(const core::Error& error) {
  return error.kind == ErrorKind::rate_limited || error.code == "richpanel_connect_failed";
}

}  // namespace

std::chrono::milliseconds full_jitter_backoff(int attempt, std::chrono::milliseconds base,
                                              std::chrono::milliseconds cap) {
  const int shift = std::clamp(attempt - 1, 0, 30);
  const auto ceiling = std::min<std::int64_t>(cap.count(), base.count() << shift);
  if (ceiling <= 0) return std::chrono::milliseconds(0);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<std::int64_t> pick(0, ceiling);
  return std::chrono::milliseconds(pick(rng));
}

std::string percent_encode_segment(std::string_view segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(segment.size() * 3);
  for (const char ch : segment) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
  return out;
}

core::Error richpanel_status_error(const http::HttpResponse& response) {
  const long status = response.status;
  if (status == 429) {
    return {ErrorKind::rate_limited, "richpanel_429",
            http::parse_retry_after(response.header("retry-after"))};
  }
  if (status >= 500) return {ErrorKind::transient, "richpanel_5xx", std::nullopt};
  if (status == 401 || status == 403) return {ErrorKind::permanent, "richpanel_auth", std::nullopt};
  if (status == 404) return {ErrorKind::not_found, "richpanel_not_found", std::nullopt};
  std::string code = "richpanel_" + std::to_string(status);
  if (status == 400) {
    const std::string param = first_param(response.body);
    if (!param.empty()) code += ":" + param;
  }
  return {ErrorKind::permanent, std::move(code), std::nullopt};
}

std::string richpanel_operation(std::string_view method,
                                const std::vector<std::string_view>& segments) {
  const std::size_t n = segments.size();
  const std::string_view first = n > 0 ? segments[0] : std::string_view();
  const bool get = method == "GET";
  const bool put = method == "PUT";
  if (first == "tickets") {
    if (get && n == 2) return "get_ticket";
    if (get && n == 3 && segments[1] == "number") return "get_ticket_by_number";
    if (put && n == 2) return "update_ticket";
    if (put && n == 3 && segments[2] == "add-tags") return "add_tags";
    if (put && n == 3 && segments[2] == "remove-tags") return "remove_tags";
    if (put && n == 3 && segments[2] == "send-message") return "send_message";
  } else if (first == "order" && get) {
    if (n == 2) return "linked_order";
    if (n == 3) return "get_order";
  } else if (first == "customers" && get && n == 3) {
    return "get_customer";
  } else if (n == 1 && get) {
    if (first == "users") return "list_users";
    if (first == "tags") return "list_tags";
    if (first == "teams") return "list_teams";
    if (first == "channel") return "list_channels";
  } else if (n == 1 && method == "POST" && first == "tags") {
    return "create_tag";
  }
  return "other";
}

RichpanelApi::RichpanelApi(RichpanelSettings settings)
    : settings_(std::move(settings)),
      clients_(http::vendor_client_options(settings_.base_url, settings_.ca_bundle_path)) {
  std::string_view base = settings_.base_url;
  while (base.ends_with('/')) base.remove_suffix(1);
  base_ = std::string(base);
}

RichpanelApi::~RichpanelApi() = default;

struct RichpanelApi::Attempt {
  core::Result<json::value> result;
  long status = 0;  // 0: no HTTP answer
  RichpanelRateLimit rate_limit;
};

core::Result<json::value> RichpanelApi::call(std::string_view method,
                                             const std::vector<std::string_view>& segments,
                                             const json::value* body) {
  auto answer = exchange(method, segments, body);
  if (!answer) return tl::unexpected(std::move(answer.error()));
  return std::move(answer->body);
}

RichpanelRateLimit RichpanelApi::last_rate_limit() const {
  std::lock_guard lock(rate_mutex_);
  return last_rate_limit_;
}

core::Result<RichpanelAnswer> RichpanelApi::exchange(std::string_view method,
                                                     const std::vector<std::string_view>& segments,
                                                     const json::value* body,
                                                     const QueryParams& query) {
  http::HttpRequest request;
  request.method = std::string(method);
  request.url = base_ + "/v1";
  for (const std::string_view segment : segments) {
    request.url += '/';
    request.url += percent_encode_segment(segment);
  }
  for (std::size_t i = 0; i < query.size(); ++i) {
    request.url += i == 0 ? '?' : '&';
    request.url +=
        percent_encode_segment(query[i].first) + "=" + percent_encode_segment(query[i].second);
  }
  request.headers = {{"x-richpanel-key", settings_.api_key}, {"accept", "application/json"}};
  if (body != nullptr) {
    request.headers.emplace_back("content-type", "application/json");
    request.body = json::serialize(*body);
  }
  request.total_timeout = settings_.timeout;
  request.connect_timeout = std::min(settings_.connect_timeout, settings_.timeout);

  const auto started = std::chrono::steady_clock::now();
  int sent = 0;
  Attempt last{core::fail(ErrorKind::internal, "richpanel_not_sent"), 0, {}};
  const auto finish = [&](core::Result<json::value> result) -> core::Result<RichpanelAnswer> {
    if (settings_.observer) {
      http::VendorCallReport report;
      report.vendor = "richpanel";
      report.operation = richpanel_operation(method, segments);
      report.http_status = last.status;
      report.latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count();
      report.retries = std::max(0, sent - 1);
      if (!result) report.error_code = result.error().code;
      report.rate_limit_remaining = last.rate_limit.remaining;
      settings_.observer(report);
    }
    if (!result) return tl::unexpected(std::move(result.error()));
    return RichpanelAnswer{std::move(*result), last.rate_limit};
  };

  const int attempts = std::clamp(settings_.attempts, 1, kMaxAttempts);
  const bool delivers = may_deliver(method, segments, body);
  for (int n = 1;; ++n) {
    if (settings_.budget) {
      const std::chrono::milliseconds turn = settings_.budget->reserve();
      if (turn > settings_.max_inline_wait) {
        // The account is booked up for longer than a worker should hold on: re-queue the event.
        settings_.budget->release();
        return finish(
            tl::unexpected(core::Error{ErrorKind::rate_limited, "richpanel_budget", turn}));
      }
      if (turn.count() > 0) pause(turn);
    }
    last = attempt(request);
    ++sent;
    if (last.rate_limit.limit >= 0 || last.rate_limit.remaining >= 0) {
      std::lock_guard lock(rate_mutex_);
      last_rate_limit_ = last.rate_limit;
    }
    auto& result = last.result;
    if (!result && result.error().kind == ErrorKind::rate_limited && settings_.budget) {
      settings_.budget->on_rate_limited(result.error().retry_after);
    }
    if (result || n >= attempts) return finish(std::move(result));
    const core::Error& error = result.error();
    if (error.kind != ErrorKind::transient && error.kind != ErrorKind::rate_limited) {
      return finish(std::move(result));
    }
    // The caller (the action layer) checks the ticket before sending again.
    if (delivers && !certainly_not_landed(error)) return finish(std::move(result));
    std::chrono::milliseconds wait{0};
    if (error.kind == ErrorKind::rate_limited && settings_.budget) {
      // The budget now holds every caller back (Retry-After or the cool-down): no second wait.
      if (error.retry_after && *error.retry_after > settings_.max_inline_wait) {
        return finish(std::move(result));
      }
    } else if (error.retry_after) {
      // Too long to hold a worker: hand the hint to the queue instead.
      if (*error.retry_after > settings_.max_inline_wait) return finish(std::move(result));
      wait = *error.retry_after;
    } else {
      wait = settings_.backoff
                 ? settings_.backoff(n)
                 : full_jitter_backoff(n, std::chrono::seconds(2), std::chrono::seconds(60));
    }
    pause(wait);
  }
}

RichpanelApi::Attempt RichpanelApi::attempt(const http::HttpRequest& request) {
  auto response = clients_.send(request);
  if (!response) return {tl::unexpected(transport_error(response.error())), 0, {}};
  Attempt out{json::value(json::object()),
              response->status,
              {header_number(response->header("x-ratelimit-limit")),
               header_number(response->header("x-ratelimit-remaining"))}};
  if (response->status < 200 || response->status >= 300) {
    out.result = tl::unexpected(richpanel_status_error(*response));
    return out;
  }
  if (response->body.empty()) return out;
  boost::system::error_code ec;
  json::value parsed = json::parse(response->body, ec);
  if (ec) {
    out.result = core::fail(ErrorKind::permanent, "richpanel_invalid_json");
  } else {
    out.result = std::move(parsed);
  }
  return out;
}

void RichpanelApi::pause(std::chrono::milliseconds how_long) const {
  if (settings_.sleep) return settings_.sleep(how_long);
  if (how_long.count() > 0) std::this_thread::sleep_for(how_long);
}

}  // namespace rpmw::adapters::richpanel
