#pragma once
// An AwsJsonCaller that records every request and answers from a script, in order, so the
// DynamoDB adapter's exact requests (expressions, keys, TTLs) can be asserted without a server.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <deque>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "adapters/aws/aws_json_client.h"

namespace rpmw::adapters::aws::testing {

struct RecordedCall {
  std::string operation;
  boost::json::object request;
};

class ScriptedDdbCaller final : public AwsJsonCaller {
 public:
  // The next call answers `answer` (a JSON text).
  void answer(std::string_view json_text) {
    std::lock_guard lock(mutex_);
    script_.emplace_back(boost::json::parse(json_text));
  }
  // The next call fails with `code` mapped as the real client would map it.
  void fail(core::ErrorKind kind, std::string code) {
    std::lock_guard lock(mutex_);
    script_.emplace_back(tl::unexpected<core::Error>(core::Error{kind, std::move(code), {}}));
  }
  void fail_conditional() {
    fail(core::ErrorKind::conflict, "aws_ConditionalCheckFailedException");
  }

  core::Result<boost::json::value> call(std::string_view operation,
                                        const boost::json::object& request) override {
    std::lock_guard lock(mutex_);
    calls_.push_back(RecordedCall{std::string(operation), request});
    if (script_.empty()) {
      FAIL_CHECK("unscripted call " << std::string(operation));
      return tl::unexpected<core::Error>(core::Error{core::ErrorKind::internal, "unscripted", {}});
    }
    auto next = std::move(script_.front());
    script_.pop_front();
    return next;
  }

  const std::vector<RecordedCall>& calls() const { return calls_; }
  const RecordedCall& call_at(std::size_t i) const {
    REQUIRE(i < calls_.size());
    return calls_[i];
  }
  bool script_used_up() const { return script_.empty(); }

 private:
  std::mutex mutex_;
  std::deque<core::Result<boost::json::value>> script_;
  std::vector<RecordedCall> calls_;
};

// Compares a request with the JSON text it should equal, printing both on a mismatch.
inline void check_request(const boost::json::object& actual, std::string_view expected_json) {
  const auto expected = boost::json::parse(expected_json);
  INFO("actual:   " << boost::json::serialize(actual));
  INFO("expected: " << boost::json::serialize(expected));
  CHECK(boost::json::value(actual) == expected);
}

}  // namespace rpmw::adapters::aws::testing
