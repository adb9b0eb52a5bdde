// The admin API on a real server, and the CLI against it with --url.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "tests/integration/helpers.h"

namespace rpmw::itest {

namespace {
constexpr const char* kAdminToken = "admin-token-integration-0123";

Headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}
}  // namespace

TEST_CASE("admin api: tokens are separate from the webhook's, status, flags, decisions, dlq") {
  RpmwServer server(with_env({{"RPMW_ADMIN_TOKEN", kAdminToken}}));
  HttpClient client;
  const std::string status_url = server.url("/admin/v1/status");

  // 401 without detail: no token, a wrong one, the webhook token (in either header).
  for (const Headers& headers : {Headers{}, bearer("wrong-token-0123456789"), bearer(kWebhookToken),
                                 Headers{{"X-Middleware-Token", kWebhookToken}}}) {
    const HttpResponse r = client.request("GET", status_url, headers);
    CHECK(r.status == 401);
    CHECK(r.body == R"({"error":"unauthorized"})");
  }
  // The admin token never opens the webhook route.
  Headers admin_on_webhook = webhook_headers(kAdminToken);
  admin_on_webhook.emplace_back("Authorization", std::string("Bearer ") + kAdminToken);
  CHECK(client.request("POST", server.webhook_url(), admin_on_webhook, webhook_body("t-adm"))
            .status == 401);

  const HttpResponse status = client.request("GET", status_url, bearer(kAdminToken));
  REQUIRE(status.status == 200);
  const json::object body = parse_object(status.body);
  CHECK(body.contains("release"));
  CHECK(body.at("env") == "local");
  CHECK(body.at("uptime_s").as_int64() >= 0);
  CHECK(body.at("flags").as_object().contains("shadow_mode"));
  for (const char* key : {"depth", "in_flight", "oldest_age_seconds", "dlq_depth"}) {
    CAPTURE(key);
    CHECK(body.at("queue").as_object().contains(key));
  }
  for (const char* key : {"policy", "lexicon", "rules", "templates"}) {
    CAPTURE(key);
    CHECK_FALSE(body.at("versions").at(key).as_string().empty());
  }
  CHECK(client.request("GET", server.url("/admin/v1/nope"), bearer(kAdminToken)).status == 404);
  CHECK(client.request("DELETE", status_url, bearer(kAdminToken)).status == 405);
  // The admin routes share the server's body limit (64 KiB off the webhook route).
  Headers json_admin = bearer(kAdminToken);
  json_admin.emplace_back("Content-Type", "application/json");
  const HttpResponse too_large =
      client.request("PUT", server.url("/admin/v1/flags/safe_mode"), json_admin,
                     R"({"value":"true","actor":")" + std::string(70 * 1024, 'a') + R"("})");
  CHECK(too_large.status == 413);
  CHECK(too_large.body.find("payload_too_large") != std::string::npos);

  // A flag set through the CLI on the server shows in `flags get --url` and in the server's log.
  TempDir dir("rpmw-admin-cli");
  const std::map<std::string, std::string> cli_env{{"RPMW_DATA_DIR", dir.path().string()}};
  Run set = run_rpmw({"flags", "set", "safe_mode", "true", "--url", server.base_url(), "--token",
                      kAdminToken, "--actor", "itest"},
                     dir, "set", cli_env);
  CHECK(set.code == 0);
  CHECK(set.out.find("safe_mode") != std::string::npos);
  Run get =
      run_rpmw({"flags", "get", "safe_mode", "--url", server.base_url(), "--json"}, dir, "get",
               {{"RPMW_DATA_DIR", dir.path().string()}, {"RPMW_ADMIN_TOKEN", kAdminToken}});
  CHECK(get.code == 0);
  CHECK(get.out == "{\"name\":\"safe_mode\",\"value\":\"true\"}\n");
  const std::string log = read_file(server.stdout_log());
  CHECK(log.find(R"("event":"system.flag.changed")") != std::string::npos);
  CHECK(log.find(R"("actor":"itest")") != std::string::npos);
  CHECK(log.find(R"("event":"admin.flags_set.success")") != std::string::npos);
  Run wrong =
      run_rpmw({"flags", "get", "--url", server.base_url(), "--token", "wrong-token-012345"}, dir,
               "wrong", cli_env);
  CHECK(wrong.code == 2);
  CHECK(wrong.err.find("unauthorized") != std::string::npos);

  // Decisions by ticket after a webhook was processed.
  HttpClient webhook_client;
  REQUIRE(post_webhook(webhook_client, server, webhook_body("t-admin-1", "m-1")).status == 202);
  REQUIRE(wait_for_decisions(server, 1));
  const HttpResponse decisions = client.request(
      "GET", server.url("/admin/v1/decisions?ticket_id=t-admin-1&limit=5"), bearer(kAdminToken));
  REQUIRE(decisions.status == 200);
  const json::object decisions_body = parse_object(decisions.body);
  const json::array& list = decisions_body.at("decisions").as_array();
  REQUIRE(list.size() == 1);
  CHECK(list[0].at("ticket_id") == "t-admin-1");
  Run by_ticket = run_rpmw(
      {"decisions", "--ticket", "t-admin-1", "--url", server.base_url(), "--token", kAdminToken},
      dir, "decisions", cli_env);
  CHECK(by_ticket.code == 0);
  CHECK(by_ticket.out.find("t-admin-1") != std::string::npos);

  // The DLQ is empty, as JSON; an unknown event id is not found (exit 1).
  Run dlq = run_rpmw({"dlq", "list", "--json", "--url", server.base_url(), "--token", kAdminToken},
                     dir, "dlq", cli_env);
  CHECK(dlq.code == 0);
  CHECK(dlq.out == "{\"dead_letters\":[]}\n");
  Run missing =
      run_rpmw({"dlq", "show", "evt_missing", "--url", server.base_url(), "--token", kAdminToken},
               dir, "missing", cli_env);
  CHECK(missing.code == 1);
}

}  // namespace rpmw::itest

