// The fake Richpanel's account endpoints, control API and remaining spec/04 behaviours, spoken
// to in raw HTTP.
#include <doctest/doctest.h>

#include <string>

#include "adapters/http/http_client.h"
#include "tests/fakes/fake_richpanel_server.h"

namespace json = boost::json;
using rpmw::adapters::http::HttpClient;
using rpmw::adapters::http::HttpRequest;
using rpmw::adapters::http::HttpResponse;
using rpmw::fakes::FakeRichpanelFault;
using rpmw::fakes::FakeRichpanelServer;

namespace {

struct Account {
  FakeRichpanelServer server;
  HttpClient client{rpmw::adapters::http::vendor_client_options(server.base_url(), {})};

  Account() {
    server.put_ticket(json::parse(
        R"({"id":"<a+1=b@mail.example>","conversation_no":12,"status":"OPEN","tags":[],
            "via":{"channel":"email"},"customer_profile":{"id":"cp1","email":"Ann@Example.com"},
            "comments":[]})"));
  }

  HttpResponse send(std::string method, std::string target, std::string body = {},
                    std::string key = FakeRichpanelServer::kDefaultKey,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    HttpRequest request;
    request.method = std::move(method);
    request.url = server.base_url() + target;
    request.total_timeout = timeout;
    if (!key.empty()) request.headers.emplace_back("x-richpanel-key", key);
    if (!body.empty()) request.headers.emplace_back("content-type", "application/json");
    request.body = std::move(body);
    auto response = client.send(request);
    REQUIRE(response.has_value());
    return *response;
  }
  json::value get_json(const std::string& target) {
    const HttpResponse r = send("GET", target);
    REQUIRE(r.status == 200);
    return json::parse(r.body);
  }
  HttpResponse control(std::string method, std::string path, std::string body = {}) {
    return send(std::move(method), "/_control/" + path, std::move(body), "");
  }
};

constexpr const char* kEncoded = "%3Ca%2B1%3Db%40mail.example%3E";

}  // namespace

TEST_CASE("fakes: FakeRichpanelServer answers a wrong key with 401 on every endpoint") {
  Account f;
  for (const char* target : {"/v1/users", "/v1/tags", "/v1/teams", "/v1/tickets/x"}) {
    CHECK(f.send("GET", target, {}, "rp-wrong").status == 401);
  }
  CHECK(f.send("POST", "/v1/tags", R"({"name":"x"})", "rp-wrong").status == 401);
  CHECK(f.server.tag_names().empty());
}

TEST_CASE("fakes: FakeRichpanelServer lists the bot operator and a configurable extra user") {
  Account f;
  json::value users = f.get_json("/v1/users");
  REQUIRE(users.at("users").as_array().size() == 1);
  CHECK(users.at("users").at(0).at("id") == FakeRichpanelServer::kOperatorId);
  f.server.set_extra_user("agent-7", "Sam");
  users = f.get_json("/v1/users");
  REQUIRE(users.at("users").as_array().size() == 2);
  CHECK(users.at("users").at(1).at("id") == "agent-7");
}

TEST_CASE("fakes: FakeRichpanelServer pages GET /v1/tags with count, next and previous page") {
  Account f;
  for (const char* name : {"a", "b", "c", "d", "e"}) CHECK(f.server.add_tag(name));
  CHECK_FALSE(f.server.add_tag("c"));
  f.server.set_max_per_page(2);
  json::value page = f.get_json("/v1/tags");
  CHECK(page.at("tag").as_array().size() == 2);
  CHECK(page.at("count") == 5);
  CHECK(page.at("next_page") == 2);
  CHECK(page.at("previous_page").is_null());
  page = f.get_json("/v1/tags?page=3&per_page=100");  // capped at 2 per page
  REQUIRE(page.at("tag").as_array().size() == 1);
  CHECK(page.at("tag").at(0).at("name") == "e");
  CHECK(page.at("next_page").is_null());
  CHECK(page.at("previous_page") == 2);
  page = f.get_json("/v1/tags?per_page=1&page=4");
  CHECK(page.at("tag").at(0).at("name") == "d");
  CHECK(f.get_json("/v1/tags?page=9").at("tag").as_array().empty());
  CHECK(f.send("GET", "/v1/tags?per_page=0").status == 400);
  CHECK(f.send("GET", "/v1/tags?page=x").status == 400);
}

