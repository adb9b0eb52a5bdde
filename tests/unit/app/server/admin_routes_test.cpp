// The admin API routes, called directly with in-memory stores.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "app/server/admin_routes.h"
#include "app/server/routes.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/in_memory_flags.h"
#include "tests/fakes/in_memory_queue.h"
#include "tests/fakes/in_memory_state.h"
#include "tests/fakes/recording_event_log.h"

namespace {
namespace json = boost::json;
using namespace std::chrono_literals;
using rpmw::app::AdminRoutes;
using rpmw::app::HttpRequest;
using rpmw::app::HttpResponse;
using rpmw::fakes::field_text;

constexpr const char* kToken = "admin-token-0123456789";

struct Harness {
  Harness()
      : flags(flag_store, clock, log, {}, 30s),
        admin(rpmw::app::AdminRoutesDeps{kToken,
                                         queue,
                                         state,
                                         flags,
                                         log,
                                         clock,
                                         "r1",
                                         "test",
                                         {"pol-1", "lex-1", "rules-1", "tpl-1"},
                                         clock.now()}) {}

  HttpResponse call(std::string method, std::string path, std::string query = {},
                    std::string body = {}, std::string token = kToken) {
    HttpRequest request;
    request.method = std::move(method);
    request.path = std::move(path);
    request.query = std::move(query);
    request.body = std::move(body);
    if (!token.empty()) request.headers.emplace_back("authorization", "Bearer " + token);
    return admin.handle(request);
  }
  json::object parsed(const HttpResponse& response) {
    return json::parse(response.body).as_object();
  }
  std::string dead_letter(const std::string& ticket) {
    auto id = queue.enqueue({ticket, "dk-" + ticket, "{}", "trc_" + ticket});
    REQUIRE(id.has_value());
    auto got = queue.receive(1, 30s, 0ms);
    REQUIRE(got.has_value());
    REQUIRE(queue.dead_letter((*got)[0].receipt, "permanent_400").has_value());
    return id->event_id;
  }

  rpmw::fakes::FakeClock clock;
  rpmw::fakes::SeededRandom random{5};
  rpmw::fakes::InMemoryEventQueue queue{clock, random};
  rpmw::fakes::InMemoryStateStore state{clock};
  rpmw::fakes::InMemoryFlagStore flag_store;
  rpmw::fakes::RecordingEventLog log;
  rpmw::core::flags::FlagService flags;
  AdminRoutes admin;
};
}  // namespace

TEST_CASE("app/server/admin: 401 without, with a wrong or a prefixed token; no detail") {
  Harness h;
  for (const std::string token : {"", "wrong-token-0123456789", "admin-token-01234567890"}) {
    const HttpResponse response = h.call("GET", "/admin/v1/status", {}, {}, token);
    CHECK(response.status == 401);
    CHECK(response.body == R"({"error":"unauthorized"})");
  }
  HttpRequest basic;
  basic.method = "GET";
  basic.path = "/admin/v1/status";
  basic.headers.emplace_back("authorization", std::string("Basic ") + kToken);
  CHECK(h.admin.handle(basic).status == 401);
  CHECK(h.log.count("admin.auth.failed") == 4);
}

TEST_CASE("app/server/admin: status reports flags, queue, versions and uptime") {
  Harness h;
  h.dead_letter("t1");
  h.clock.advance(90s);
  const HttpResponse response = h.call("GET", "/admin/v1/status");
  REQUIRE(response.status == 200);
  const json::object body = h.parsed(response);
  CHECK(body.at("release") == "r1");
  CHECK(body.at("env") == "test");
  CHECK(body.at("uptime_s").as_int64() == 90);
  CHECK(body.at("flags").at("shadow_mode") == "true");
  CHECK(body.at("queue").at("dlq_depth").as_int64() == 1);
  CHECK(body.at("queue").at("depth").as_int64() == 0);
  CHECK(body.at("versions").at("lexicon") == "lex-1");
  CHECK(body.at("versions").at("templates") == "tpl-1");
  CHECK(h.log.count("admin.status.success") == 1);
  CHECK(h.call("POST", "/admin/v1/status").status == 405);
  CHECK(h.call("GET", "/admin/v1/nothing").status == 404);
}

