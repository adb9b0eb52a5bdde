#pragma once
// Driving `rpmw lambda` in tests: the fake Runtime API process (tests/fakes/fake_lambda_runtime)
// with its control API, and builders for API Gateway v2 and SQS events.
#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/integration/fake_process.h"
#include "tests/support/support.h"

namespace rpmw::itest {

using namespace rpmw::testing;
namespace json = boost::json;

class FakeLambdaRuntimeProcess {
 public:
  explicit FakeLambdaRuntimeProcess(const TempDir& dir, const std::string& name = "lambda-api");
  std::string address() const { return "127.0.0.1:" + process_.port(); }
  // Queues one invocation; returns its request id.
  std::string invoke(const std::string& event, std::int64_t deadline_in_ms = 30000);
  // The recorded response or error of `request_id`; REQUIREs one within 20 s.
  json::object outcome(const std::string& request_id);
  std::optional<json::object> init_error(std::chrono::milliseconds wait);
  json::object stats();

 private:
  FakeProcess process_;
  HttpClient http_;
};

// `rpmw lambda` (or `program args…` for the chroot) with the Lambda environment. Its stdout and
// stderr go to the suite-wide log directory (options().stdout_path), scanned for PII at the end.
std::unique_ptr<Process> start_lambda(const std::string& handler, const std::string& api,
                                      const std::string& name,
                                      const std::map<std::string, std::string>& env,
                                      const std::string& program = {},
                                      const std::vector<std::string>& args = {"lambda"});

std::string base64_encode(const std::string& bytes);

std::string apigw_event(const std::string& method, const std::string& path, const Headers& headers,
                        const std::string& body, bool base64 = false);

struct SqsMessage {
  SqsMessage(std::string id_, std::string group_, std::string body_, int receive_count_ = 1,
             std::string dedup_key_ = {}, std::map<std::string, std::string> attributes_ = {})
      : id(std::move(id_)),
        group(std::move(group_)),
        body(std::move(body_)),
        receive_count(receive_count_),
        dedup_key(std::move(dedup_key_)),
        attributes(std::move(attributes_)) {}
  std::string id;
  std::string group;
  std::string body;
  int receive_count = 1;
  std::string dedup_key;                          // empty: "dedup-<id>"
  std::map<std::string, std::string> attributes;  // message attributes (String)
};
std::string sqs_event(const std::vector<SqsMessage>& messages);

// The API Gateway response carried by a "response" outcome (REQUIREs one).
json::object apigw_response(const json::object& outcome);
// batchItemFailures' itemIdentifiers of a worker "response" outcome.
std::vector<std::string> failed_items(const json::object& outcome);

// A queued envelope as rpmw's ingress writes it (core/ingest/webhook.cpp encode_envelope).
std::string envelope(const std::string& ticket_id, const std::string& message_id,
                     const std::string& text);

}  // namespace rpmw::itest
