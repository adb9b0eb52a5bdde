#pragma once
// FlagStore on SSM Parameter Store: one String parameter per flag under a prefix
// ("/rpmw/<env>/flags/" + name). Raw storage only: defaults, the 30 s cache and the fail-safe on
// read errors live in core::flags::FlagService.
#include <map>
#include <optional>
#include <string>

#include "adapters/aws/aws_json_client.h"
#include "core/ports/flag_store.h"

namespace rpmw::adapters::aws {

class SsmFlagStore final : public core::FlagStore {
 public:
  // `ssm` (an AwsJsonClient for ssm_service()) outlives the store. `prefix` starts with '/';
  // a missing trailing '/' is added.
  SsmFlagStore(AwsJsonCaller& ssm, std::string prefix);

  core::Result<std::optional<std::string>> get(const std::string& name) override;
  // Every parameter under the prefix (GetParametersByPath, recursive, paged with NextToken).
  core::Result<std::map<std::string, std::string>> list() override;
  // PutParameter, Type String, Overwrite.
  core::Status set(const std::string& name, const std::string& value) override;

  const std::string& prefix() const { return prefix_; }

 private:
  core::Result<std::string> parameter_name(const std::string& flag) const;

  AwsJsonCaller& ssm_;
  std::string prefix_;
};

}  // namespace rpmw::adapters::aws
