// RichpanelAdmin: pagination, tolerant list parsing, tag creation and the rate-limit headers,
// against a scripted HTTP server (shapes the fake Richpanel does not produce) and the fake.
#include "adapters/richpanel/richpanel_admin.h"

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tests/fakes/fake_http_server.h"
#include "tests/unit/adapters/richpanel/richpanel_test_support.h"

namespace json = boost::json;
using rpmw::adapters::richpanel::RichpanelAdmin;
using rpmw::adapters::richpanel::RichpanelApi;
using rpmw::adapters::richpanel::RichpanelSettings;
using rpmw::core::ErrorKind;
using rpmw::fakes::FakeHttpReply;
using rpmw::fakes::FakeHttpRequest;
using rpmw::fakes::FakeHttpServer;

namespace {

// Answers GET /v1/<path>?page=N with pages[path][N-1] (404 past the end), POST with `created`.
struct Scripted {
  std::mutex mutex;
  std::vector<std::string> targets;
  std::map<std::string, std::vector<std::string>> pages;
  FakeHttpReply created;
  FakeHttpServer server{0, [this](const FakeHttpRequest& r) { return answer(r); }};

  FakeHttpReply answer(const FakeHttpRequest& request) {
    std::lock_guard lock(mutex);
    const std::string target(request.target());
    targets.push_back(target);
    if (request.method() == boost::beast::http::verb::post) {
      FakeHttpReply reply = created;
      reply.body = reply.body.empty() ? request.body() : reply.body;
      return reply;
    }
    const std::string path = target.substr(0, target.find('?'));
    const auto at = target.find("page=");
    const std::size_t page = at == std::string::npos ? 1 : std::stoul(target.substr(at + 5));
    const auto it = pages.find(path);
    if (it == pages.end() || page == 0 || page > it->second.size()) return {404, {}, "{}", {}};
    return {200,
            {{"X-RateLimit-Limit", "50"}, {"X-RateLimit-Remaining", "41"}},
            it->second[page - 1],
            {}};
  }

  std::vector<std::string> seen() {
    std::lock_guard lock(mutex);
    return targets;
  }

  RichpanelAdmin admin(int max_pages = RichpanelAdmin::kDefaultMaxPages) {
    RichpanelSettings settings;
    settings.base_url = "http://127.0.0.1:" + std::to_string(server.port());
    settings.api_key = "k";
    settings.attempts = 1;
    return RichpanelAdmin(std::make_shared<RichpanelApi>(settings), max_pages);
  }
};

}  // namespace

TEST_CASE("adapters/richpanel: list_tags follows next_page (number, then URL) until null") {
  Scripted s;
  s.pages["/v1/tags"] = {
      R"({"tag":[{"id":"t1","name":"route-a","description":"A"}],"count":3,"next_page":2,
          "previous_page":null})",
      R"({"tag":[{"id":2,"name":"route-b"}],"next_page":"https://api.example/v1/tags?per_page=100&page=3"})",
      R"({"tag":[{"id":"t3","name":"mw-processed"}],"next_page":null})"};
  RichpanelAdmin admin = s.admin();
  const auto tags = admin.list_tags();
  REQUIRE(tags.has_value());
  REQUIRE(tags->size() == 3);
  CHECK((*tags)[0].name == "route-a");
  CHECK((*tags)[0].description == "A");
  CHECK((*tags)[1].id == "2");  // numeric ids read as text
  CHECK((*tags)[2].name == "mw-processed");
  CHECK(s.seen() == std::vector<std::string>{"/v1/tags?page=1&per_page=100",
                                             "/v1/tags?page=2&per_page=100",
                                             "/v1/tags?page=3&per_page=100"});
  CHECK(admin.rate_limit().limit == 50);
  CHECK(admin.rate_limit().remaining == 41);
}

TEST_CASE("adapters/richpanel: a next_page that never ends stops at the page cap") {
  Scripted s;
  // Page 2 points back at page 1: read as "forward by one", so the cap ends it.
  s.pages["/v1/tags"] = {R"({"tag":[],"next_page":2})", R"({"tag":[],"next_page":1})",
                         R"({"tag":[],"next_page":4})", R"({"tag":[],"next_page":5})",
                         R"({"tag":[],"next_page":6})"};
  RichpanelAdmin admin = s.admin(4);
  const auto tags = admin.list_tags();
  REQUIRE_FALSE(tags.has_value());
  CHECK(tags.error().kind == ErrorKind::permanent);
  CHECK(tags.error().code == "richpanel_too_many_pages");
  CHECK(s.seen().size() == 4);
}

