// HttpClient with SigV4: what curl signs and sends, and the requests it refuses to sign.
#include <doctest/doctest.h>

#include <mutex>
#include <string>
#include <vector>

#include "adapters/http/http_client.h"
#include "tests/fakes/fake_http_server.h"

using rpmw::adapters::http::AwsSigV4;
using rpmw::adapters::http::HttpClient;
using rpmw::adapters::http::HttpClientOptions;
using rpmw::adapters::http::HttpRequest;
using rpmw::core::ErrorKind;
using rpmw::fakes::FakeHttpReply;
using rpmw::fakes::FakeHttpRequest;
using rpmw::fakes::FakeHttpServer;

namespace {

struct CapturingServer {
  CapturingServer()
      : server(0, [this](const FakeHttpRequest& request) {
          std::lock_guard lock(mutex);
          seen.push_back(request);
          return FakeHttpReply{200, {}, "{}"};
        }) {}
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server.port()) + "/"; }
  std::vector<FakeHttpRequest> requests() {
    std::lock_guard lock(mutex);
    return seen;
  }
  std::mutex mutex;
  std::vector<FakeHttpRequest> seen;
  FakeHttpServer server;
};

HttpClientOptions loopback() {
  HttpClientOptions options;
  options.allowed_hosts = {"127.0.0.1"};
  return options;
}

HttpRequest signed_post(const CapturingServer& server, std::string token = "") {
  HttpRequest request;
  request.method = "POST";
  request.url = server.url();
  request.headers = {{"Content-Type", "application/x-amz-json-1.0"},
                     {"X-Amz-Target", "AmazonSQS.ListQueues"}};
  request.body = R"({"MaxResults":1})";
  request.sigv4 = AwsSigV4{"eu-west-1", "sqs", "AKIDEXAMPLE", "secret", std::move(token)};
  return request;
}

std::string header(const FakeHttpRequest& request, const char* name) {
  const auto it = request.find(name);
  return it == request.end() ? std::string() : std::string(it->value());
}

}  // namespace

TEST_CASE("adapters/http: a signed request carries a SigV4 Authorization over what it sends") {
  CapturingServer server;
  HttpClient client(loopback());
  const auto response = client.send(signed_post(server, "session-token-1"));
  REQUIRE(response.has_value());
  CHECK(response->status == 200);

  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const FakeHttpRequest& seen = requests[0];
  const std::string authorization = header(seen, "authorization");
  CHECK(authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
  CHECK(authorization.find("/eu-west-1/sqs/aws4_request") != std::string::npos);
  CHECK(authorization.find("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;"
                           "x-amz-target,") != std::string::npos);
  CHECK(header(seen, "host") == "127.0.0.1:" + std::to_string(server.server.port()));
  CHECK(header(seen, "x-amz-security-token") == "session-token-1");
  CHECK(header(seen, "x-amz-date").size() == 16);  // 20150830T123600Z
  CHECK(header(seen, "expect").empty());
  CHECK(header(seen, "content-type") == "application/x-amz-json-1.0");
  CHECK(seen.body() == R"({"MaxResults":1})");
}

TEST_CASE("adapters/http: without a session token no security-token header is signed or sent") {
  CapturingServer server;
  HttpClient client(loopback());
  REQUIRE(client.send(signed_post(server)).has_value());
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(header(requests[0], "x-amz-security-token").empty());
  CHECK(header(requests[0], "authorization")
            .find("SignedHeaders=content-type;host;x-amz-date;x-amz-target,") != std::string::npos);
}

TEST_CASE("adapters/http: a signed request that curl would sign wrongly is refused unsent") {
  CapturingServer server;
  HttpClient client(loopback());

  auto empty_header = signed_post(server);
  empty_header.headers.emplace_back("X-Empty", "");
  auto result = client.send(empty_header);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().kind == ErrorKind::invalid_input);
  CHECK(result.error().code == "signed_empty_header");

  auto no_type = signed_post(server);
  no_type.headers.erase(no_type.headers.begin());
  result = client.send(no_type);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == "signed_body_without_content_type");

  auto no_region = signed_post(server);
  no_region.sigv4->region.clear();
  result = client.send(no_region);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == "sigv4_region_and_service_required");

  auto no_service = signed_post(server);
  no_service.sigv4->service.clear();
  CHECK_FALSE(client.send(no_service).has_value());

  CHECK(server.requests().empty());
  // The handle is still usable after the refusals.
  CHECK(client.send(signed_post(server)).has_value());
  CHECK(server.requests().size() == 1);
}

TEST_CASE("adapters/http: a signed SQS-sized body goes without Expect: 100-continue") {
  // SQS takes up to 256 KiB per message; curl 7.88 adds the (unsigned) Expect header only above
  // 1 MiB, so a signed AWS call never waits for a 100 Continue.
  CapturingServer server;
  HttpClient client(loopback());
  auto request = signed_post(server);
  request.body = R"({"MessageBody":")" + std::string(256 * 1024, 'x') + R"("})";
  const auto response = client.send(request);
  REQUIRE(response.has_value());
  CHECK(response->status == 200);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(header(requests[0], "expect").empty());
  CHECK(requests[0].body().size() == request.body.size());
}
