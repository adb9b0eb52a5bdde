#include "adapters/aws/ssm_flag_store.h"

#include <utility>

namespace rpmw::adapters::aws {
namespace {

std::string text_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// SSM parameter names allow letters, digits and "_.-/"; a flag name adds no '/' of its own.
bool valid_flag_name(const std::string& name) {
  if (name.empty() || name.size() > 200) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

SsmFlagStore::SsmFlagStore(AwsJsonCaller& ssm, std::string prefix)
    : ssm_(ssm), prefix_(std::move(prefix)) {
  if (prefix_.empty() || prefix_.front() != '/') prefix_.insert(prefix_.begin(), '/');
  if (prefix_.back() != '/') prefix_.push_back('/');
}

core::Result<std::string> SsmFlagStore::parameter_name(const std::string& flag) const {
  if (!valid_flag_name(flag)) return core::fail(core::ErrorKind::invalid_input, "bad_flag_name");
  return prefix_ + flag;
}

core::Result<std::optional<std::string>> SsmFlagStore::get(const std::string& name) {
  auto parameter = parameter_name(name);
  if (!parameter) return tl::unexpected(parameter.error());
  auto response = ssm_.call("GetParameter", {{"Name", *parameter}});
  if (!response) {
    if (response.error().kind == core::ErrorKind::not_found) return std::optional<std::string>();
    return tl::unexpected(response.error());
  }
  const auto* p = response->is_object() ? response->get_object().if_contains("Parameter") : nullptr;
  if (p == nullptr || !p->is_object()) {
    return core::fail(core::ErrorKind::transient, "aws_invalid_response");
  }
  return std::optional<std::string>(text_of(p->get_object(), "Value"));
}

core::Result<std::map<std::string, std::string>> SsmFlagStore::list() {
  std::map<std::string, std::string> flags;
  std::string next_token;
  // The path is the prefix without its trailing '/'.
  const std::string path = prefix_.size() > 1 ? prefix_.substr(0, prefix_.size() - 1) : prefix_;
  for (int page = 0; page < 1000; ++page) {
    boost::json::object request{{"Path", path}, {"Recursive", true}, {"MaxResults", 10}};
    if (!next_token.empty()) request["NextToken"] = next_token;
    auto response = ssm_.call("GetParametersByPath", request);
    if (!response) return tl::unexpected(response.error());
    if (!response->is_object())
      return core::fail(core::ErrorKind::transient, "aws_invalid_response");
    const auto& body = response->get_object();
    if (const auto* parameters = body.if_contains("Parameters");
        parameters != nullptr && parameters->is_array()) {
      for (const auto& p : parameters->get_array()) {
        if (!p.is_object()) continue;
        const std::string name = text_of(p.get_object(), "Name");
        if (!name.starts_with(prefix_) || name.size() == prefix_.size()) continue;
        flags[name.substr(prefix_.size())] = text_of(p.get_object(), "Value");
      }
    }
    next_token = text_of(body, "NextToken");
    if (next_token.empty()) return flags;
  }
  return core::fail(core::ErrorKind::internal, "ssm_paging_runaway");
}

core::Status SsmFlagStore::set(const std::string& name, const std::string& value) {
  auto parameter = parameter_name(name);
  if (!parameter) return tl::unexpected(parameter.error());
  if (value.empty()) return core::fail(core::ErrorKind::invalid_input, "empty_flag_value");
  auto response =
      ssm_.call("PutParameter",
                {{"Name", *parameter}, {"Value", value}, {"Type", "String"}, {"Overwrite", true}});
  if (!response) return tl::unexpected(response.error());
  return {};
}

}  // namespace rpmw::adapters::aws