namespace rpmw::itest {

TEST_CASE("admin cli: without --url the commands work on the local store") {
  TempDir dir("rpmw-admin-local");
  const std::map<std::string, std::string> env{{"RPMW_DATA_DIR", (dir.path() / "data").string()}};
  Run set = run_rpmw({"flags", "set", "automation_enabled", "true"}, dir, "set", env);
  CHECK(set.code == 0);
  CHECK(set.out.find(R"("event":"system.flag.changed")") != std::string::npos);
  CHECK(set.out.find(R"("actor":"cli")") != std::string::npos);
  Run get = run_rpmw({"flags", "get", "automation_enabled"}, dir, "get", env);
  CHECK(get.code == 0);
  CHECK(get.out == "true\n");
  Run table = run_rpmw({"flags", "get"}, dir, "table", env);
  CHECK(table.out.starts_with("FLAG"));
  CHECK(table.out.find("automation_enabled") != std::string::npos);

  Run dlq = run_rpmw({"dlq", "list"}, dir, "dlq", env);
  CHECK(dlq.code == 0);
  CHECK(dlq.out == "DLQ is empty\n");
  Run purge = run_rpmw({"dlq", "purge", "evt_missing"}, dir, "purge", env);
  CHECK(purge.code == 1);
  CHECK(purge.out.empty());  // not-found goes to stderr only
  Run none = run_rpmw({"decisions", "--ticket", "t-none", "--json"}, dir, "none", env);
  CHECK(none.code == 0);
  CHECK(none.out == "{\"decisions\":[]}\n");

  CHECK(run_rpmw({"decisions"}, dir, "usage", env).code == 2);
  CHECK(run_rpmw({"flags", "set", "nope", "true"}, dir, "unknown", env).code == 2);
  CHECK(run_rpmw({"flags", "set", "safe_mode", "maybe"}, dir, "value", env).code == 2);
  Run unreachable =
      run_rpmw({"flags", "get", "--url", "http://127.0.0.1:1", "--token", "any-token-0123456789"},
               dir, "unreachable", env);
  CHECK(unreachable.code == 2);
  CHECK(unreachable.err.find("cannot reach") != std::string::npos);
}

}  // namespace rpmw::itest
