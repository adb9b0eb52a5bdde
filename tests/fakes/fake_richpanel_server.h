#pragma once
// A Richpanel REST server on 127.0.0.1 for tests, faithful to the quirks in spec/04: key check
// (401), percent-decoded path ids, 404 on unknown ids, the update rules (wrapped bodies, OPEN /
// CLOSED only, `state` ignored), operator comments for send-message and comment updates, tag
// union/removal, linked orders and orders from fixtures, the account lists (users with the bot
// operator, paginated tags with create, teams under "team", channels), customers by email,
// a rate limit with the documented headers, and injected faults. Every request is recorded.
// Thread-safe; settings can change at any time.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

namespace rpmw::fakes {

struct FakeRichpanelCall {
  std::string method;
  std::string path;                            // percent-decoded, without the query
  std::string target;                          // as received
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  unsigned status = 0;     // what the fake answered
  bool delivered = false;  // send-message that reached an email customer
};

enum class FakeRichpanelFault {
  none,
  server_error,  // answer `status` (default 500)
  rate_limited,  // 429, with Retry-After unless the rate limit says to omit it
  delay,         // answer normally after `delay` (a client with a shorter timeout times out)
};

// "none", "server_error", "rate_limited", "delay" (the control API's names).
std::optional<FakeRichpanelFault> parse_fake_richpanel_fault(std::string_view name);

struct FakeRichpanelRateLimit {
  int limit = 0;  // requests per window; 0 = unlimited
  std::chrono::milliseconds window{30000};
  bool send_retry_after = true;  // real tenants sometimes omit it
};

class FakeRichpanelServer {
 public:
  static constexpr const char* kDefaultKey = "rp-test-key";
  static constexpr const char* kOperatorId = "fake-operator";  // the bot agent in /v1/users
  static constexpr const char* kOperatorName = "Fake Operator";

  explicit FakeRichpanelServer(std::string api_key = kDefaultKey, std::uint16_t port = 0);
  ~FakeRichpanelServer();
  FakeRichpanelServer(const FakeRichpanelServer&) = delete;
  FakeRichpanelServer& operator=(const FakeRichpanelServer&) = delete;

  std::uint16_t port() const;
  std::string base_url() const;  // http://127.0.0.1:<port> (paths add /v1/...)
  void stop();                   // idempotent; held answers are dropped

  // A ticket object, bare or under "ticket"; its "id" is the (decoded) key. Replaces any other.
  void put_ticket(const boost::json::value& ticket);
  std::optional<boost::json::object> ticket(const std::string& id) const;
  // Links an order to a ticket. `order_json` is served as given (bare or under "order"); its
  // orderId (at the top or under "order") names it.
  void link_order(const std::string& ticket_id, const boost::json::value& order_json,
                  const std::string& app_client_id = "shopify-app-1");

  // Account fixtures. Tags are served in the order added; an existing name is left alone and
  // add_tag returns false. Teams and channels replace the defaults (Email Support Team; email
  // and livechat channels).
  bool add_tag(const std::string& name, const std::string& description = {});
  std::vector<std::string> tag_names() const;
  void set_extra_user(const std::string& id, const std::string& name);  // listed after the bot
  void set_teams(const std::vector<std::string>& names);
  void set_max_per_page(int max_per_page);  // GET /v1/tags page size cap (default 100)

  // The next `count` requests (control API excluded) fail or wait as `fault` says.
  void set_fault(FakeRichpanelFault fault, int count, unsigned status = 500,
                 std::chrono::milliseconds delay = std::chrono::milliseconds(0));
  // Limits the fault to calls whose "METHOD /decoded/path" equals `match` (empty: any call);
  // `after_apply`: a server_error fault lets the call do its work first (a 5xx after the write
  // landed). A delay always answers after doing the work.
  void set_fault_match(std::string match, bool after_apply);
  void set_rate_limit(FakeRichpanelRateLimit limit);
  void set_retry_after_seconds(int seconds);  // sent with 429s (default 1)
  // 400 answers as the bare error array instead of {"errors": [...]}.
  void set_bare_error_array(bool bare);

  std::vector<FakeRichpanelCall> calls() const;
  std::size_t call_count() const;
  void clear_calls();
  // Clears the call log, faults and the rate limit (fixtures stay).
  void reset();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rpmw::fakes
