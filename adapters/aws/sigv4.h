#pragma once
// Our own AWS Signature Version 4 computation (canonical request, string to sign, signing key,
// signature). Production requests are signed by libcurl (CURLOPT_AWS_SIGV4); this independent
// implementation pins that signing down in tests: against AWS's published test-suite vectors and
// against the Authorization header curl actually sends.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rpmw::adapters::aws {

struct SigV4Input {
  std::string method;                                        // "GET", "POST"
  std::string path = "/";                                    // not yet URI-encoded
  std::vector<std::pair<std::string, std::string>> query;    // decoded name, value
  std::vector<std::pair<std::string, std::string>> headers;  // every one is signed
  std::string body;
  std::string amz_date;  // "20150830T123600Z"; added as x-amz-date unless a header has it
};

struct SigV4Scope {
  std::string access_key_id;
  std::string secret_access_key;
  std::string region;
  std::string service;
};

struct SigV4Result {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-date"
  std::string signature;       // lower-case hex
  std::string authorization;   // the Authorization header value
};

SigV4Result sigv4_sign(const SigV4Input& input, const SigV4Scope& scope);

std::string sha256_hex(std::string_view data);
// The 32-byte key of HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
// "aws4_request").
std::string sigv4_signing_key(std::string_view secret, std::string_view date,
                              std::string_view region, std::string_view service);
// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters kept, everything else
// %XX in upper case; '/' kept when `keep_slash` (paths).
std::string sigv4_uri_encode(std::string_view text, bool keep_slash);

}  // namespace rpmw::adapters::aws
