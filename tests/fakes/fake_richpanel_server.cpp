#include "tests/fakes/fake_richpanel_server.h"
#include "tests/fakes/fake_http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace rpmw::fakes {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

namespace {

constexpr const char* kCreatedAt = "2026-02-10T03:40:01.120Z";

struct Reply {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body = "{}";
  std::chrono::milliseconds delay{0};
};

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

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') path.remove_prefix(1);
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return out;
}

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

// One entry of a 400 errors body; the value is echoed like the real API does.
struct Invalid {
  std::string param;
  json::value value;
};

struct Fixtures {
  std::map<std::string, json::object> tickets;
  std::map<std::string, json::object> links;  // ticket id → {orderId, appClientId}
  std::map<std::pair<std::string, std::string>, json::value> orders;  // (app, orderId) → body
};

struct ServerState {
  mutable std::mutex mutex;
  std::string key;
  Fixtures data;
  std::vector<FakeRichpanelCall> log;
  FakeRichpanelFault fault = FakeRichpanelFault::none;
  int fault_count = 0;
  unsigned fault_status = 500;
  std::chrono::milliseconds fault_delay{0};
  FakeRichpanelRateLimit rate;
  int retry_after_seconds = 1;
  std::chrono::steady_clock::time_point window_start = std::chrono::steady_clock::now();
  int window_used = 0;
  bool bare_errors = false;
  std::uint64_t next_comment = 1;

  void put_ticket(const json::value& value) {
    const json::object* t = unwrap(value, "ticket");
    if (t == nullptr) return;
    const std::string id = string_at(*t, "id");
    if (!id.empty()) data.tickets[id] = *t;
  }

  Reply invalid(const Invalid& why) const {
    json::array errors{json::object{{"value", why.value},
                                    {"msg", "Invalid value"},
                                    {"param", why.param},
                                    {"location", "body"}}};
    Reply reply;
    reply.status = 400;
    reply.body = bare_errors ? json::serialize(errors)
                             : json::serialize(json::object{{"errors", std::move(errors)}});
    return reply;
  }

  void append_comment(json::object& ticket, std::string author, std::string body,
                      std::string type) {
    json::value& comments = ticket["comments"];
    if (!comments.is_array()) comments = json::array();
    const std::string channel = channel_of(ticket);
    comments.as_array().push_back(json::object{
        {"id", "fake-comment-" + std::to_string(next_comment++)},
        {"author_id", std::move(author)},
        {"created_at", kCreatedAt},
        {"body", body},
        {"plain_body", body},
        {"type", std::move(type)},
        {"is_operator", true},
        {"attachments", json::array()},
        {"via", {{"channel", channel}, {"isOperator", true}}},
    });
  }

  static std::string channel_of(const json::object& ticket) {
    if (const auto* via = ticket.if_contains("via"); via != nullptr && via->is_object()) {
      return string_at(via->get_object(), "channel");
    }
    return string_at(ticket, "channel");
  }

  Reply update(json::object& ticket, const json::value& body) {
    const json::object* top = body.if_object();
    if (top == nullptr) return invalid({"ticket", nullptr});
    for (const auto& [name, value] : *top) {
      if (name != "ticket") return invalid({std::string(name), value});  // unwrapped field
    }
    const json::value* wrapped = top->if_contains("ticket");
    if (wrapped == nullptr || !wrapped->is_object()) return invalid({"ticket", nullptr});
    const json::object& fields = wrapped->get_object();
    const json::value* status = fields.if_contains("status");
    if (status != nullptr && (!status->is_string() || (status->get_string() != "OPEN" &&
                                                       status->get_string() != "CLOSED"))) {
      return invalid({"ticket.status", *status});
    }
    const json::value* comment = fields.if_contains("comment");
    const json::string* comment_body = nullptr;
    if (comment != nullptr) {
      const auto* c = comment->if_object();
      const auto* b = c != nullptr ? c->if_contains("body") : nullptr;
      if (b == nullptr || !b->is_string()) return invalid({"ticket.comment.body", nullptr});
      comment_body = &b->get_string();
    }
    const json::value* assignee = fields.if_contains("assignee_id");
    if (assignee != nullptr && !assignee->is_string()) {
      return invalid({"ticket.assignee_id", *assignee});
    }
    // Valid: apply. `state` is accepted and ignored, like the real API.
    if (status != nullptr) ticket["status"] = *status;
    if (assignee != nullptr) ticket["assignee_id"] = *assignee;
    if (comment_body != nullptr) {
      std::string type = string_at(comment->get_object(), "type");
      append_comment(ticket, operator_id(), std::string(*comment_body),
                     type.empty() ? "public" : type);
    }
    Reply reply;
    reply.body = json::serialize(json::object{{"ticket", ticket}});
    return reply;
  }

