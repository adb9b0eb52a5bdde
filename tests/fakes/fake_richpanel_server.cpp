#include "tests/fakes/fake_richpanel_server.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "tests/fakes/fake_http_server.h"
#include "tests/fakes/fake_richpanel_server_state.h"

namespace rpmw::fakes {
namespace json = boost::json;

namespace detail {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes one path segment; '+' stays '+' (it means space only in query strings).
std::optional<std::string> decode(std::string_view raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%') {
      out.push_back(raw[i]);
      continue;
    }
    if (i + 2 >= raw.size()) return std::nullopt;
    const int hi = hex_value(raw[i + 1]);
    const int lo = hex_value(raw[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char by) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    if (text.front() == by) text.remove_prefix(1);
    const auto at = text.find(by);
    out.push_back(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at);
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  for (const std::string_view pair : split(query, '&')) {
    const auto eq = pair.find('=');
    auto name = decode(pair.substr(0, eq));
    auto value = decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (name && value) out[*name] = *value;
  }
  return out;
}

}  // namespace

std::string message_body(std::string_view message) {
  return json::serialize(json::object{{"message", message}});
}

std::string string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

const json::object* unwrap(const json::value& value, std::string_view key) {
  const auto* o = value.if_object();
  if (o == nullptr) return nullptr;
  if (const auto* inner = o->if_contains(key); inner != nullptr && inner->is_object()) {
    return &inner->get_object();
  }
  return o;
}

Reply json_reply(const json::value& body, unsigned status) {
  Reply reply;
  reply.status = status;
  reply.body = json::serialize(body);
  return reply;
}

Reply not_found() {
  Reply reply;
  reply.status = 404;
  reply.body = message_body("Not Found");
  return reply;
}

ServerState::ServerState() {
  data.users.push_back(json::object{{"id", FakeRichpanelServer::kOperatorId},
                                    {"name", FakeRichpanelServer::kOperatorName},
                                    {"email", "operator@fake-richpanel.test"},
                                    {"role", "agent"}});
  data.teams.push_back(json::object{{"id", "team-1"}, {"name", "Email Support Team"}});
  data.channels.push_back(json::object{{"id", "channel-1"}, {"type", "email"}});
  data.channels.push_back(json::object{{"id", "channel-2"}, {"type", "livechat"}});
}

Reply ServerState::invalid(const Invalid& why) const {
  json::array errors{json::object{
      {"value", why.value}, {"msg", "Invalid value"}, {"param", why.param}, {"location", "body"}}};
  return bare_errors ? json_reply(errors, 400)
                     : json_reply(json::object{{"errors", std::move(errors)}}, 400);
}

void ServerState::reset_rate_window() {
  window_start = std::chrono::steady_clock::now();
  window_used = 0;
}

bool ServerState::over_rate_limit(Reply& reply) {
  if (rate.limit <= 0) return false;
  const auto now = std::chrono::steady_clock::now();
  if (now - window_start >= rate.window) {
    window_start = now;
    window_used = 0;
  }
  if (window_used < rate.limit) {
    ++window_used;
    return false;
  }
  reply.status = 429;
  reply.body = message_body("Too Many Requests");
  if (rate.send_retry_after) {
    const auto left = std::chrono::ceil<std::chrono::seconds>(rate.window - (now - window_start));
    const long seconds = window_retry_after.value_or(std::max<long>(1, left.count()));
    reply.headers.emplace_back("Retry-After", std::to_string(seconds));
  }
  return true;
}

Reply ServerState::handle(const FakeHttpRequest& msg) {
  FakeRichpanelCall call;
  call.method = std::string(msg.method_string());
  call.target = std::string(msg.target());
  call.body = msg.body();
  for (const auto& field : msg) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    call.headers[name] = std::string(field.value());
  }
  const std::size_t question = std::min(call.target.find('?'), call.target.size());
  const std::vector<std::string_view> raw =
      split(std::string_view(call.target).substr(0, question), '/');
  const auto query = parse_query(
      std::string_view(call.target).substr(question).substr(question < call.target.size() ? 1 : 0));
  std::vector<std::string> seg;
  bool decoded_ok = true;
  for (const auto r : raw) {
    auto d = decode(r);
    decoded_ok = decoded_ok && d.has_value();
    seg.push_back(d.value_or(std::string()));
    call.path += "/" + seg.back();
  }