TEST_CASE("fakes: FakeRichpanelServer creates tags once; a bad or duplicate name is refused") {
  Account f;
  const HttpResponse created =
      f.send("POST", "/v1/tags", R"({"name":"mw-processed","description":"rpmw"})");
  CHECK(created.status == 200);
  CHECK(json::parse(created.body).at("tag").at("name") == "mw-processed");
  CHECK(f.send("POST", "/v1/tags", R"({"name":"mw-processed"})").status == 409);
  const HttpResponse bad = f.send("POST", "/v1/tags", R"({"description":"no name"})");
  CHECK(bad.status == 400);
  CHECK(json::parse(bad.body).at("errors").at(0).at("param") == "name");
  CHECK(f.server.tag_names() == std::vector<std::string>{"mw-processed"});
  const auto listed = f.get_json("/v1/tags").at("tag");
  REQUIRE(listed.as_array().size() == 1);
  CHECK(listed.at(0).at("description") == "rpmw");
}

TEST_CASE("fakes: FakeRichpanelServer serves teams under \"team\", channels and customers") {
  Account f;
  CHECK(f.get_json("/v1/teams").at("team").at(0).at("name") == "Email Support Team");
  f.server.set_teams({"Returns Admin", "Sales Team"});
  CHECK(f.get_json("/v1/teams").at("team").as_array().size() == 2);
  CHECK(f.get_json("/v1/channel").at("channels").at(0).at("type") == "email");
  const auto customer = f.get_json("/v1/customers/email/ann%40example.com");
  CHECK(customer.at("customer").at("id") == "cp1");
  CHECK(f.send("GET", "/v1/customers/email/nobody%40example.com").status == 404);
  CHECK(f.send("GET", "/v1/customers/phone/%2B15550100").status == 404);
  CHECK(f.send("GET", "/v1/customers/fax/1").status == 404);
}

TEST_CASE("fakes: FakeRichpanelServer comments: updates and send-message append operator ones") {
  Account f;
  const std::string ticket = std::string("/v1/tickets/") + kEncoded;
  CHECK(
      f.send("PUT", ticket, R"({"ticket":{"comment":{"body":"note","type":"private"}}})").status ==
      200);
  CHECK(f.send("PUT", ticket + "/send-message", R"({"body":"Hi","author_id":"bot-9"})").status ==
        200);
  const auto stored = json::parse(f.control("GET", std::string("tickets/") + kEncoded).body);
  const auto& comments = stored.at("ticket").at("comments").as_array();
  REQUIRE(comments.size() == 2);
  CHECK(comments[0].at("author_id") == FakeRichpanelServer::kOperatorId);
  CHECK(comments[0].at("type") == "private");
  CHECK(comments[1].at("author_id") == "bot-9");
  CHECK(comments[1].at("is_operator") == true);
  CHECK(f.server.calls().back().delivered);
  CHECK(f.control("GET", "tickets/unknown").status == 404);
}

TEST_CASE("fakes: FakeRichpanelServer control API links orders, preloads tags, resets") {
  Account f;
  CHECK(f.control("POST", "orders",
                  R"({"ticket_id":"<a+1=b@mail.example>","order":{"orderId":"o-1"},
                      "app_client_id":"app-9"})")
            .status == 200);
  const auto link = f.get_json(std::string("/v1/order/") + kEncoded);
  CHECK(link.at("orderId") == "o-1");
  CHECK(link.at("appClientId") == "app-9");
  CHECK(f.get_json("/v1/order/app-9/o-1").at("orderId") == "o-1");
  CHECK(f.control("POST", "orders", R"({"order":{}})").status == 400);

  const auto tags = json::parse(f.control("POST", "tags", R"({"names":["x","y","x"]})").body);
  CHECK(tags.at("added") == 2);
  CHECK(f.server.tag_names() == std::vector<std::string>{"x", "y"});

  CHECK(f.control("POST", "faults", R"({"fault":"server_error","count":5})").status == 200);
  CHECK(f.control("POST", "rate_limit", R"({"limit":1,"window_ms":60000})").status == 200);
  CHECK(f.send("GET", "/v1/users").status == 500);
  CHECK(f.control("POST", "reset").status == 200);
  CHECK(f.server.call_count() == 0);
  for (int i = 0; i < 3; ++i) CHECK(f.send("GET", "/v1/users").status == 200);  // no limit
  CHECK(f.control("POST", "nothing", "{}").status == 404);
}

