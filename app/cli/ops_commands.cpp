// `rpmw flags | dlq | decisions`: admin API calls, on the local store or a running server (--url).
// Tables by default, the API's JSON with --json.
#include <boost/json.hpp>

#include <iostream>

#include "app/cli/admin_client.h"
#include "app/cli/commands.h"
#include "app/cli/table.h"
#include "core/flags/flag_service.h"

namespace rpmw::app {
namespace json = boost::json;

namespace {

std::string text_of(const json::value* value) {
  if (value == nullptr || value->is_null()) return "-";
  if (value->is_string()) return std::string(value->as_string());
  return json::serialize(*value);
}

std::string field(const json::value& object, std::string_view key) {
  const json::object* obj = object.if_object();
  return text_of(obj ? obj->if_contains(key) : nullptr);
}

// Exit codes: 0 ok, 1 not found, 2 usage / auth / unreachable / unavailable.
int report_failure(const AdminReply& reply, std::string_view what) {
  const std::string code = field(reply.body, "error");
  const std::string detail = field(reply.body, "detail");
  std::cerr << "rpmw: " << what << ": ";
  if (reply.status == 401) {
    std::cerr << "unauthorized (check --token, RPMW_ADMIN_TOKEN or <data_dir>/secrets/admin_token)";
  } else {
    std::cerr << code << (detail == "-" ? "" : " (" + detail + ")") << " [HTTP " << reply.status
              << "]";
  }
  std::cerr << "\n";
  return reply.status == 404 ? 1 : 2;
}

void print_flags(const json::value& body, const OpsRequest& request, bool as_json) {
  const json::object& flags = body.at("flags").as_object();
  if (!request.name.empty()) {
    const json::value* value = flags.if_contains(request.name);
    if (as_json) {
      std::cout << json::serialize(json::object{{"name", request.name},
                                                {"value", value ? *value : json::value(nullptr)}})
                << "\n";
    } else {
      std::cout << (value ? text_of(value) : "(catalog default)") << "\n";
    }
    return;
  }
  if (as_json) {
    std::cout << json::serialize(body) << "\n";
    return;
  }
  Table table({"FLAG", "VALUE"});
  for (const auto& [name, value] : flags) table.add({std::string(name), text_of(&value)});
  table.print(std::cout);
}

void print_dead_letters(const json::value& body) {
  const json::array& letters = body.at("dead_letters").as_array();
  if (letters.empty()) {
    std::cout << "DLQ is empty\n";
    return;
  }
  Table table({"EVENT_ID", "TICKET", "DEAD_AT", "RECEIVES", "REASON"});
  for (const json::value& l : letters) {
    table.add({field(l, "event_id"), field(l, "ticket_id"), field(l, "dead_at"),
               field(l, "receive_count"), field(l, "reason")});
  }
  table.print(std::cout);
}

void print_decisions(const json::value& body) {
  const json::array& decisions = body.at("decisions").as_array();
  if (decisions.empty()) {
    std::cout << "no decisions\n";
    return;
  }
  Table table({"TRACE_ID", "TICKET", "STATUS", "INTENT", "TEAM", "TIER", "ACTION", "TEMPLATE"});
  for (const json::value& d : decisions) {
    table.add({field(d, "trace_id"), field(d, "ticket_id"), field(d, "status"),
               field(d, "primary_intent"), field(d, "destination_team"), field(d, "tier"),
               field(d, "action"), field(d, "template_id")});
  }
  table.print(std::cout);
}

void print_result(const json::value& body, const OpsRequest& request, bool as_json) {
  if (as_json && request.command != OpsCommand::flags_get) {
    std::cout << json::serialize(body) << "\n";
    return;
  }
  switch (request.command) {
    case OpsCommand::flags_get:
      return print_flags(body, request, as_json);
    case OpsCommand::flags_set:
      std::cout << request.name << ": " << field(body, "old_value") << " -> "
                << field(body, "new_value") << " (by " << field(body, "actor") << ")\n";
      return;
    case OpsCommand::dlq_list:
      return print_dead_letters(body);
    case OpsCommand::dlq_show: {
      Table table({"FIELD", "VALUE"});
      for (const char* key : {"event_id", "ticket_id", "trace_id", "reason", "receive_count",
                              "enqueued_at", "dead_at"}) {
        table.add({key, field(body, key)});
      }
      return table.print(std::cout);
    }
    case OpsCommand::dlq_redrive:
      std::cout << "redriven " << request.event_id << "\n";
      return;
    case OpsCommand::dlq_purge:
      std::cout << "purged " << request.event_id << "\n";
      return;
    case OpsCommand::decisions:
      return print_decisions(body);
  }
}

AdminCall call_for(const OpsRequest& request) {
  AdminCall call;
  const std::string limit = "limit=" + std::to_string(request.limit);
  switch (request.command) {
    case OpsCommand::flags_get:
      call.path = "flags";
      break;
    case OpsCommand::flags_set:
      call.method = "PUT";
      call.path = "flags/" + url_encode(request.name);
      call.body = json::serialize(json::object{{"value", request.value}, {"actor", request.actor}});
      break;
    case OpsCommand::dlq_list:
      call.path = "dlq";
      call.query = limit;
      break;
    case OpsCommand::dlq_show:
    case OpsCommand::dlq_purge:
      call.method = request.command == OpsCommand::dlq_show ? "GET" : "DELETE";
      call.path = "dlq/" + url_encode(request.event_id);
      break;
    case OpsCommand::dlq_redrive:
      call.method = "POST";
      call.path = "dlq/" + url_encode(request.event_id) + "/redrive";
      break;
    case OpsCommand::decisions:
      call.path = "decisions";
      call.query = (request.ticket.empty() ? "trace_id=" + url_encode(request.trace)
                                           : "ticket_id=" + url_encode(request.ticket)) +
                   "&" + limit;
      break;
  }
  return call;
}

}  // namespace

int run_ops(const ConfigResult& loaded, const OpsRequest& request, const OpsOptions& options) {
  if (request.command == OpsCommand::decisions && request.ticket.empty() == request.trace.empty()) {
    std::cerr << "rpmw: decisions: give exactly one of --ticket or --trace\n";
    return 2;
  }
  const bool flag_command = request.command == OpsCommand::flags_set ||
                            (request.command == OpsCommand::flags_get && !request.name.empty());
  if (flag_command) {
    const std::string value = request.command == OpsCommand::flags_set ? request.value : "true";
    if (std::string code = core::flags::validate_flag(request.name, value); !code.empty()) {
      std::cerr << "rpmw: flag '" << request.name << "': "
                << (code == "unknown_flag" ? "unknown flag" : "value must be true or false")
                << "\n";
      return 2;
    }
  }
  std::unique_ptr<AdminBackend> backend;
  if (!options.url.empty()) {
    const std::string token = resolve_admin_token(options.token, loaded.config);
    if (token.empty()) {
      std::cerr << "rpmw: no admin token: pass --token, set RPMW_ADMIN_TOKEN, or run where "
                   "<data_dir>/secrets/admin_token exists\n";
      return 2;
    }
    backend = remote_admin(options.url, token);
  } else {
    if (!loaded.ok()) return report_config_errors(loaded);
    backend = local_admin(loaded.config, request.command == OpsCommand::flags_set);
    if (!backend) return 2;
  }
  auto reply = backend->call(call_for(request));
  if (!reply) {
    std::cerr << "rpmw: cannot reach " << options.url << ": " << reply.error().code << "\n";
    return 2;
  }
  if (reply->status != 200) return report_failure(*reply, "request failed");
  if (!reply->body.is_object()) {
    std::cerr << "rpmw: the server's answer is not a JSON object\n";
    return 2;
  }
  print_result(reply->body, request, options.json);
  return 0;
}

}  // namespace rpmw::app
