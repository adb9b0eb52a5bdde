#pragma once
// An AwsJsonCaller that records operations and answers from a script (unit tests of adapters).
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "adapters/aws/aws_json_client.h"

namespace rpmw::testing {

class ScriptedAwsCaller final : public adapters::aws::AwsJsonCaller {
 public:
  void answer(core::Result<boost::json::value> result) { script_.push_back(std::move(result)); }
  core::Result<boost::json::value> call(std::string_view operation,
                                        const boost::json::object& request) override {
    calls.emplace_back(std::string(operation), request);
    if (script_.empty()) return core::fail(core::ErrorKind::internal, "unscripted_call");
    auto next = std::move(script_.front());
    script_.pop_front();
    return next;
  }
  std::vector<std::pair<std::string, boost::json::object>> calls;

 private:
  std::deque<core::Result<boost::json::value>> script_;
};

}  // namespace rpmw::testing