  static std::string operator_id() { return FakeRichpanelServer::kOperatorId; }

  static std::optional<std::vector<std::string>> tag_list(const json::value& body) {
    const auto* top = body.if_object();
    const auto* tags = top != nullptr ? top->if_contains("tags") : nullptr;
    if (tags == nullptr || !tags->is_array()) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& t : tags->get_array()) {
      if (!t.is_string()) return std::nullopt;
      out.emplace_back(t.get_string());
    }
    return out;
  }

  Reply tags(json::object& ticket, const json::value& body, bool add) {
    const auto names = tag_list(body);
    if (!names) return invalid({"tags", nullptr});
    json::value& current = ticket["tags"];
    if (!current.is_array()) current = json::array();
    json::array& list = current.as_array();
    for (const auto& name : *names) {
      const auto it = std::find_if(list.begin(), list.end(), [&](const json::value& v) {
        return v.is_string() && v.get_string() == name;
      });
      if (add && it == list.end()) list.emplace_back(name);
      if (!add && it != list.end()) list.erase(it);
    }
    return {};
  }

  Reply send_message(json::object& ticket, const json::value& body, FakeRichpanelCall& call) {
    const auto* top = body.if_object();
    const auto* text = top != nullptr ? top->if_contains("body") : nullptr;
    const auto* author = top != nullptr ? top->if_contains("author_id") : nullptr;
    if (text == nullptr || !text->is_string()) return invalid({"body", nullptr});
    if (author == nullptr || !author->is_string()) return invalid({"author_id", nullptr});
    append_comment(ticket, std::string(author->get_string()), std::string(text->get_string()),
                   "public");
    call.delivered = channel_of(ticket).starts_with("email");
    return {};
  }

  // Routes /v1/... after the key, fault and rate checks. `raw` are the undecoded segments.
  Reply route(const std::vector<std::string>& seg, const std::vector<std::string_view>& raw,
              const std::string& method, const std::string& body_text, FakeRichpanelCall& call) {
    Reply not_found;
    not_found.status = 404;
    not_found.body = message_body("Not Found");
    if (seg.size() < 2 || seg[0] != "v1") return not_found;
    boost::system::error_code ec;
    json::value body = body_text.empty() ? json::value() : json::parse(body_text, ec);
    if (ec) return invalid({"body", nullptr});

    if (seg[1] == "users" && seg.size() == 2 && method == "GET") {
      Reply reply;
      reply.body = json::serialize(
          json::object{{"users", json::array{json::object{{"id", operator_id()}}}}});
      return reply;
    }
    if (seg[1] == "tickets" && seg.size() == 4 && seg[2] == "number") {
      if (method != "GET") return not_found;  // read-only
      for (const auto& [id, ticket] : data.tickets) {
        const json::value* number = ticket.if_contains("conversation_no");
        if (number == nullptr) continue;
        const std::string text =
            number->is_string() ? std::string(number->get_string()) : json::serialize(*number);
        if (text == seg[3]) {
          Reply reply;
          reply.body = json::serialize(json::object{{"ticket", ticket}});
          return reply;
        }
      }
      return not_found;
    }
    if (seg[1] == "tickets" && (seg.size() == 3 || seg.size() == 4)) {
      const auto it = data.tickets.find(seg[2]);
      if (it == data.tickets.end()) return not_found;
      if (method == "GET" && seg.size() == 3) {
        Reply reply;
        reply.body = json::serialize(json::object{{"ticket", it->second}});
        return reply;
      }
      if (method != "PUT") return not_found;
      // Observed on a real tenant: an unencoded Message-ID on a write endpoint → 200, no change.
      if (raw[2].find_first_of("<>@+=") != std::string_view::npos) return {};
      if (seg.size() == 3) return update(it->second, body);
      if (seg[3] == "add-tags") return tags(it->second, body, true);
      if (seg[3] == "remove-tags") return tags(it->second, body, false);
      if (seg[3] == "send-message") return send_message(it->second, body, call);
      return not_found;
    }
    if (seg[1] == "order" && method == "GET" && seg.size() == 3) {
      if (!data.tickets.contains(seg[2]) && !data.links.contains(seg[2])) return not_found;
      const auto link = data.links.find(seg[2]);
      Reply reply;
      reply.body = link == data.links.end() ? "{}" : json::serialize(link->second);
      return reply;
    }
    if (seg[1] == "order" && method == "GET" && seg.size() == 4) {
      const auto order = data.orders.find({seg[2], seg[3]});
      if (order == data.orders.end()) return not_found;
      Reply reply;
      reply.body = json::serialize(order->second);
      return reply;
    }
    return not_found;
  }

  // Control API for process-level tests: no key, not recorded, no faults.
  Reply control(const std::string& path, const std::string& method, const std::string& body) {
    Reply reply;
    boost::system::error_code ec;
    if (path == "/_control/tickets" && method == "POST") {
      const json::value ticket = json::parse(body, ec);
      if (ec) return invalid({"body", nullptr});
      put_ticket(ticket);
      return reply;
    }
    if (path == "/_control/faults" && method == "POST") {
      const json::value v = json::parse(body, ec);
      const json::object* o = ec ? nullptr : v.if_object();
      if (o == nullptr) return invalid({"body", nullptr});
      const auto number = [&](std::string_view key, std::int64_t fallback) {
        const auto* n = o->if_contains(key);
        return n != nullptr && n->is_int64() ? n->get_int64() : fallback;
      };
      const auto parsed = parse_fake_richpanel_fault(string_at(*o, "fault"));
      if (!parsed) return invalid({"fault", nullptr});
      fault = *parsed;
      fault_count = static_cast<int>(number("count", 1));
      fault_status = static_cast<unsigned>(number("status", 500));
      fault_delay = std::chrono::milliseconds(number("delay_ms", 0));
      return reply;
    }
    if (path == "/_control/calls" && method == "GET") {
      json::array out;
      for (const auto& c : log) {
        out.push_back(json::object{{"method", c.method},
                                   {"path", c.path},
                                   {"body", c.body},
                                   {"status", c.status},
                                   {"delivered", c.delivered}});
      }
      reply.body = json::serialize(out);
      return reply;
    }
    reply.status = 404;
    reply.body = message_body("Not Found");
    return reply;
  }

  Reply handle(const bhttp::request<bhttp::string_body>& msg) {
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
    const std::string_view raw_path =
        std::string_view(call.target)
            .substr(0, std::min(call.target.find('?'), call.target.size()));
    const std::vector<std::string_view> raw = split_path(raw_path);
    std::vector<std::string> seg;
    bool decoded_ok = true;
    for (const auto r : raw) {
      auto d = decode(r);
      decoded_ok = decoded_ok && d.has_value();
      seg.push_back(d.value_or(std::string()));
      call.path += "/" + seg.back();
    }

    std::lock_guard lock(mutex);
    if (call.path.starts_with("/_control/")) return control(call.path, call.method, call.body);

    Reply reply;
    const auto given = msg.find("x-richpanel-key");
    if (given == msg.end() || given->value() != key) {
      reply.status = 401;
      reply.body = message_body("Unauthorized");
    } else if (fault_count > 0 && fault != FakeRichpanelFault::none &&
               fault != FakeRichpanelFault::delay) {
      --fault_count;
      reply.status = fault == FakeRichpanelFault::server_error ? fault_status : 429;
      reply.body = message_body(reply.status == 429 ? "Too Many Requests" : "Server Error");
      if (reply.status == 429 && rate.send_retry_after) {
        reply.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
      }
    } else if (over_rate_limit(reply)) {  // fills in the 429
    } else if (!decoded_ok) {
      reply = invalid({"path", nullptr});
    } else {
      reply = route(seg, raw, call.method, call.body, call);
    }
    if (fault == FakeRichpanelFault::delay && fault_count > 0) {
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

  bool over_rate_limit(Reply& reply) {
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
      reply.headers.emplace_back("Retry-After", std::to_string(std::max<long>(1, left.count())));
    }
    return true;
  }
};

}  // namespace

