#include "adapters/aws/secrets_manager_secret_store.h"

#include <boost/json.hpp>

#include <utility>

namespace rpmw::adapters::aws {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

SecretsManagerSecretStore::SecretsManagerSecretStore(AwsJsonCaller& secrets,
                                                     const core::Clock& clock,
                                                     SecretsManagerOptions options)
    : secrets_(secrets), clock_(clock), options_(std::move(options)) {}

core::Result<std::string> SecretsManagerSecretStore::get(const std::string& name) {
  if (name.empty()) return core::fail(core::ErrorKind::invalid_input, "bad_secret_name");
  const auto now = clock_.now();
  {
    std::lock_guard lock(mutex_);
    if (const auto it = cache_.find(name);
        it != cache_.end() && now - it->second.fetched_at < options_.ttl) {
      return it->second.value;
    }
  }
  auto response = secrets_.call("GetSecretValue", {{"SecretId", options_.prefix + name}});
  if (!response) {
    std::lock_guard lock(mutex_);
    const auto it = cache_.find(name);
    if (response.error().retryable() && it != cache_.end()) return it->second.value;
    if (response.error().kind == core::ErrorKind::not_found) cache_.erase(name);
    return tl::unexpected(response.error());
  }
  const auto* value =
      response->is_object() ? response->get_object().if_contains("SecretString") : nullptr;
  if (value == nullptr || !value->is_string()) {
    // A binary secret (SecretBinary) is not something rpmw stores.
    return core::fail(core::ErrorKind::permanent, "secret_not_string");
  }
  std::string secret(value->get_string());
  std::lock_guard lock(mutex_);
  cache_[name] = Cached{secret, now};
  return secret;
}

std::vector<std::string> webhook_tokens_from_secret(std::string_view secret) {
  std::vector<std::string> tokens;
  const std::string_view text = trim(secret);
  if (text.starts_with("{")) {
    boost::system::error_code ec;
    const auto parsed = boost::json::parse(text, ec);
    if (ec || !parsed.is_object()) return tokens;
    const auto* list = parsed.get_object().if_contains("active_tokens");
    if (list == nullptr || !list->is_array()) return tokens;
    for (const auto& token : list->get_array()) {
      if (!token.is_string()) continue;
      const std::string_view t = trim(token.get_string());
      if (!t.empty()) tokens.emplace_back(t);
    }
    return tokens;
  }
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view t = trim(rest.substr(0, comma));
    if (!t.empty()) tokens.emplace_back(t);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return tokens;
}

}  // namespace rpmw::adapters::aws
