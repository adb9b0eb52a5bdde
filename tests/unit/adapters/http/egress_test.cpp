// The egress rules of HttpClient: allow-listed hosts only, http(s) only, no redirects followed.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <vector>

#include "adapters/http/http_client.h"
#include "tests/fakes/fake_http_server.h"

using rpmw::adapters::http::HttpClient;
using rpmw::adapters::http::HttpClientOptions;
using rpmw::adapters::http::HttpClientPool;
using rpmw::adapters::http::HttpRequest;
using rpmw::adapters::http::url_host;
using rpmw::core::ErrorKind;
using rpmw::fakes::FakeHttpReply;
using rpmw::fakes::FakeHttpRequest;
using rpmw::fakes::FakeHttpServer;

namespace {

// A loopback server that counts what reaches it and answers with `reply`.
struct CountingServer {
  explicit CountingServer(FakeHttpReply reply = {})
      : server(0, [this, reply](const FakeHttpRequest&) {
          ++seen;
          return reply;
        }) {}
  std::string url(const std::string& host, const std::string& path = "/") const {
    return "http://" + host + ":" + std::to_string(server.port()) + path;
  }
  std::atomic<int> seen{0};
  FakeHttpServer server;
};

HttpClientOptions allow(std::vector<std::string> hosts) {
  HttpClientOptions options;
  options.allowed_hosts = std::move(hosts);
  return options;
}

HttpRequest get(std::string url) {
  HttpRequest request;
  request.url = std::move(url);
  return request;
}

void check_denied(HttpClient& client, const std::string& url) {
  const auto response = client.send(get(url));
  REQUIRE_FALSE(response.has_value());
  CHECK(response.error().kind == ErrorKind::permanent);
  CHECK(response.error().code == "egress_denied");
}

}  // namespace

TEST_CASE("adapters/http: url_host is the lower-case host curl parses") {
  CHECK(url_host("https://API.Richpanel.com/v1/users") == "api.richpanel.com");
  CHECK(url_host("http://127.0.0.1:8080") == "127.0.0.1");
  CHECK(url_host("http://[::1]:9/x") == "[::1]");
  CHECK(url_host("http://api.richpanel.com@evil.example/") == "evil.example");
  CHECK(url_host("ftp://api.richpanel.com/") == "");
  CHECK(url_host("not a url") == "");
}

TEST_CASE("adapters/http: a host outside the allow-list is refused before any network activity") {
  CountingServer target;
  HttpClient client(allow({"127.0.0.1"}));
  check_denied(client, target.url("localhost"));
  // Userinfo cannot smuggle another host past the check.
  check_denied(client, "http://127.0.0.1@localhost:" + std::to_string(target.server.port()) + "/");
  check_denied(client, "ftp://127.0.0.1/file");  // only http and https
  CHECK(target.seen == 0);

  const auto ok = client.send(get(target.url("127.0.0.1")));
  REQUIRE(ok.has_value());
  CHECK(ok->status == 200);
  CHECK(target.seen == 1);
}

TEST_CASE("adapters/http: an empty allow-list refuses everything; names match case-insensitively") {
  CountingServer target;
  HttpClient closed;
  check_denied(closed, target.url("127.0.0.1"));
  HttpClientPool pool(allow({"LocalHost"}));
  const auto response = pool.send(get(target.url("LOCALHOST")));
  REQUIRE(response.has_value());
  CHECK(response->status == 200);
  CHECK(target.seen == 1);
}

TEST_CASE("adapters/http: an unparsable URL is a permanent invalid_url") {
  HttpClient client(allow({"127.0.0.1"}));
  const auto response = client.send(get("http://"));
  REQUIRE_FALSE(response.has_value());
  CHECK(response.error().kind == ErrorKind::permanent);
  CHECK(response.error().code == "invalid_url");
}

TEST_CASE("adapters/http: a 302 is never followed and is not a success") {
  CountingServer elsewhere;
  FakeHttpReply redirect;
  redirect.status = 302;
  redirect.headers = {{"Location", elsewhere.url("localhost", "/steal")}};
  CountingServer origin(redirect);
  HttpClient client(allow({"127.0.0.1", "localhost"}));
  const auto response = client.send(get(origin.url("127.0.0.1")));
  REQUIRE_FALSE(response.has_value());
  CHECK(response.error().kind == ErrorKind::permanent);
  CHECK(response.error().code == "redirect_not_followed");
  CHECK(origin.seen == 1);
  CHECK(elsewhere.seen == 0);
}
