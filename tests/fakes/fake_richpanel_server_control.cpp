// The control API of the fake Richpanel, for process-level tests (documented in
// fake_richpanel_server_main.cpp). No key, not recorded, never faulted or rate limited.
#include "tests/fakes/fake_richpanel_server_state.h"

namespace rpmw::fakes::detail {
namespace json = boost::json;

namespace {

Reply bad_request(std::string_view why) {
  return json_reply(json::object{{"message", why}}, 400);
}

std::int64_t number_at(const json::object& o, std::string_view key, std::int64_t fallback) {
  const auto* n = o.if_contains(key);
  return n != nullptr && n->is_int64() ? n->get_int64() : fallback;
}

bool bool_at(const json::object& o, std::string_view key, bool fallback) {
  const auto* b = o.if_contains(key);
  return b != nullptr && b->is_bool() ? b->get_bool() : fallback;
}

json::array call_log(const std::vector<FakeRichpanelCall>& log) {
  json::array out;
  for (const auto& c : log) {
    out.push_back(json::object{{"method", c.method},
                               {"path", c.path},
                               {"target", c.target},
                               {"body", c.body},
                               {"status", c.status},
                               {"delivered", c.delivered}});
  }
  return out;
}

}  // namespace

Reply ServerState::control(const std::vector<std::string>& seg, const std::string& method,
                           const std::string& text) {
  const std::string what = seg.size() >= 2 ? seg[1] : std::string();
  const bool post = method == "POST";
  if (method == "GET" && what == "calls" && seg.size() == 2) return json_reply(call_log(log));
  if (method == "GET" && what == "tickets" && seg.size() == 3) {
    const auto it = data.tickets.find(seg[2]);
    return it == data.tickets.end() ? not_found()
                                    : json_reply(json::object{{"ticket", it->second}});
  }
  if (post && what == "reset" && seg.size() == 2) {
    log.clear();
    fault = FakeRichpanelFault::none;
    fault_count = 0;
    fault_match.clear();
    fault_after_apply = false;
    rate = {};
    retry_after_seconds = 1;
    window_retry_after.reset();
    reset_rate_window();
    return json_reply(json::object());
  }
  if (!post || seg.size() != 2) return not_found();

  boost::system::error_code ec;
  const json::value body = json::parse(text, ec);
  const json::object* o = ec ? nullptr : body.if_object();
  if (o == nullptr) return bad_request("body must be a JSON object");

  if (what == "tickets") {
    if (string_at(*unwrap(body, "ticket"), "id").empty()) return bad_request("ticket id missing");
    put_ticket(body);
    return json_reply(json::object());
  }
  if (what == "orders") {
    const std::string ticket_id = string_at(*o, "ticket_id");
    const json::value* order = o->if_contains("order");
    if (ticket_id.empty() || order == nullptr || !order->is_object()) {
      return bad_request("ticket_id and order are required");
    }
    std::string app = string_at(*o, "app_client_id");
    link_order(ticket_id, *order, app.empty() ? "shopify-app-1" : app);
    return json_reply(json::object());
  }
  if (what == "tags") {
    const json::value* names = o->if_contains("names");
    if (names == nullptr || !names->is_array()) return bad_request("names must be an array");
    std::int64_t added = 0;
    for (const json::value& name : names->get_array()) {
      if (name.is_string() && add_tag(std::string(name.get_string()), {})) ++added;
    }
    return json_reply(json::object{{"added", added}, {"total", data.tags.size()}});
  }
  if (what == "faults") {
    const auto parsed = parse_fake_richpanel_fault(string_at(*o, "fault"));
    if (!parsed) return invalid({"fault", nullptr});
    fault = *parsed;
    fault_count = static_cast<int>(number_at(*o, "count", 1));
    fault_status = static_cast<unsigned>(number_at(*o, "status", 500));
    fault_delay = std::chrono::milliseconds(number_at(*o, "delay_ms", 0));
    fault_match = string_at(*o, "match");
    const json::value* after = o->if_contains("after_apply");
    fault_after_apply = after != nullptr && after->is_bool() && after->get_bool();
    return json_reply(json::object());
  }
  if (what == "rate_limit") {
    rate.limit = static_cast<int>(number_at(*o, "limit", 0));
    rate.window = std::chrono::milliseconds(number_at(*o, "window_ms", 30000));
    rate.send_retry_after = bool_at(*o, "retry_after", true);
    window_retry_after.reset();
    if (o->contains("retry_after_seconds")) {
      retry_after_seconds = static_cast<int>(number_at(*o, "retry_after_seconds", 1));
      window_retry_after = retry_after_seconds;
    }
    reset_rate_window();
    return json_reply(json::object());
  }
  return not_found();
}

}  // namespace rpmw::fakes::detail
