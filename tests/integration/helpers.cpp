#include "tests/integration/helpers.h"

#include <doctest/doctest.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace rpmw::itest {

Headers webhook_headers(const std::string& token) {
  return {{"Content-Type", "application/json"}, {"X-Middleware-Token", token}};
}

std::string webhook_body(const std::string& ticket_id, const std::string& message_id,
                         const json::object& extra) {
  json::object obj;
  obj["ticket_id"] = ticket_id;
  if (!message_id.empty()) obj["message_id"] = message_id;
  obj["trigger"] = "customer_message";
  for (const auto& kv : extra) obj[kv.key()] = kv.value();
  return json::serialize(obj);
}

HttpResponse post_webhook(HttpClient& client, const RpmwServer& server, const std::string& body,
                          const Headers& extra_headers) {
  Headers headers = webhook_headers();
  headers.insert(headers.end(), extra_headers.begin(), extra_headers.end());
  return client.request("POST", server.webhook_url(), headers, body);
}

json::object parse_object(const std::string& body) {
  std::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  return v.get_object();
}

bool is_prefixed_ulid(const std::string& value, const std::string& prefix) {
  if (value.size() != prefix.size() + 26 || !value.starts_with(prefix)) return false;
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  for (std::size_t i = prefix.size(); i < value.size(); ++i) {
    if (kAlphabet.find(value[i]) == std::string_view::npos) return false;
  }
  return true;
}

std::string event_id_of(const HttpResponse& response) {
  if (response.status != 202 && response.status != 200) return {};
  const json::object obj = parse_object(response.body);
  const json::value* id = obj.if_contains("event_id");
  return id != nullptr && id->is_string() ? std::string(id->get_string()) : std::string();
}

std::string hmac_sha256_hex(const std::string& key, const std::string& message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

long long decision_count(const RpmwServer& server) {
  SqliteReader db(server.db_path());
  return db.scalar("SELECT count(*) FROM state_decisions");
}

bool wait_for_decisions(const RpmwServer& server, long long at_least,
                        std::chrono::milliseconds timeout) {
  return poll_until(
      deadline_in(timeout), [&] { return decision_count(server) >= at_least; },
      std::chrono::milliseconds(50));
}

bool wait_for_queue_depth(const RpmwServer& server, double depth,
                          std::chrono::milliseconds timeout) {
  return poll_until(
      deadline_in(timeout),
      [&] {
        const auto d = server.metric("rpmw_queue_depth");
        return d && *d == depth;
      },
      std::chrono::milliseconds(50));
}

long long epoch_seconds_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Run run_rpmw(const std::vector<std::string>& args, const TempDir& dir, const std::string& name,
             const std::map<std::string, std::string>& env) {
  ProcessOptions options;
  options.program = RpmwServer::binary();
  options.args = args;
  for (const auto& [k, v] : env) {
    if (!v.empty()) options.env.emplace_back(k, v);
  }
  options.stdout_path = dir / (name + ".out");
  options.stderr_path = dir / (name + ".err");
  Process process(options);
  Run run;
  run.code = process.wait_exit(deadline_in(std::chrono::seconds(60))).value_or(-1);
  run.out = read_file(options.stdout_path);
  run.err = read_file(options.stderr_path);
  return run;
}

json::object latest_decision(const RpmwServer& server, const std::string& ticket) {
  SqliteReader db(server.db_path());
  auto rows = db.query(
      "SELECT json FROM state_decisions WHERE ticket_id = ? ORDER BY id DESC LIMIT 1", {ticket});
  REQUIRE(rows.size() == 1);
  return parse_object(rows[0][0]);
}

json::object deliver_and_decide(RpmwServer& server, const std::string& ticket,
                                const std::string& message_id, long long before) {
  HttpClient client;
  REQUIRE(post_webhook(client, server, webhook_body(ticket, message_id)).status == 202);
  REQUIRE(wait_for_decisions(server, before + 1));
  return latest_decision(server, ticket);
}

}  // namespace rpmw::itest