TEST_CASE("app/server/admin: decisions by ticket id and by trace id") {
  Harness h;
  for (int i = 0; i < 3; ++i) {
    const std::string n = std::to_string(i);
    rpmw::core::DecisionRecord record{"t 1",      "ek" + n,      "evt" + n,
                                      "trc_" + n, h.clock.now(), R"({"n":)" + n + "}"};
    REQUIRE(h.state.begin_event("ek" + n).has_value());
    REQUIRE(h.state.finish_event("ek" + n, rpmw::core::EventStatus::done, record).has_value());
    h.clock.advance(1s);
  }
  HttpResponse by_ticket = h.call("GET", "/admin/v1/decisions", "ticket_id=t%201&limit=2");
  REQUIRE(by_ticket.status == 200);
  const json::object ticket_body = h.parsed(by_ticket);
  const json::array& list = ticket_body.at("decisions").as_array();
  REQUIRE(list.size() == 2);
  CHECK(list[0].at("n").as_int64() == 2);  // newest first
  HttpResponse by_trace = h.call("GET", "/admin/v1/decisions", "trace_id=trc_1");
  REQUIRE(by_trace.status == 200);
  CHECK(h.parsed(by_trace).at("decisions").as_array().size() == 1);
  CHECK(h.call("GET", "/admin/v1/decisions", "ticket_id=none").body == R"({"decisions":[]})");
  CHECK(h.call("GET", "/admin/v1/decisions").status == 400);
  CHECK(h.call("GET", "/admin/v1/decisions", "ticket_id=a&trace_id=b").status == 400);
  CHECK(h.call("GET", "/admin/v1/decisions", "ticket_id=a&limit=x").status == 400);
}

TEST_CASE("app/server/admin: a flag change answers old and new value and is audited") {
  Harness h;
  const std::string old_value = h.flags.snapshot().effective.at("safe_mode");
  const std::string new_value = old_value == "true" ? "false" : "true";
  HttpResponse set = h.call("PUT", "/admin/v1/flags/safe_mode", {},
                            R"({"value":")" + new_value + R"(","actor":"alice"})");
  REQUIRE(set.status == 200);
  const json::object body = h.parsed(set);
  CHECK(body.at("old_value").as_string() == old_value);
  CHECK(body.at("new_value").as_string() == new_value);
  CHECK(body.at("actor") == "alice");
  auto changed = h.log.find("system.flag.changed");
  REQUIRE(changed.has_value());
  CHECK(field_text(*changed, "actor") == "alice");
  CHECK(field_text(*changed, "old_value") == old_value);
  CHECK(h.parsed(h.call("GET", "/admin/v1/flags")).at("flags").at("safe_mode").as_string() ==
        new_value);

  HttpResponse anonymous = h.call("PUT", "/admin/v1/flags/shadow_mode", {}, R"({"value":"false"})");
  CHECK(h.parsed(anonymous).at("actor") == "admin-api");
  CHECK(h.call("PUT", "/admin/v1/flags/no_such_flag", {}, R"({"value":"true"})").status == 404);
  CHECK(h.call("PUT", "/admin/v1/flags/safe_mode", {}, R"({"value":"maybe"})").status == 400);
  CHECK(h.call("PUT", "/admin/v1/flags/safe_mode", {}, "not json").status == 400);
  CHECK(h.call("PUT", "/admin/v1/flags/safe_mode", {}, R"({"value":"true","actor":"a@b.c"})")
            .status == 400);  // an email is PII: refused, never logged
  CHECK(h.call("GET", "/admin/v1/flags/safe_mode").status == 405);
  CHECK(h.log.count("admin.flags_set.failed") == 4);
}

TEST_CASE("app/server/admin: dlq list, show, redrive and purge") {
  Harness h;
  const std::string first = h.dead_letter("t1");
  const std::string second = h.dead_letter("t2");
  const json::array listed =
      h.parsed(h.call("GET", "/admin/v1/dlq", "limit=10")).at("dead_letters").as_array();
  CHECK(listed.size() == 2);
  const json::object shown = h.parsed(h.call("GET", "/admin/v1/dlq/" + first));
  CHECK(shown.at("reason") == "permanent_400");
  CHECK(shown.at("ticket_id") == "t1");
  CHECK(shown.at("receive_count").as_int64() == 1);
  CHECK_FALSE(shown.contains("body"));

  CHECK(h.call("POST", "/admin/v1/dlq/" + first + "/redrive").status == 200);
  CHECK(h.queue.stats()->depth == 1);
  CHECK(h.call("DELETE", "/admin/v1/dlq/" + second).status == 200);
  CHECK(h.queue.stats()->dlq_depth == 0);
  CHECK(h.call("GET", "/admin/v1/dlq/" + second).status == 404);
  CHECK(h.call("DELETE", "/admin/v1/dlq/" + second).status == 404);
  CHECK(h.call("POST", "/admin/v1/dlq/" + second + "/redrive").status == 404);
  CHECK(h.call("PUT", "/admin/v1/dlq/" + second).status == 405);
  CHECK(h.call("GET", "/admin/v1/dlq", "limit=0").status == 400);
  auto redriven = h.log.find("admin.dlq_redrive.success");
  REQUIRE(redriven.has_value());
  CHECK(field_text(*redriven, "event_id") == first);
  CHECK(h.log.count("admin.dlq_purge.failed") == 1);
}

TEST_CASE("app/server/admin: query parameters are percent-decoded") {
  CHECK(rpmw::app::admin_query_param("a=1&ticket_id=x%2Fy+z", "ticket_id") == "x/y z");
  CHECK(rpmw::app::admin_query_param("ticket_id", "ticket_id").empty());
  CHECK(rpmw::app::admin_query_param("", "limit").empty());
  CHECK(rpmw::app::admin_query_param("limit=%zz", "limit") == "%zz");
}
