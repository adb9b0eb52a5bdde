#include "tests/fakes/fake_shopify_server.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <utility>

#include "tests/fakes/fake_http_server.h"

namespace rpmw::fakes {
namespace json = boost::json;

namespace {

std::string lower(std::string_view in) {
  std::string out(in);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding ('+' is a space).
std::string decode(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out.push_back(' ');
    } else if (in[i] == '%' && i + 2 < in.size() && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2])));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    const std::size_t eq = item.find('=');
    out[decode(item.substr(0, eq))] =
        eq == std::string_view::npos ? "" : decode(item.substr(eq + 1));
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  return out;
}

bool api_version_ok(std::string_view v) {
  if (v == "unstable") return true;
  return v.size() == 7 && v[4] == '-' &&
         std::all_of(v.begin(), v.end(), [](char c) { return c == '-' || std::isdigit(c); });
}

bool is_set(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && !v->is_null();
}

std::string number_of(std::string_view name) {
  if (name.starts_with('#')) name.remove_prefix(1);
  return lower(name);
}

FakeHttpReply errors(unsigned status, std::string_view message) {
  return {status, {}, json::serialize(json::object{{"errors", message}}), {}};
}

}  // namespace

struct FakeShopifyServer::Impl {
  std::string token;
  mutable std::mutex mutex;
  std::vector<json::object> orders;
  FakeShopifyFault fault = FakeShopifyFault::none;
  int fault_count = 0;
  unsigned fault_status = 503;
  std::chrono::milliseconds fault_delay{0};
  std::optional<std::string> retry_after = std::string("1.0");
  std::vector<FakeShopifyCall> calls;
  std::unique_ptr<FakeHttpServer> http;  // last: stopped before the state goes

  FakeHttpReply handle(const FakeHttpRequest& request);
  FakeHttpReply orders_json(const FakeShopifyCall& call) const;
};

FakeHttpReply FakeShopifyServer::Impl::orders_json(const FakeShopifyCall& call) const {
  auto param = [&](const std::string& name) {
    const auto it = call.query.find(name);
    return it == call.query.end() ? std::string() : it->second;
  };
  const std::string status = param("status").empty() ? "open" : param("status");
  if (status != "open" && status != "closed" && status != "cancelled" && status != "any") {
    return errors(400, "status is invalid");
  }
  int limit = 50;
  if (!param("limit").empty()) {
    if (std::sscanf(param("limit").c_str(), "%d", &limit) != 1 || limit < 1 || limit > 250) {
      return errors(400, "limit is invalid");
    }
  }
  std::vector<std::string> fields;
  const std::string field_list = param("fields");
  for (std::string_view rest = field_list; !rest.empty();) {
    const std::size_t comma = rest.find(',');
    if (comma != 0) fields.emplace_back(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  const std::string name = number_of(param("name"));
  json::array out;
  for (const json::object& order : orders) {
    if (static_cast<int>(out.size()) >= limit) break;
    const json::value* order_name = order.if_contains("name");
    if (!name.empty() && (order_name == nullptr || !order_name->is_string() ||
                          number_of(order_name->get_string()) != name)) {
      continue;
    }
    const bool cancelled = is_set(order, "cancelled_at");
    const bool closed = is_set(order, "closed_at");
    if ((status == "open" && (cancelled || closed)) || (status == "closed" && !closed) ||
        (status == "cancelled" && !cancelled)) {
      continue;
    }
    if (fields.empty()) {
      out.emplace_back(order);
      continue;
    }
    json::object picked;
    for (const std::string& field : fields) {
      if (const json::value* v = order.if_contains(field)) picked[field] = *v;
    }
    out.emplace_back(std::move(picked));
  }
  return {200, {}, json::serialize(json::object{{"orders", std::move(out)}}), {}};
}

FakeHttpReply FakeShopifyServer::Impl::handle(const FakeHttpRequest& request) {
  FakeShopifyCall call;
  call.method = std::string(request.method_string());
  call.target = std::string(request.target());
  const std::size_t q = call.target.find('?');
  call.path = call.target.substr(0, q);
  if (q != std::string::npos) call.query = parse_query(std::string_view(call.target).substr(q + 1));
  for (const auto& field : request) call.headers[lower(field.name_string())] = field.value();

  std::lock_guard lock(mutex);
  FakeHttpReply reply;
  if (fault != FakeShopifyFault::none && fault_count > 0) {
    --fault_count;
    if (fault == FakeShopifyFault::server_error) {
      reply = errors(fault_status, "Internal Server Error");
    } else if (fault == FakeShopifyFault::rate_limited) {
      reply = errors(429, "Exceeded 2 calls per second for api client. Reduce request rates.");
      if (retry_after) reply.headers.emplace_back("Retry-After", *retry_after);
    }
    reply.delay = fault == FakeShopifyFault::delay ? fault_delay : std::chrono::milliseconds(0);
  }
  if (reply.body.empty()) {
    const auto token = call.headers.find("x-shopify-access-token");
    constexpr std::string_view kPrefix = "/admin/api/";
    constexpr std::string_view kSuffix = "/orders.json";
    const std::string_view path = call.path;
    if (token == call.headers.end() || token->second != this->token) {
      reply = errors(401,
                     "[API] Invalid API key or access token (unrecognized login or wrong "
                     "password)");
    } else if (call.method != "GET" || !path.starts_with(kPrefix) || !path.ends_with(kSuffix) ||
               !api_version_ok(
                   path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size()))) {
      reply = errors(404, "Not Found");
    } else {
      const auto delay = reply.delay;
      reply = orders_json(call);
      reply.delay = delay;
    }
  }
  call.status = reply.status;
  calls.push_back(std::move(call));
  return reply;
}

FakeShopifyServer::FakeShopifyServer(std::string access_token, std::uint16_t port)
    : impl_(std::make_unique<Impl>()) {
  impl_->token = std::move(access_token);
  impl_->http = std::make_unique<FakeHttpServer>(
      port, [impl = impl_.get()](const FakeHttpRequest& request) { return impl->handle(request); });
}

FakeShopifyServer::~FakeShopifyServer() {
  stop();
}

std::uint16_t FakeShopifyServer::port() const {
  return impl_->http->port();
}

std::string FakeShopifyServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port());
}

