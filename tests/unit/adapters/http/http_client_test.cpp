#include "adapters/http/http_client.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include <boost/asio.hpp>

#include "tests/fakes/fake_llm_server.h"

using rpmw::adapters::http::HttpClient;
using rpmw::adapters::http::HttpClientOptions;
using rpmw::adapters::http::HttpRequest;
using rpmw::core::ErrorKind;
using rpmw::fakes::FakeLlmMode;
using rpmw::fakes::FakeLlmServer;

// The fake LLM server doubles as a plain loopback HTTP target here.
namespace {

HttpClientOptions loopback() {
  HttpClientOptions options;
  options.allowed_hosts = {"127.0.0.1"};
  return options;
}

HttpRequest completion_request(const FakeLlmServer& server) {
  HttpRequest request;
  request.method = "POST";
  request.url = server.base_url() + "/chat/completions";
  request.headers = {{"Content-Type", "application/json"}, {"X-Test", "yes"}};
  request.body = R"({"response_format":{"json_schema":{"name":"mw_decision_v1"}}})";
  return request;
}

}  // namespace

TEST_CASE("adapters/http: sends method, headers and body and returns the response") {
  FakeLlmServer server;
  HttpClient client(loopback());
  const auto response = client.send(completion_request(server));
  REQUIRE(response.has_value());
  CHECK(response->status == 200);
  CHECK(response->header("content-type") == "application/json");
  CHECK(response->headers.count("Content-Type") == 0);  // names are lower-case
  CHECK(response->body.find("chat.completion") != std::string::npos);

  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].target == "/v1/chat/completions");
  CHECK(requests[0].header("x-test") == "yes");
  CHECK(requests[0].header("content-type") == "application/json");
  CHECK(requests[0].header("expect").empty());
  CHECK(requests[0].body == completion_request(server).body);
}

TEST_CASE("adapters/http: a response of any status is a value") {
  FakeLlmServer server;
  HttpClient client(loopback());
  server.set_mode(FakeLlmMode::status_429);
  server.set_retry_after("12");
  auto response = client.send(completion_request(server));
  REQUIRE(response.has_value());
  CHECK(response->status == 429);
  CHECK(response->header("retry-after") == "12");

  server.set_mode(FakeLlmMode::status_500);
  response = client.send(completion_request(server));
  REQUIRE(response.has_value());
  CHECK(response->status == 500);

  HttpRequest get;
  get.url = server.base_url() + "/nothing-here";
  response = client.send(get);
  REQUIRE(response.has_value());
  CHECK(response->status == 404);
  CHECK(server.requests().back().method == "GET");
}

TEST_CASE("adapters/http: one client reuses its handle across requests") {
  FakeLlmServer server;
  HttpClient client(loopback());
  for (int i = 0; i < 3; ++i) {
    const auto response = client.send(completion_request(server));
    REQUIRE(response.has_value());
    CHECK(response->status == 200);
  }
  // Options do not leak from one request into the next: a GET after POSTs has no body.
  HttpRequest get;
  get.url = server.base_url() + "/models";
  REQUIRE(client.send(get).has_value());
  CHECK(server.requests().back().method == "GET");
  CHECK(server.requests().back().body.empty());
  CHECK(server.request_count() == 4);
}

TEST_CASE("adapters/http: a slow answer is a transient timeout") {
  FakeLlmServer server;
  server.set_mode(FakeLlmMode::timeout);
  HttpClient client(loopback());
  auto request = completion_request(server);
  request.total_timeout = std::chrono::milliseconds(200);
  const auto response = client.send(request);
  REQUIRE_FALSE(response.has_value());
  CHECK(response.error().kind == ErrorKind::transient);
  CHECK(response.error().code == "timeout");
}

TEST_CASE("adapters/http: a refused connection is a transient connect_failed") {
  std::uint16_t port = 0;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(
        io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    port = acceptor.local_endpoint().port();
  }
  HttpClient client(loopback());
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  const auto response = client.send(request);
  REQUIRE_FALSE(response.has_value());
  CHECK(response.error().kind == ErrorKind::transient);
  CHECK(response.error().code == "connect_failed");
}

TEST_CASE("adapters/http: other transport failures are transient http_error") {
  // A peer that accepts and hangs up without answering: curl's "empty reply".
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  std::thread peer([&] {
    boost::asio::ip::tcp::socket socket = acceptor.accept();
    char buffer[1024];
    boost::system::error_code ignored;
    (void)socket.read_some(boost::asio::buffer(buffer), ignored);
    socket.close();
  });
  HttpClient client(loopback());
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/";
  const auto response = client.send(request);
  peer.join();
  REQUIRE_FALSE(response.has_value());
  CHECK(response.error().kind == ErrorKind::transient);
  CHECK(response.error().code == "http_error");
}

TEST_CASE("adapters/http: a body over the limit is a permanent response_too_large") {
  FakeLlmServer server;
  HttpClientOptions options = loopback();
  options.max_response_bytes = 64;
  HttpClient client(options);
  const auto response = client.send(completion_request(server));
  REQUIRE_FALSE(response.has_value());
  CHECK(response.error().kind == ErrorKind::permanent);
  CHECK(response.error().code == "response_too_large");
}
