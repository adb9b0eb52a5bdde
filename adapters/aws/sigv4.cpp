#include "adapters/aws/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace rpmw::adapters::aws {
namespace {

std::string hex(const unsigned char* data, std::size_t size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(digits[data[i] >> 4]);
    out.push_back(digits[data[i] & 0x0f]);
  }
  return out;
}

std::string hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &size);
  return std::string(reinterpret_cast<const char*>(out), size);
}

std::string lower(std::string_view in) {
  std::string out(in);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Leading/trailing spaces removed, inner runs of spaces collapsed to one.
std::string trim_all(std::string_view value) {
  std::string out;
  bool space = false;
  for (const char c : value) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return hex(digest, sizeof digest);
}

std::string sigv4_signing_key(std::string_view secret, std::string_view date,
                              std::string_view region, std::string_view service) {
  const std::string k_date = hmac("AWS4" + std::string(secret), date);
  const std::string k_region = hmac(k_date, region);
  const std::string k_service = hmac(k_region, service);
  return hmac(k_service, "aws4_request");
}

std::string sigv4_uri_encode(std::string_view text, bool keep_slash) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 0x0f]);
    }
  }
  return out;
}

SigV4Result sigv4_sign(const SigV4Input& input, const SigV4Scope& scope) {
  SigV4Result result;

  std::vector<std::pair<std::string, std::string>> query;
  for (const auto& [name, value] : input.query) {
    query.emplace_back(sigv4_uri_encode(name, false), sigv4_uri_encode(value, false));
  }
  std::sort(query.begin(), query.end());
  std::string canonical_query;
  for (const auto& [name, value] : query) {
    if (!canonical_query.empty()) canonical_query += '&';
    canonical_query += name + "=" + value;
  }

  // Repeated headers are joined with ',' in the order given.
  std::map<std::string, std::string> headers;
  for (const auto& [name, value] : input.headers) {
    auto [it, inserted] = headers.try_emplace(lower(name), trim_all(value));
    if (!inserted) it->second += "," + trim_all(value);
  }
  headers.try_emplace("x-amz-date", input.amz_date);
  const std::string amz_date = headers["x-amz-date"];

  std::string canonical_headers;
  for (const auto& [name, value] : headers) {
    canonical_headers += name + ":" + value + "\n";
    if (!result.signed_headers.empty()) result.signed_headers += ';';
    result.signed_headers += name;
  }

  const std::string path = input.path.empty() ? "/" : input.path;
  result.canonical_request = input.method + "\n" + sigv4_uri_encode(path, true) + "\n" +
                             canonical_query + "\n" + canonical_headers + "\n" +
                             result.signed_headers + "\n" + sha256_hex(input.body);

  const std::string date = amz_date.substr(0, 8);
  const std::string credential_scope =
      date + "/" + scope.region + "/" + scope.service + "/aws4_request";
  result.string_to_sign = "AWS4-HMAC-SHA256\n" + amz_date + "\n" + credential_scope + "\n" +
                          sha256_hex(result.canonical_request);

  const std::string key =
      sigv4_signing_key(scope.secret_access_key, date, scope.region, scope.service);
  const std::string mac = hmac(key, result.string_to_sign);
  result.signature = hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
  result.authorization = "AWS4-HMAC-SHA256 Credential=" + scope.access_key_id + "/" +
                         credential_scope + ", SignedHeaders=" + result.signed_headers +
                         ", Signature=" + result.signature;
  return result;
}

}  // namespace rpmw::adapters::aws