TEST_CASE(
    "fakes: FakeRichpanelServer rate limit through the control API, with or without "
    "Retry-After") {
  Account f;
  CHECK(f.control("POST", "rate_limit",
                  R"({"limit":1,"window_ms":60000,"retry_after":true,"retry_after_seconds":7})")
            .status == 200);
  const HttpResponse first = f.send("GET", "/v1/users");
  CHECK(first.header("x-ratelimit-limit") == "1");
  CHECK(first.header("x-ratelimit-remaining") == "0");
  const HttpResponse limited = f.send("GET", "/v1/users");
  CHECK(limited.status == 429);
  CHECK(limited.header("retry-after") == "7");
  CHECK(f.control("POST", "rate_limit", R"({"limit":1,"window_ms":60000,"retry_after":false})")
            .status == 200);
  (void)f.send("GET", "/v1/users");
  const HttpResponse silent = f.send("GET", "/v1/users");
  CHECK(silent.status == 429);
  CHECK(silent.header("retry-after").empty());
}

TEST_CASE("fakes: FakeRichpanelServer faults: a 429 storm, then 5xx, then a slow answer") {
  Account f;
  f.server.set_fault(FakeRichpanelFault::rate_limited, 3);
  for (int i = 0; i < 3; ++i) {
    const HttpResponse r = f.send("GET", "/v1/users");
    CHECK(r.status == 429);
    CHECK(r.header("retry-after") == "1");
  }
  CHECK(f.send("GET", "/v1/users").status == 200);
  f.server.set_fault(FakeRichpanelFault::server_error, 1, 503);
  CHECK(f.send("GET", "/v1/users").status == 503);
  f.server.set_fault(FakeRichpanelFault::delay, 1, 200, std::chrono::milliseconds(800));
  HttpRequest slow;
  slow.url = f.server.base_url() + "/v1/users";
  slow.headers = {{"x-richpanel-key", FakeRichpanelServer::kDefaultKey}};
  slow.total_timeout = std::chrono::milliseconds(150);
  const auto timed_out = f.client.send(slow);
  REQUIRE_FALSE(timed_out.has_value());
  CHECK(timed_out.error().code == "timeout");
}

TEST_CASE("fake richpanel: a matched fault hits only that call; after_apply lands the write") {
  Account a;
  a.server.set_fault(FakeRichpanelFault::server_error, 1, 503);
  a.server.set_fault_match("PUT /v1/tickets/<a+1=b@mail.example>/add-tags", true);
  // Another call passes untouched.
  CHECK(a.send("GET", "/v1/tickets/%3Ca%2B1%3Db%40mail.example%3E").status == 200);
  const HttpResponse faulted = a.send("PUT", "/v1/tickets/%3Ca%2B1%3Db%40mail.example%3E/add-tags",
                                      R"({"tags":["route-x"]})");
  CHECK(faulted.status == 503);
  const auto stored = a.server.ticket("<a+1=b@mail.example>");
  REQUIRE(stored.has_value());
  CHECK(json::serialize(stored->at("tags")) == R"(["route-x"])");  // it landed anyway
  // Used up: the next matching call succeeds.
  CHECK(a.send("PUT", "/v1/tickets/%3Ca%2B1%3Db%40mail.example%3E/add-tags",
               R"({"tags":["route-y"]})")
            .status == 200);

  SUBCASE("without after_apply the faulted call changes nothing") {
    a.server.set_fault(FakeRichpanelFault::server_error, 1, 500);
    a.server.set_fault_match("PUT /v1/tickets/<a+1=b@mail.example>/add-tags", false);
    CHECK(a.send("PUT", "/v1/tickets/%3Ca%2B1%3Db%40mail.example%3E/add-tags",
                 R"({"tags":["route-z"]})")
              .status == 500);
    CHECK(json::serialize(a.server.ticket("<a+1=b@mail.example>")->at("tags")) ==
          R"(["route-x","route-y"])");
  }
}
