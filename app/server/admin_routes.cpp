#include "app/server/admin_routes.h"

#include <boost/json.hpp>

#include <charconv>

#include "adapters/observability/json_line_log.h"
#include "app/server/routes.h"
#include "core/common/crypto.h"
#include "core/ingest/ingress.h"

namespace rpmw::app {
namespace json = boost::json;
using core::ingest::error_body;

namespace {
constexpr std::string_view kPrefix = "/admin/v1/";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size() && hex_value(in[i + 1]) >= 0 &&
        hex_value(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2])));
      i += 2;
    } else {
      out.push_back(plus_is_space && in[i] == '+' ? ' ' : in[i]);
    }
  }
  return out;
}

// A positive limit from the query, clamped to `max`; nullopt when present but not a number.
std::optional<int> parse_limit(std::string_view query, int fallback, int max) {
  const std::string text = admin_query_param(query, "limit");
  if (text.empty()) return fallback;
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1) return std::nullopt;
  return std::min(value, max);
}

// The actor is logged, so it must be a short identifier (no emails, no names with spaces).
bool valid_actor(std::string_view actor) {
  if (actor.empty() || actor.size() > 64) return false;
  for (char c : actor) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

HttpResponse ok_json(const json::value& value) {
  return json_response(200, json::serialize(value));
}

HttpResponse error_response(int status, std::string_view code, std::string_view detail = {}) {
  return json_response(status, error_body(code, detail));
}

HttpResponse not_allowed(const char* allow) {
  HttpResponse response = error_response(405, "method_not_allowed");
  response.headers.emplace_back("Allow", allow);
  return response;
}

int status_of(const core::Error& error) {
  switch (error.kind) {
    case core::ErrorKind::not_found:
      return 404;
    case core::ErrorKind::invalid_input:
      return 400;
    default:
      return 503;
  }
}

json::object letter_json(const core::DeadLetter& letter) {
  using adapters::observability::format_iso8601_ms;
  json::object row;
  row["event_id"] = letter.event_id;
  row["ticket_id"] = letter.group;
  row["trace_id"] = letter.trace_id;
  row["reason"] = letter.reason;
  row["receive_count"] = letter.receive_count;
  row["enqueued_at"] = format_iso8601_ms(letter.enqueued_at);
  row["dead_at"] = format_iso8601_ms(letter.dead_at);
  return row;
}
}  // namespace

