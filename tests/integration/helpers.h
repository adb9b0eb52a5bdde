#pragma once
// Shared helpers for the integration tests (request builders, body checks, DB polling).
#include <boost/json.hpp>
#include <map>
#include <string>
#include <vector>

#include "tests/support/support.h"

namespace rpmw::itest {

using namespace rpmw::testing;
namespace json = boost::json;

inline constexpr auto kPollTimeout = std::chrono::seconds(30);

// Content-Type + the default token header.
Headers webhook_headers(const std::string& token = kWebhookToken);

// {"ticket_id":..., "message_id":... (omitted when empty), "trigger":"customer_message", extra...}
std::string webhook_body(const std::string& ticket_id, const std::string& message_id = {},
                         const json::object& extra = {});

HttpResponse post_webhook(HttpClient& client, const RpmwServer& server, const std::string& body,
                          const Headers& extra_headers = {});

// The body as a JSON object (empty object if it is not one).
json::object parse_object(const std::string& body);

// "<prefix><26 Crockford base32 characters>", e.g. evt_01J... / trc_01J...
bool is_prefixed_ulid(const std::string& value, const std::string& prefix);

// event_id of a 202 (or 200 duplicate) answer, "" otherwise.
std::string event_id_of(const HttpResponse& response);

// Lower-case hex HMAC-SHA256 (OpenSSL; independent of the server's own implementation).
std::string hmac_sha256_hex(const std::string& key, const std::string& message);

// Opens the server's DB once it exists; rows of state_decisions by query.
long long decision_count(const RpmwServer& server);
bool wait_for_decisions(const RpmwServer& server, long long at_least,
                        std::chrono::milliseconds timeout = kPollTimeout);
// Polls /metrics until rpmw_queue_depth equals `depth`.
bool wait_for_queue_depth(const RpmwServer& server, double depth,
                          std::chrono::milliseconds timeout = kPollTimeout);

long long epoch_seconds_now();

// The newest decision record stored for `ticket` (REQUIREs one).
json::object latest_decision(const RpmwServer& server, const std::string& ticket);
// Posts a webhook for `ticket` (202 required) and waits for decision number `before + 1`.
json::object deliver_and_decide(RpmwServer& server, const std::string& ticket,
                                const std::string& message_id, long long before);

// One finished `rpmw` CLI run.
struct Run {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs `$RPMW_BIN args…` to completion (60 s at most) with `env` added to the environment (an
// empty value is left out); its output files are `dir/name.out|err`.
Run run_rpmw(const std::vector<std::string>& args, const TempDir& dir, const std::string& name,
             const std::map<std::string, std::string>& env = {});

}  // namespace rpmw::itest