std::optional<FakeRichpanelFault> parse_fake_richpanel_fault(std::string_view name) {
  if (name == "none") return FakeRichpanelFault::none;
  if (name == "server_error") return FakeRichpanelFault::server_error;
  if (name == "rate_limited") return FakeRichpanelFault::rate_limited;
  if (name == "delay") return FakeRichpanelFault::delay;
  return std::nullopt;
}

struct FakeRichpanelServer::Impl {
  ServerState state;  // first: outlives the server that calls into it
  std::unique_ptr<FakeHttpServer> http;
};

FakeRichpanelServer::FakeRichpanelServer(std::string api_key, std::uint16_t port)
    : impl_(std::make_unique<Impl>()) {
  impl_->state.key = std::move(api_key);
  impl_->http = std::make_unique<FakeHttpServer>(
      port, [state = &impl_->state](const FakeHttpRequest& request) {
        Reply reply = state->handle(request);
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
  std::lock_guard lock(impl_->state.mutex);
  impl_->state.put_ticket(ticket);
}

std::optional<json::object> FakeRichpanelServer::ticket(const std::string& id) const {
  std::lock_guard lock(impl_->state.mutex);
  const auto it = impl_->state.data.tickets.find(id);
  if (it == impl_->state.data.tickets.end()) return std::nullopt;
  return it->second;
}

void FakeRichpanelServer::link_order(const std::string& ticket_id, const json::value& order_json,
                                     const std::string& app_client_id) {
  const json::object* order = unwrap(order_json, "order");
  const std::string order_id = order != nullptr ? string_at(*order, "orderId") : std::string();
  std::lock_guard lock(impl_->state.mutex);
  impl_->state.data.links[ticket_id] =
      json::object{{"orderId", order_id}, {"appClientId", app_client_id}};
  impl_->state.data.orders[{app_client_id, order_id}] = order_json;
}

void FakeRichpanelServer::set_fault(FakeRichpanelFault fault, int count, unsigned status,
                                    std::chrono::milliseconds delay) {
  std::lock_guard lock(impl_->state.mutex);
  impl_->state.fault = fault;
  impl_->state.fault_count = count;
  impl_->state.fault_status = status;
  impl_->state.fault_delay = delay;
}

void FakeRichpanelServer::set_rate_limit(FakeRichpanelRateLimit limit) {
  std::lock_guard lock(impl_->state.mutex);
  impl_->state.rate = limit;
  impl_->state.window_start = std::chrono::steady_clock::now();
  impl_->state.window_used = 0;
}

void FakeRichpanelServer::set_retry_after_seconds(int seconds) {
  std::lock_guard lock(impl_->state.mutex);
  impl_->state.retry_after_seconds = seconds;
}

void FakeRichpanelServer::set_bare_error_array(bool bare) {
  std::lock_guard lock(impl_->state.mutex);
  impl_->state.bare_errors = bare;
}

std::vector<FakeRichpanelCall> FakeRichpanelServer::calls() const {
  std::lock_guard lock(impl_->state.mutex);
  return impl_->state.log;
}

std::size_t FakeRichpanelServer::call_count() const {
  std::lock_guard lock(impl_->state.mutex);
  return impl_->state.log.size();
}

void FakeRichpanelServer::clear_calls() {
  std::lock_guard lock(impl_->state.mutex);
  impl_->state.log.clear();
}

}  // namespace rpmw::fakes