std::string admin_query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const std::size_t eq = pair.find('=');
    if (percent_decode(pair.substr(0, eq), true) == name) {
      return eq == std::string_view::npos ? std::string()
                                          : percent_decode(pair.substr(eq + 1), true);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

AdminRoutes::AdminRoutes(AdminRoutesDeps deps) : deps_(std::move(deps)) {
  if (!deps_.admin_token.empty()) token_digest_ = core::sha256_hex(deps_.admin_token);
}

bool AdminRoutes::is_admin_path(const std::string& path) {
  return path.starts_with(kPrefix) || path == "/admin/v1";
}

bool AdminRoutes::authorized(const HttpRequest& request) const {
  constexpr std::string_view kBearer = "Bearer ";
  const std::string_view header = request.header("authorization");
  if (token_digest_.empty() || !header.starts_with(kBearer)) return false;
  // Hashing first makes the comparison independent of the presented token's length.
  return core::constant_time_equal(core::sha256_hex(header.substr(kBearer.size())), token_digest_);
}

void AdminRoutes::audit(std::string_view action, bool ok, int http_status, std::string_view id_key,
                        std::string_view id) {
  const core::LogLevel level = ok ? core::LogLevel::info : core::LogLevel::warn;
  if (!deps_.log.enabled(level)) return;
  core::LogEvent event(level, "admin." + std::string(action) + (ok ? ".success" : ".failed"));
  event.num("http_status", std::int64_t{http_status});
  if (id_key == "ticket_id") {
    event.ticket(id);
  } else if (id_key == "trace_id") {
    event.trace(id);
  } else if (id_key == "flag") {
    event.code("flag", id);
  } else if (!id_key.empty()) {
    event.id(id_key, id);
  }
  deps_.log.write(event);
}

HttpResponse AdminRoutes::handle(const HttpRequest& request) {
  if (!authorized(request)) {
    audit("auth", false, 401);
    return error_response(401, "unauthorized");
  }
  const std::string rest =
      request.path.size() > kPrefix.size() ? request.path.substr(kPrefix.size()) : std::string();
  const std::string& method = request.method;
  if (rest == "status") {
    if (method != "GET") return not_allowed("GET");
    return status();
  }
  if (rest == "decisions") {
    if (method != "GET") return not_allowed("GET");
    return decisions(request);
  }
  if (rest == "flags") {
    if (method != "GET") return not_allowed("GET");
    return flags_get();
  }
  if (rest.starts_with("flags/") && rest.size() > 6 && rest.find('/', 6) == std::string::npos) {
    if (method != "PUT") return not_allowed("PUT");
    return flags_set(percent_decode(rest.substr(6), false), request);
  }
  if (rest == "dlq") {
    if (method != "GET") return not_allowed("GET");
    return dlq_list(request);
  }
  if (rest.starts_with("dlq/") && rest.size() > 4) {
    const std::string tail = rest.substr(4);
    const std::size_t slash = tail.find('/');
    const std::string id = percent_decode(tail.substr(0, slash), false);
    if (slash == std::string::npos) {
      if (method == "GET") return dlq_show(id);
      if (method == "DELETE") return dlq_purge(id);
      return not_allowed("GET, DELETE");
    }
    if (tail.substr(slash) == "/redrive" && !id.empty()) {
      if (method != "POST") return not_allowed("POST");
      return dlq_redrive(id);
    }
  }
  return error_response(404, "not_found");
}

HttpResponse AdminRoutes::status() {
  json::object out;
  out["release"] = deps_.release;
  out["env"] = deps_.env;
  out["uptime_s"] = std::max<std::int64_t>(
      0, std::chrono::duration_cast<std::chrono::seconds>(deps_.clock.now() - deps_.started_at)
             .count());
  const core::flags::FlagSnapshot snapshot = deps_.flags.snapshot();
  json::object flags;
  for (const auto& [name, value] : snapshot.effective) flags[name] = value;
  out["flags"] = std::move(flags);
  out["flags_degraded"] = snapshot.degraded;
  auto stats = deps_.queue.stats();
  if (!stats) {
    audit("status", false, 503);
    return error_response(503, "queue_unavailable", stats.error().code);
  }
  out["queue"] = {{"depth", stats->depth},
                  {"in_flight", stats->in_flight},
                  {"oldest_age_seconds", stats->oldest_age_seconds},
                  {"dlq_depth", stats->dlq_depth}};
  out["versions"] = {{"policy", deps_.versions.policy},
                     {"lexicon", deps_.versions.lexicon},
                     {"rules", deps_.versions.rules},
                     {"templates", deps_.versions.templates}};
  audit("status", true, 200);
  return ok_json(out);
}

HttpResponse AdminRoutes::decisions(const HttpRequest& request) {
  const std::string ticket = admin_query_param(request.query, "ticket_id");
  const std::string trace = admin_query_param(request.query, "trace_id");
  const std::optional<int> limit = parse_limit(request.query, 20, 500);
  if (ticket.empty() == trace.empty() || !limit) {
    audit("decisions", false, 400);
    return error_response(400, "invalid_query",
                          "give exactly one of ticket_id or trace_id, and a positive limit");
  }
  auto records = ticket.empty() ? deps_.state.decisions_for_trace(trace)
                                : deps_.state.decisions_for_ticket(ticket, *limit);
  const std::string_view key = ticket.empty() ? "trace_id" : "ticket_id";
  const std::string& id = ticket.empty() ? trace : ticket;
  if (!records) {
    audit("decisions", false, 503, key, id);
    return error_response(503, "state_unavailable", records.error().code);
  }
  json::array list;
  for (const core::DecisionRecord& record : *records) {
    if (static_cast<int>(list.size()) >= *limit) break;
    boost::system::error_code ec;
    json::value parsed = json::parse(record.json, ec);
    if (ec || !parsed.is_object()) continue;  // stored by us; a bad row is skipped, not fatal
    list.push_back(std::move(parsed));
  }
  audit("decisions", true, 200, key, id);
  return ok_json(json::object{{"decisions", std::move(list)}});
}

HttpResponse AdminRoutes::flags_get() {
  const core::flags::FlagSnapshot snapshot = deps_.flags.snapshot();
  json::object flags;
  for (const auto& [name, value] : snapshot.effective) flags[name] = value;
  audit("flags_get", true, 200);
  return ok_json(json::object{{"flags", std::move(flags)}, {"degraded", snapshot.degraded}});
}

HttpResponse AdminRoutes::flags_set(const std::string& name, const HttpRequest& request) {
  boost::system::error_code ec;
  const json::value body = json::parse(request.body, ec);
  const json::object* obj = ec ? nullptr : body.if_object();
  const json::value* value = obj ? obj->if_contains("value") : nullptr;
  const json::value* actor_value = obj ? obj->if_contains("actor") : nullptr;
  if (!value || !value->is_string() || (actor_value && !actor_value->is_string())) {
    audit("flags_set", false, 400, "flag", name);
    return error_response(400, "invalid_body", R"(expected {"value":"true","actor":"name"})");
  }
  const std::string new_value(value->as_string());
  const std::string actor = actor_value ? std::string(actor_value->as_string()) : "admin-api";
  if (!valid_actor(actor)) {
    audit("flags_set", false, 400, "flag", name);
    return error_response(400, "invalid_actor", "letters, digits, '_', '-', '.'; at most 64");
  }
  if (std::string code = core::flags::validate_flag(name, new_value); !code.empty()) {
    const int http = code == "unknown_flag" ? 404 : 400;
    audit("flags_set", false, http, "flag", name);
    return error_response(http, code);
  }
  const auto before = deps_.flags.snapshot().effective;
  auto it = before.find(name);
  if (auto set = deps_.flags.set(name, new_value, actor); !set) {
    audit("flags_set", false, status_of(set.error()), "flag", name);
    return error_response(status_of(set.error()), set.error().code);
  }
  audit("flags_set", true, 200, "flag", name);
  json::object out{{"name", name}, {"new_value", new_value}, {"actor", actor}};
  out["old_value"] = it == before.end() ? json::value(nullptr) : json::value(it->second);
  return ok_json(out);
}

HttpResponse AdminRoutes::dlq_list(const HttpRequest& request) {
  const std::optional<int> limit = parse_limit(request.query, 50, 1000);
  if (!limit) {
    audit("dlq_list", false, 400);
    return error_response(400, "invalid_query", "limit must be a positive number");
  }
  auto letters = deps_.queue.list_dead_letters(*limit);
  if (!letters) {
    audit("dlq_list", false, 503);
    return error_response(503, "queue_unavailable", letters.error().code);
  }
  json::array list;
  for (const auto& letter : *letters) list.push_back(letter_json(letter));
  audit("dlq_list", true, 200);
  return ok_json(json::object{{"dead_letters", std::move(list)}});
}

HttpResponse AdminRoutes::dlq_show(const std::string& event_id) {
  auto letter = deps_.queue.get_dead_letter(event_id);
  if (!letter) {
    audit("dlq_show", false, status_of(letter.error()), "event_id", event_id);
    return error_response(status_of(letter.error()), letter.error().code);
  }
  audit("dlq_show", true, 200, "event_id", event_id);
  return ok_json(letter_json(*letter));
}

HttpResponse AdminRoutes::dlq_redrive(const std::string& event_id) {
  if (auto moved = deps_.queue.redrive(event_id); !moved) {
    audit("dlq_redrive", false, status_of(moved.error()), "event_id", event_id);
    return error_response(status_of(moved.error()), moved.error().code);
  }
  audit("dlq_redrive", true, 200, "event_id", event_id);
  return ok_json(json::object{{"event_id", event_id}, {"redriven", true}});
}

HttpResponse AdminRoutes::dlq_purge(const std::string& event_id) {
  if (auto purged = deps_.queue.purge_dead_letter(event_id); !purged) {
    audit("dlq_purge", false, status_of(purged.error()), "event_id", event_id);
    return error_response(status_of(purged.error()), purged.error().code);
  }
  audit("dlq_purge", true, 200, "event_id", event_id);
  return ok_json(json::object{{"event_id", event_id}, {"purged", true}});
}

}  // namespace rpmw::app
