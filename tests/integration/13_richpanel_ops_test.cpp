// `rpmw bootstrap` and `rpmw preflight` as an operator runs them, against the fake Richpanel
// server as a process: the tags created are exactly the missing ones (read from the fake's call
// log), a second run creates none, and preflight passes after bootstrap and fails clearly with a
// wrong key or a bot agent the account does not have.
#include <doctest/doctest.h>

#include <cstdlib>
#include <regex>
#include <set>
#include <sstream>

#include "tests/integration/fake_richpanel_process.h"
#include "tests/integration/helpers.h"

namespace rpmw::itest {
namespace {

constexpr const char* kKey = "rp-ops-key-0123456789";

struct Ops {
  TempDir dir{"rpmw-rp-ops"};
  FakeRichpanelProcess fake{dir, {"--extra-user", "agent-2:Human Agent"}, kKey};
  int runs = 0;

  std::map<std::string, std::string> env() const {
    return {{"RPMW_RICHPANEL_BASE_URL", fake.base_url()},
            {"RPMW_RICHPANEL_API_KEY", kKey},
            {"RPMW_RICHPANEL_BOT_AUTHOR_ID", "fake-operator"},
            {"RPMW_RICHPANEL_RATE", "500"},
            {"RPMW_RICHPANEL_BURST", "500"},
            {"RPMW_DATA_DIR", (dir / "var").string()}};
  }
  Run rpmw(const std::vector<std::string>& args,
           std::map<std::string, std::string> overrides = {}) {
    std::map<std::string, std::string> merged = env();
    for (auto& [k, v] : overrides) merged[k] = v;
    return run_rpmw(args, dir, "run-" + std::to_string(++runs), merged);
  }
};

// Every route_tag of the shipped policy, read independently of rpmw.
std::set<std::string> policy_route_tags() {
  const std::string yaml = read_file(std::string(RPMW_SOURCE_DIR) + "/policies/policy.yaml");
  std::set<std::string> tags;
  const std::regex route(R"(route_tag:\s*([a-z0-9-]+))");
  for (auto it = std::sregex_iterator(yaml.begin(), yaml.end(), route);
       it != std::sregex_iterator(); ++it) {
    tags.insert((*it)[1]);
  }
  return tags;
}

std::set<std::string> lines_after(const std::string& text, const std::string& prefix) {
  std::set<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) out.insert(line.substr(prefix.size()));
  }
  return out;
}

// The line of one check in preflight's table.
std::string check_line(const std::string& out, const std::string& check) {
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(check + " ", 0) == 0) return line;
  }
  return {};
}

}  // namespace

TEST_CASE("richpanel ops: bootstrap creates exactly the missing tags, once") {
  Ops ops;
  const std::set<std::string> preloaded = {"route-sales-team", "mw-processed", "vip-customer"};
  ops.fake.control("POST", "tags",
                   R"({"names":["route-sales-team","mw-processed","vip-customer"]})");

  const Run dry = ops.rpmw({"bootstrap", "--dry-run"});
  REQUIRE_MESSAGE(dry.code == 0, dry.err);
  CHECK(ops.fake.created_tags().empty());
  const std::set<std::string> missing = lines_after(dry.out, "  would create ");
  CHECK(missing.size() > 50);
  for (const std::string& tag : preloaded) CHECK(missing.count(tag) == 0);
  for (const std::string& tag : policy_route_tags()) {
    CAPTURE(tag);
    CHECK((missing.count(tag) == 1 || preloaded.count(tag) == 1));
  }
  CHECK(missing.count("mw_feedback_misroute") == 1);
  CHECK(missing.count("mw-auto-replied") == 1);

  const Run first = ops.rpmw({"bootstrap", "--url", "https://rpmw.example.com/"});
  REQUIRE_MESSAGE(first.code == 0, first.err);
  const std::vector<std::string> created = ops.fake.created_tags();
  CHECK(std::set<std::string>(created.begin(), created.end()) == missing);
  CHECK(created.size() == missing.size());  // each once
  CHECK(first.out.find("tags: 2 existing, " + std::to_string(missing.size()) +
                       " created, 0 failed") != std::string::npos);
  // The checklist: the URL, the header with a placeholder, a rule per team, the bot agent.
  CHECK(first.out.find("URL:     https://rpmw.example.com/webhooks/richpanel") !=
        std::string::npos);
  CHECK(first.out.find("X-Middleware-Token: <WEBHOOK_TOKEN>") != std::string::npos);
  CHECK(first.out.find("\"ticket_id\":\"{{ticket.id}}\"") != std::string::npos);
  CHECK(first.out.find("route-returns-admin → Returns Admin") != std::string::npos);
  CHECK(first.out.find("fake-operator found in /v1/users") != std::string::npos);
  CHECK(first.out.find(kKey) == std::string::npos);

  ops.fake.control("POST", "reset", "{}");
  const Run second = ops.rpmw({"bootstrap"});
  REQUIRE_MESSAGE(second.code == 0, second.err);
  CHECK(ops.fake.created_tags().empty());
  CHECK(second.out.find(" 0 created, 0 failed") != std::string::npos);

  const Run no_key = ops.rpmw({"bootstrap"}, {{"RPMW_RICHPANEL_API_KEY", ""}});
  CHECK(no_key.code == 2);
  CHECK(no_key.err.find("RPMW_RICHPANEL_API_KEY is not set") != std::string::npos);

  // A create that fails makes the run fail: all but two tags exist, and the account's budget is
  // spent by the two pages of the tag list (429s without Retry-After).
  Ops fresh;
  json::array names;
  for (const std::string& tag : missing) {
    if (tag != "mw-auto-closed" && tag != "mw_feedback_misroute") names.emplace_back(tag);
  }
  for (const std::string& tag : preloaded) names.emplace_back(tag);
  fresh.fake.control("POST", "tags", json::serialize(json::object{{"names", names}}));
  fresh.fake.control("POST", "rate_limit", R"({"limit":2,"window_ms":60000,"retry_after":false})");
  const Run failing = fresh.rpmw({"bootstrap"});
  CHECK(failing.code == 1);
  CHECK(failing.out.find("FAILED  mw-auto-closed: rate limited") != std::string::npos);
  CHECK(failing.out.find("0 created, 2 failed") != std::string::npos);
  CHECK(failing.err.find("2 tag(s) could not be created") != std::string::npos);
}