TEST_CASE("adapters/richpanel: teams, channels and users parse their keys; users keep no email") {
  Scripted s;
  s.pages["/v1/teams"] = {R"({"team":[{"id":"tm1","name":"Returns Admin","members":[]}]})"};
  s.pages["/v1/channel"] = {R"({"channels":[{"id":"c1","type":"email"},{"id":"c2"}]})"};
  s.pages["/v1/users"] = {
      R"([{"id":"u1","name":"Bot","email":"bot@shop.example","role":"agent"},"junk"])"};
  RichpanelAdmin admin = s.admin();
  const auto teams = admin.list_teams();
  REQUIRE(teams.has_value());
  REQUIRE(teams->size() == 1);
  CHECK((*teams)[0].name == "Returns Admin");
  const auto channels = admin.list_channels();
  REQUIRE(channels.has_value());
  REQUIRE(channels->size() == 2);
  CHECK((*channels)[0].type == "email");
  const auto users = admin.list_users();  // a bare array; non-objects skipped
  REQUIRE(users.has_value());
  REQUIRE(users->size() == 1);
  CHECK((*users)[0].id == "u1");
  CHECK((*users)[0].role == "agent");

  s.pages["/v1/teams"] = {R"({"teams_list":[]})"};
  const auto odd = admin.list_teams();
  REQUIRE_FALSE(odd.has_value());
  CHECK(odd.error().code == "richpanel_unexpected_body");
}

TEST_CASE("adapters/richpanel: create_tag posts name and description, reads either shape") {
  Scripted s;
  s.created.body = R"({"tag":{"id":"new-1","name":"mw-processed"}})";
  RichpanelAdmin admin = s.admin();
  const auto tag = admin.create_tag("mw-processed", "rpmw: processed");
  REQUIRE(tag.has_value());
  CHECK(tag->id == "new-1");
  CHECK(tag->description == "rpmw: processed");
  CHECK(s.seen().back() == "/v1/tags");

  s.created.body = "{}";  // nothing useful answered: the request's fields stand
  const auto bare = admin.create_tag("mw-x", "d");
  REQUIRE(bare.has_value());
  CHECK(bare->name == "mw-x");
  CHECK(bare->id.empty());

  s.created = {400, {}, R"([{"value":"","msg":"Invalid value","param":"name"}])", {}};
  const auto refused = admin.create_tag("", "d");
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == "richpanel_400:name");
}

TEST_CASE("adapters/richpanel: get_ticket_by_number reads the ticket, 404 is not_found") {
  rpmw::richpanel_test::RichpanelFixture f;
  RichpanelAdmin admin(std::make_shared<RichpanelApi>(f.settings()));
  const auto ticket = admin.get_ticket_by_number("1042");
  REQUIRE(ticket.has_value());
  CHECK(ticket->id == rpmw::richpanel_test::kEmailId);
  const auto missing = admin.get_ticket_by_number("999999");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().kind == ErrorKind::not_found);
}

TEST_CASE("adapters/richpanel: list_tags reads every page of the fake; create_tag adds one") {
  rpmw::richpanel_test::RichpanelFixture f;
  for (int i = 0; i < 150; ++i) f.server.add_tag("tag-" + std::to_string(i));
  RichpanelAdmin admin(std::make_shared<RichpanelApi>(f.settings()));
  auto tags = admin.list_tags();
  REQUIRE(tags.has_value());
  CHECK(tags->size() == 150);
  CHECK(tags->back().name == "tag-149");
  CHECK(f.server.call_count() == 2);  // 100 + 50
  REQUIRE(admin.create_tag("mw-processed", "rpmw").has_value());
  const auto again = admin.create_tag("mw-processed", "rpmw");
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().code == "richpanel_409");
  tags = admin.list_tags();
  REQUIRE(tags.has_value());
  CHECK(tags->size() == 151);
}