void FakeShopifyServer::stop() {
  impl_->http->stop();
}

void FakeShopifyServer::put_order(const json::object& order) {
  std::lock_guard lock(impl_->mutex);
  const json::value* id = order.if_contains("id");
  auto same = std::find_if(impl_->orders.begin(), impl_->orders.end(), [&](const json::object& o) {
    return id != nullptr && o.if_contains("id") != nullptr && o.at("id") == *id;
  });
  if (same != impl_->orders.end()) {
    *same = order;
  } else {
    impl_->orders.push_back(order);
  }
}

void FakeShopifyServer::set_fault(FakeShopifyFault fault, int count, unsigned status,
                                  std::chrono::milliseconds delay) {
  std::lock_guard lock(impl_->mutex);
  impl_->fault = fault;
  impl_->fault_count = count;
  impl_->fault_status = status;
  impl_->fault_delay = delay;
}

void FakeShopifyServer::set_retry_after(std::optional<std::string> value) {
  std::lock_guard lock(impl_->mutex);
  impl_->retry_after = std::move(value);
}

std::vector<FakeShopifyCall> FakeShopifyServer::calls() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->calls;
}

std::size_t FakeShopifyServer::call_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->calls.size();
}

void FakeShopifyServer::clear_calls() {
  std::lock_guard lock(impl_->mutex);
  impl_->calls.clear();
}

namespace {

// Shopify's own format: local time with the shop's offset (here -05:00), no fraction.
std::string shop_time(std::int64_t epoch_ms) {
  using namespace std::chrono;
  const sys_seconds local =
      floor<seconds>(sys_time<milliseconds>(milliseconds(epoch_ms))) - hours(5);
  const sys_days day = floor<days>(local);
  const year_month_day ymd(day);
  const hh_mm_ss<seconds> time(local - day);
  char out[32];
  std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02d:%02d:%02d-05:00",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()));
  return out;
}

}  // namespace

json::object shopify_order_fixture(std::int64_t id, const std::string& number,
                                   const std::string& email, std::int64_t now_ms) {
  constexpr std::int64_t kDay = 86'400'000;
  return json::object{
      {"id", id},
      {"name", "#" + number},
      {"email", email},
      {"phone", nullptr},
      {"created_at", shop_time(now_ms - 2 * kDay)},
      {"closed_at", nullptr},
      {"cancelled_at", nullptr},
      {"financial_status", "paid"},
      {"fulfillment_status", "fulfilled"},
      {"order_status_url", "https://shop.example.com/orders/" + std::to_string(id) + "/status"},
      {"tags", "vip, gift"},
      {"shipping_lines", json::array{json::object{{"title", "Standard Shipping"}}}},
      {"shipping_address",
       json::object{{"address1", "1 Secret Lane"}, {"city", "Springfield"}, {"phone", nullptr}}},
      {"line_items", json::array{json::object{{"title", "Blender"}, {"quantity", 1}}}},
      {"fulfillments",
       json::array{json::object{{"status", "success"},
                                {"created_at", shop_time(now_ms - kDay)},
                                {"tracking_company", "UPS"},
                                {"tracking_number", "1Z999AA10123456784"},
                                {"tracking_numbers", json::array{"1Z999AA10123456784"}},
                                {"tracking_url", nullptr},
                                {"tracking_urls", json::array()}}}},
  };
}

}  // namespace rpmw::fakes
