// Our SigV4 computation against AWS's published aws-sig-v4-test-suite (header form): access key
// AKIDEXAMPLE, region us-east-1, service "service", 20150830T123600Z. Every stage is checked.
#include "adapters/aws/sigv4.h"

#include <doctest/doctest.h>

#include <string>

using rpmw::adapters::aws::sha256_hex;
using rpmw::adapters::aws::sigv4_sign;
using rpmw::adapters::aws::sigv4_uri_encode;
using rpmw::adapters::aws::SigV4Input;
using rpmw::adapters::aws::SigV4Scope;

namespace {

const SigV4Scope kSuite{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1",
                        "service"};
constexpr const char* kEmptyHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

SigV4Input suite_request(std::string method) {
  SigV4Input input;
  input.method = std::move(method);
  input.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  return input;
}

std::string string_to_sign(const std::string& creq_hash) {
  return "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n" +
         creq_hash;
}

std::string authorization(const std::string& signed_headers, const std::string& signature) {
  return "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
         "SignedHeaders=" +
         signed_headers + ", Signature=" + signature;
}

}  // namespace

TEST_CASE("adapters/aws: sigv4 get-vanilla") {
  const auto r = sigv4_sign(suite_request("GET"), kSuite);
  CHECK(r.canonical_request == std::string("GET\n/\n\nhost:example.amazonaws.com\n"
                                           "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n") +
                                   kEmptyHash);
  CHECK(r.string_to_sign ==
        string_to_sign("bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"));
  CHECK(r.signature == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  CHECK(r.authorization ==
        authorization("host;x-amz-date",
                      "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
}

TEST_CASE("adapters/aws: sigv4 get-vanilla-query-order-key-case") {
  auto input = suite_request("GET");
  input.query = {{"Param2", "value2"}, {"Param1", "value1"}};
  const auto r = sigv4_sign(input, kSuite);
  CHECK(r.canonical_request ==
        std::string("GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\n"
                    "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n") +
            kEmptyHash);
  CHECK(r.string_to_sign ==
        string_to_sign("816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0"));
  CHECK(r.signature == "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST_CASE("adapters/aws: sigv4 post-vanilla") {
  const auto r = sigv4_sign(suite_request("POST"), kSuite);
  CHECK(r.canonical_request == std::string("POST\n/\n\nhost:example.amazonaws.com\n"
                                           "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n") +
                                   kEmptyHash);
  CHECK(r.string_to_sign ==
        string_to_sign("553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87"));
  CHECK(r.signature == "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

TEST_CASE("adapters/aws: sigv4 post-x-www-form-urlencoded") {
  auto input = suite_request("POST");
  input.headers.insert(input.headers.begin(),
                       {"Content-Type", "application/x-www-form-urlencoded"});
  input.body = "Param1=value1";
  const auto r = sigv4_sign(input, kSuite);
  CHECK(r.canonical_request ==
        "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\n"
        "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
        "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  CHECK(r.string_to_sign ==
        string_to_sign("42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281"));
  CHECK(r.signature == "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
  CHECK(r.authorization ==
        authorization("content-type;host;x-amz-date",
                      "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"));
}

TEST_CASE("adapters/aws: sigv4 post-header-key-sort") {
  auto input = suite_request("POST");
  input.headers.emplace_back("My-Header1", "value1");
  const auto r = sigv4_sign(input, kSuite);
  CHECK(r.canonical_request ==
        std::string("POST\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\n"
                    "x-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\n") +
            kEmptyHash);
  CHECK(r.string_to_sign ==
        string_to_sign("9368318c2967cf6de74404b30c65a91e8f6253e0a8659d6d5319f1a812f87d65"));
  CHECK(r.signature == "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c");
}

TEST_CASE("adapters/aws: sigv4 get-header-value-trim and get-header-key-duplicate") {
  auto trim = suite_request("GET");
  trim.headers.emplace_back("My-Header1", " value1");
  trim.headers.emplace_back("My-Header2", " \"a   b   c\"");
  const auto t = sigv4_sign(trim, kSuite);
  CHECK(t.canonical_request.find("\nmy-header1:value1\nmy-header2:\"a b c\"\n") !=
        std::string::npos);
  CHECK(t.signature == "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736");

  auto duplicate = suite_request("GET");
  duplicate.headers.emplace_back("My-Header1", "value2");
  duplicate.headers.emplace_back("My-Header1", "value2");
  duplicate.headers.emplace_back("My-Header1", "value1");
  const auto d = sigv4_sign(duplicate, kSuite);
  CHECK(d.canonical_request.find("\nmy-header1:value2,value2,value1\n") != std::string::npos);
  CHECK(d.signature == "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea");
}

TEST_CASE("adapters/aws: sigv4 helpers") {
  CHECK(sha256_hex("") == kEmptyHash);
  CHECK(sigv4_uri_encode("aA1-._~", false) == "aA1-._~");
  CHECK(sigv4_uri_encode("a b/c:d", false) == "a%20b%2Fc%3Ad");
  CHECK(sigv4_uri_encode("/a b/", true) == "/a%20b/");
  // The date header is added when the caller gives only amz_date.
  SigV4Input input;
  input.method = "GET";
  input.headers = {{"Host", "example.amazonaws.com"}};
  input.amz_date = "20150830T123600Z";
  CHECK(sigv4_sign(input, kSuite).signature ==
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}
