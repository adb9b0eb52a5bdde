// The fake Richpanel server's own quirks (spec/04), spoken to in raw HTTP so nothing the adapter
// does can hide them.
#include "tests/fakes/fake_richpanel_server.h"

#include <doctest/doctest.h>

#include <string>

#include "adapters/http/http_client.h"

namespace json = boost::json;
using rpmw::adapters::http::HttpClient;
using rpmw::adapters::http::HttpRequest;
using rpmw::adapters::http::HttpResponse;
using rpmw::fakes::FakeRichpanelRateLimit;
using rpmw::fakes::FakeRichpanelServer;

namespace {

struct Raw {
  FakeRichpanelServer server;
  HttpClient client{rpmw::adapters::http::vendor_client_options(server.base_url(), {})};

  Raw() {
    server.put_ticket(json::parse(
        R"({"id":"<m+1=x@mail.example>","conversation_no":77,"status":"OPEN","tags":["a"],
            "via":{"channel":"email"},"comments":[]})"));
    server.put_ticket(
        json::parse(R"({"ticket":{"id":"chat-1","status":"OPEN","via":{"channel":"messenger"}}})"));
  }

  HttpResponse send(std::string method, std::string target, std::string body = {},
                    bool with_key = true) {
    HttpRequest request;
    request.method = std::move(method);
    request.url = server.base_url() + target;
    if (with_key) request.headers.emplace_back("x-richpanel-key", FakeRichpanelServer::kDefaultKey);
    if (!body.empty()) request.headers.emplace_back("content-type", "application/json");
    request.body = std::move(body);
    auto response = client.send(request);
    REQUIRE(response.has_value());
    return *response;
  }
};

constexpr const char* kEncoded = "/v1/tickets/%3Cm%2B1%3Dx%40mail.example%3E";

}  // namespace

TEST_CASE("fakes: FakeRichpanelServer rejects a missing key and records the call") {
  Raw f;
  CHECK(f.send("GET", kEncoded, {}, false).status == 401);
  CHECK(f.send("GET", kEncoded).status == 200);
  const auto calls = f.server.calls();
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].status == 401);
  CHECK(calls[1].path == "/v1/tickets/<m+1=x@mail.example>");
}

TEST_CASE("fakes: FakeRichpanelServer ignores writes to an unencoded Message-ID with a 200") {
  Raw f;
  const auto response =
      f.send("PUT", "/v1/tickets/<m+1=x@mail.example>/add-tags", R"({"tags":["b"]})");
  CHECK(response.status == 200);
  CHECK(f.server.ticket("<m+1=x@mail.example>")->at("tags") == json::parse(R"(["a"])"));
  CHECK(f.send("PUT", std::string(kEncoded) + "/add-tags", R"({"tags":["b"]})").status == 200);
  CHECK(f.server.ticket("<m+1=x@mail.example>")->at("tags") == json::parse(R"(["a","b"])"));
}

TEST_CASE("fakes: FakeRichpanelServer enforces the update rules") {
  Raw f;
  CHECK(f.send("PUT", kEncoded, R"({"status":"CLOSED"})").status == 400);
  CHECK(f.send("PUT", kEncoded, R"({"ticket":{"status":"closed"}})").status == 400);
  CHECK(f.send("PUT", kEncoded, R"({"ticket":{"status":"RESOLVED"}})").status == 400);
  const auto bad = f.send("PUT", kEncoded, R"({"ticket":{"status":"SOLVED"}})");
  CHECK(json::parse(bad.body).at("errors").at(0).at("param") == "ticket.status");
  CHECK(f.send("PUT", kEncoded, R"({"ticket":{"state":"closed"}})").status == 200);
  CHECK(f.server.ticket("<m+1=x@mail.example>")->at("status") == "OPEN");
  CHECK(f.send("PUT", kEncoded, R"({"ticket":{"status":"CLOSED"}})").status == 200);
  CHECK(f.server.ticket("<m+1=x@mail.example>")->at("status") == "CLOSED");
  CHECK(f.send("PUT", std::string(kEncoded) + "/add-tags", R"({"tags":"x"})").status == 400);
  CHECK(f.send("PUT", "/v1/tickets/%3Cnobody%3E", R"({"ticket":{}})").status == 404);
  CHECK(f.send("GET", "/v1/tickets/bad%zz").status == 400);
}

TEST_CASE("fakes: FakeRichpanelServer marks send-message delivered only on email tickets") {
  Raw f;
  const std::string message = R"({"body":"Hi","author_id":"agent-1"})";
  CHECK(f.send("PUT", std::string(kEncoded) + "/send-message", message).status == 200);
  CHECK(f.send("PUT", "/v1/tickets/chat-1/send-message", message).status == 200);
  CHECK(f.send("PUT", "/v1/tickets/chat-1/send-message", R"({"body":"Hi"})").status == 400);
  const auto calls = f.server.calls();
  CHECK(calls[0].delivered);
  CHECK_FALSE(calls[1].delivered);
  const auto ticket = f.server.ticket("chat-1");
  REQUIRE(ticket.has_value());
  const auto& comments = ticket->at("comments").as_array();
  REQUIRE(comments.size() == 1);
  CHECK(comments[0].at("is_operator") == true);
}

TEST_CASE("fakes: FakeRichpanelServer serves tickets by number read-only") {
  Raw f;
  const auto by_number = f.send("GET", "/v1/tickets/number/77");
  CHECK(by_number.status == 200);
  CHECK(json::parse(by_number.body).at("ticket").at("id") == "<m+1=x@mail.example>");
  CHECK(f.send("PUT", "/v1/tickets/number/77", R"({"ticket":{}})").status == 404);
}

TEST_CASE("fakes: FakeRichpanelServer sends rate-limit headers and can omit Retry-After") {
  Raw f;
  f.server.set_rate_limit(FakeRichpanelRateLimit{1, std::chrono::milliseconds(60000), false});
  const auto first = f.send("GET", kEncoded);
  CHECK(first.header("x-ratelimit-limit") == "1");
  CHECK(first.header("x-ratelimit-remaining") == "0");
  const auto second = f.send("GET", kEncoded);
  CHECK(second.status == 429);
  CHECK(second.header("retry-after").empty());
  f.server.set_rate_limit(FakeRichpanelRateLimit{1, std::chrono::milliseconds(60000), true});
  f.send("GET", kEncoded);
  CHECK_FALSE(f.send("GET", kEncoded).header("retry-after").empty());
}

TEST_CASE("fakes: FakeRichpanelServer control API loads tickets, sets faults, lists calls") {
  Raw f;
  CHECK(f.send("POST", "/_control/tickets", R"({"id":"t-9","status":"OPEN"})", false).status ==
        200);
  CHECK(f.send("POST", "/_control/faults", R"({"fault":"server_error","count":1,"status":502})",
               false)
            .status == 200);
  CHECK(f.send("GET", "/v1/tickets/t-9").status == 502);
  CHECK(f.send("GET", "/v1/tickets/t-9").status == 200);
  const auto calls = json::parse(f.send("GET", "/_control/calls", {}, false).body);
  REQUIRE(calls.as_array().size() == 2);
  CHECK(calls.at(1).at("path") == "/v1/tickets/t-9");
  CHECK(calls.at(0).at("status") == 502);
}