TEST_CASE("richpanel ops: preflight passes after bootstrap, fails on a wrong key or bot author") {
  Ops ops;
  const Run before = ops.rpmw({"preflight"});
  CHECK(before.code == 1);
  CHECK(check_line(before.out, "tags").find("FAIL") != std::string::npos);
  CHECK(check_line(before.out, "tags").find("run rpmw bootstrap") != std::string::npos);

  REQUIRE(ops.rpmw({"bootstrap"}).code == 0);
  // Two tickets, one with a linked order; the preflight must print counts only.
  ops.fake.control("POST", "tickets",
                   R"({"id":"<ops-1@mail.example>","conversation_no":501,"status":"OPEN",
                       "customer_profile":{"email":"secret.customer@example.com"}})");
  ops.fake.control("POST", "tickets", R"({"id":"ops-2","conversation_no":502,"status":"OPEN"})");
  ops.fake.control("POST", "orders",
                   R"({"ticket_id":"<ops-1@mail.example>","order":{"orderId":"o-77"}})");
  ops.fake.control("POST", "rate_limit", R"({"limit":50,"window_ms":30000})");

  const Run ok =
      ops.rpmw({"preflight", "--tickets", "<ops-1@mail.example>,ops-2", "--numbers", "502"});
  REQUIRE_MESSAGE(ok.code == 0, std::string(ok.out + ok.err));
  CHECK(ok.out.find("preflight: OK") != std::string::npos);
  CHECK(check_line(ok.out, "key").find("PASS") != std::string::npos);
  CHECK(check_line(ok.out, "tags").find("PASS") != std::string::npos);
  CHECK(check_line(ok.out, "bot_author").find("PASS") != std::string::npos);
  CHECK(check_line(ok.out, "rate_limit").find("of 50 requests left") != std::string::npos);
  CHECK(check_line(ok.out, "linked_orders").find("1 of 3 tickets have a linked order") !=
        std::string::npos);
  for (const char* secret : {"ops-1", "ops-2", "secret.customer", "o-77", kKey}) {
    CAPTURE(secret);
    CHECK(ok.out.find(secret) == std::string::npos);
  }

  const Run as_json = ops.rpmw({"preflight", "--json"});
  CHECK(as_json.code == 0);
  const json::object report = parse_object(as_json.out);
  REQUIRE(report.contains("ok"));
  CHECK(report.at("ok") == true);
  CHECK(report.at("checks").as_array().size() == 6);

  const Run wrong_key = ops.rpmw({"preflight"}, {{"RPMW_RICHPANEL_API_KEY", "rp-wrong-key"}});
  CHECK(wrong_key.code == 1);
  const std::string key_line = check_line(wrong_key.out, "key");
  CHECK(key_line.find("FAIL") != std::string::npos);
  CHECK(key_line.find("refused the API key") != std::string::npos);
  CHECK(wrong_key.out.find("preflight: FAILED") != std::string::npos);

  const Run ghost = ops.rpmw({"preflight"}, {{"RPMW_RICHPANEL_BOT_AUTHOR_ID", "ghost-bot"}});
  CHECK(ghost.code == 1);
  CHECK(check_line(ghost.out, "bot_author").find("FAIL") != std::string::npos);
  CHECK(check_line(ghost.out, "bot_author").find("not among the account's 2 users") !=
        std::string::npos);

  const Run unset = ops.rpmw({"preflight"}, {{"RPMW_RICHPANEL_BOT_AUTHOR_ID", ""}});
  CHECK(unset.code == 1);
  CHECK(check_line(unset.out, "bot_author").find("is not set") != std::string::npos);

  CHECK(ops.rpmw({"preflight", "--tickets", ","}).code == 2);
}

}  // namespace rpmw::itest