  std::lock_guard lock(mutex);
  if (!seg.empty() && seg[0] == "_control") return control(seg, call.method, call.body);

  Reply reply;
  const auto given = msg.find("x-richpanel-key");
  boost::system::error_code ec;
  const json::value body = call.body.empty() ? json::value() : json::parse(call.body, ec);
  if (given == msg.end() || given->value() != key) {
    reply.status = 401;
    reply.body = message_body("Unauthorized");
  } else if (fault_count > 0 && fault != FakeRichpanelFault::none &&
             fault != FakeRichpanelFault::delay && matches_fault(call) &&
             !(fault_after_apply && fault == FakeRichpanelFault::server_error)) {
    --fault_count;
    reply.status = fault == FakeRichpanelFault::server_error ? fault_status : 429;
    reply.body = message_body(reply.status == 429 ? "Too Many Requests" : "Server Error");
    if (reply.status == 429 && rate.send_retry_after) {
      reply.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
    }
  } else if (over_rate_limit(reply)) {  // fills in the 429
  } else if (!decoded_ok) {
    reply = invalid({"path", nullptr});
  } else if (ec) {
    reply = invalid({"body", nullptr});
  } else if (seg.size() < 2 || seg[0] != "v1") {
    reply = not_found();
  } else {
    const Routed routed{seg, raw, query, call.method, body, call};
    std::optional<Reply> answer = route_tickets(routed);
    if (!answer) answer = route_account(routed);
    reply = answer ? std::move(*answer) : not_found();
    if (fault == FakeRichpanelFault::server_error && fault_after_apply && fault_count > 0 &&
        matches_fault(call)) {
      --fault_count;
      reply.status = fault_status;
      reply.body = message_body("Server Error");
    }
  }
  if (fault == FakeRichpanelFault::delay && fault_count > 0 && matches_fault(call)) {
    --fault_count;
    reply.delay = fault_delay;
  }
  if (rate.limit > 0) {
    reply.headers.emplace_back("X-RateLimit-Limit", std::to_string(rate.limit));
    reply.headers.emplace_back("X-RateLimit-Remaining",
                               std::to_string(std::max(0, rate.limit - window_used)));
  }
  call.status = reply.status;
  log.push_back(std::move(call));
  return reply;
}

}  // namespace detail

std::optional<FakeRichpanelFault> parse_fake_richpanel_fault(std::string_view name) {
  if (name == "none") return FakeRichpanelFault::none;
  if (name == "server_error") return FakeRichpanelFault::server_error;
  if (name == "rate_limited") return FakeRichpanelFault::rate_limited;
  if (name == "delay") return FakeRichpanelFault::delay;
  return std::nullopt;
}

struct FakeRichpanelServer::Impl {
  detail::ServerState state;  // first: outlives the server that calls into it
  std::unique_ptr<FakeHttpServer> http;

  template <class F>
  auto locked(F&& f) {
    std::lock_guard lock(state.mutex);
    return f(state);
  }
};

FakeRichpanelServer::FakeRichpanelServer(std::string api_key, std::uint16_t port)
    : impl_(std::make_unique<Impl>()) {
  impl_->state.key = std::move(api_key);
  impl_->http = std::make_unique<FakeHttpServer>(
      port, [state = &impl_->state](const FakeHttpRequest& request) {
        detail::Reply reply = state->handle(request);
        return FakeHttpReply{reply.status, std::move(reply.headers), std::move(reply.body),
                             reply.delay};
      });
}

FakeRichpanelServer::~FakeRichpanelServer() {
  stop();
}

std::uint16_t FakeRichpanelServer::port() const {
  return impl_->http->port();
}

std::string FakeRichpanelServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->http->port());
}

