#pragma once
// Internals of FakeRichpanelServer, shared by its source files (not for tests to include): the
// fixtures, the call log and the route handlers. Every member is used under `mutex`.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "tests/fakes/fake_http_server.h"
#include "tests/fakes/fake_richpanel_server.h"

namespace rpmw::fakes::detail {

struct Reply {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body = "{}";
  std::chrono::milliseconds delay{0};
};

// One entry of a 400 errors body; the value is echoed like the real API does.
struct Invalid {
  std::string param;
  boost::json::value value;
};

// A request after the key, fault and rate checks: decoded and raw path segments, query, body.
struct Routed {
  const std::vector<std::string>& seg;
  const std::vector<std::string_view>& raw;
  const std::map<std::string, std::string>& query;
  const std::string& method;
  const boost::json::value& body;
  FakeRichpanelCall& call;
};

std::string message_body(std::string_view message);
std::string string_at(const boost::json::object& o, std::string_view key);
// The object under `key` when there is one, else the value itself when it is an object.
const boost::json::object* unwrap(const boost::json::value& value, std::string_view key);
Reply json_reply(const boost::json::value& body, unsigned status = 200);
Reply not_found();

struct Fixtures {
  std::map<std::string, boost::json::object> tickets;
  std::map<std::string, boost::json::object> links;  // ticket id → {orderId, appClientId}
  std::map<std::pair<std::string, std::string>, boost::json::value> orders;  // (app, id) → body
  std::vector<boost::json::object> tags;                                     // creation order
  std::vector<boost::json::object> users;  // the bot operator first
  std::vector<boost::json::object> teams;
  std::vector<boost::json::object> channels;
  std::uint64_t next_tag = 1;
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
  std::string fault_match;         // "METHOD /decoded/path" the fault is limited to; empty: any
  bool fault_after_apply = false;  // the call does its work, then answers the fault status
  FakeRichpanelRateLimit rate;
  int retry_after_seconds = 1;            // Retry-After of injected 429s
  std::optional<int> window_retry_after;  // of rate-limit 429s; unset: the window's rest
  std::chrono::steady_clock::time_point window_start = std::chrono::steady_clock::now();
  int window_used = 0;
  bool bare_errors = false;
  int max_per_page = 100;
  std::uint64_t next_comment = 1;

  ServerState();

  // fake_richpanel_server.cpp: the entry point, checks in the documented order.
  Reply handle(const FakeHttpRequest& request);
  bool over_rate_limit(Reply& reply);
  bool matches_fault(const FakeRichpanelCall& call) const {
    return fault_match.empty() || fault_match == call.method + " " + call.path;
  }
  void reset_rate_window();
  Reply invalid(const Invalid& why) const;

  // fake_richpanel_server_tickets.cpp: tickets, orders.
  void put_ticket(const boost::json::value& value);
  void link_order(const std::string& ticket_id, const boost::json::value& order_json,
                  const std::string& app_client_id);
  std::optional<Reply> route_tickets(const Routed& r);
  Reply update(boost::json::object& ticket, const boost::json::value& body);
  Reply tags(boost::json::object& ticket, const boost::json::value& body, bool add);
  Reply send_message(boost::json::object& ticket, const boost::json::value& body,
                     FakeRichpanelCall& call);
  void append_comment(boost::json::object& ticket, std::string author, std::string body,
                      std::string type);

  // fake_richpanel_server_account.cpp: users, tags, teams, channels, customers.
  std::optional<Reply> route_account(const Routed& r);
  bool add_tag(const std::string& name, const std::string& description);
  void set_extra_user(const std::string& id, const std::string& name);

  // fake_richpanel_server_control.cpp: the control API (no key, not recorded, no faults).
  Reply control(const std::vector<std::string>& seg, const std::string& method,
                const std::string& body);
};

}  // namespace rpmw::fakes::detail