void FakeRichpanelServer::stop() {
  impl_->http->stop();
}

void FakeRichpanelServer::put_ticket(const json::value& ticket) {
  impl_->locked([&](detail::ServerState& s) { s.put_ticket(ticket); });
}

std::optional<json::object> FakeRichpanelServer::ticket(const std::string& id) const {
  return impl_->locked([&](detail::ServerState& s) -> std::optional<json::object> {
    const auto it = s.data.tickets.find(id);
    if (it == s.data.tickets.end()) return std::nullopt;
    return it->second;
  });
}

void FakeRichpanelServer::link_order(const std::string& ticket_id, const json::value& order_json,
                                     const std::string& app_client_id) {
  impl_->locked(
      [&](detail::ServerState& s) { s.link_order(ticket_id, order_json, app_client_id); });
}

bool FakeRichpanelServer::add_tag(const std::string& name, const std::string& description) {
  return impl_->locked([&](detail::ServerState& s) { return s.add_tag(name, description); });
}

std::vector<std::string> FakeRichpanelServer::tag_names() const {
  return impl_->locked([](detail::ServerState& s) {
    std::vector<std::string> names;
    for (const auto& tag : s.data.tags) names.push_back(detail::string_at(tag, "name"));
    return names;
  });
}

void FakeRichpanelServer::set_extra_user(const std::string& id, const std::string& name) {
  impl_->locked([&](detail::ServerState& s) { s.set_extra_user(id, name); });
}

void FakeRichpanelServer::set_teams(const std::vector<std::string>& names) {
  impl_->locked([&](detail::ServerState& s) {
    s.data.teams.clear();
    for (const auto& name : names) {
      s.data.teams.push_back(
          json::object{{"id", "team-" + std::to_string(s.data.teams.size() + 1)}, {"name", name}});
    }
  });
}

void FakeRichpanelServer::set_max_per_page(int max_per_page) {
  impl_->locked([&](detail::ServerState& s) { s.max_per_page = std::max(1, max_per_page); });
}

void FakeRichpanelServer::set_fault(FakeRichpanelFault fault, int count, unsigned status,
                                    std::chrono::milliseconds delay) {
  impl_->locked([&](detail::ServerState& s) {
    s.fault = fault;
    s.fault_count = count;
    s.fault_status = status;
    s.fault_delay = delay;
  });
}

void FakeRichpanelServer::set_fault_match(std::string match, bool after_apply) {
  impl_->locked([&](detail::ServerState& s) {
    s.fault_match = std::move(match);
    s.fault_after_apply = after_apply;
  });
}

void FakeRichpanelServer::set_rate_limit(FakeRichpanelRateLimit limit) {
  impl_->locked([&](detail::ServerState& s) {
    s.rate = limit;
    s.reset_rate_window();
  });
}

void FakeRichpanelServer::set_retry_after_seconds(int seconds) {
  impl_->locked([&](detail::ServerState& s) { s.retry_after_seconds = seconds; });
}

void FakeRichpanelServer::set_bare_error_array(bool bare) {
  impl_->locked([&](detail::ServerState& s) { s.bare_errors = bare; });
}

std::vector<FakeRichpanelCall> FakeRichpanelServer::calls() const {
  return impl_->locked([](detail::ServerState& s) { return s.log; });
}

std::size_t FakeRichpanelServer::call_count() const {
  return impl_->locked([](detail::ServerState& s) { return s.log.size(); });
}

void FakeRichpanelServer::clear_calls() {
  impl_->locked([](detail::ServerState& s) { s.log.clear(); });
}

void FakeRichpanelServer::reset() {
  impl_->locked([](detail::ServerState& s) {
    s.log.clear();
    s.fault = FakeRichpanelFault::none;
    s.fault_count = 0;
    s.fault_match.clear();
    s.fault_after_apply = false;
    s.rate = {};
    s.retry_after_seconds = 1;
    s.window_retry_after.reset();
    s.reset_rate_window();
  });
}

}  // namespace rpmw::fakes
