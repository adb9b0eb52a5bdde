#include "tests/integration/lambda_helpers.h"

#include <doctest/doctest.h>

#include "tests/integration/helpers.h"

namespace rpmw::itest {

FakeLambdaRuntimeProcess::FakeLambdaRuntimeProcess(const TempDir& dir, const std::string& name)
    : process_("FAKE_LAMBDA_RUNTIME_BIN", {}, dir, name) {}

std::string FakeLambdaRuntimeProcess::invoke(const std::string& event,
                                             std::int64_t deadline_in_ms) {
  const auto r = http_.request("POST",
                               "http://" + address() + "/_control/invocations?deadline_in_ms=" +
                                   std::to_string(deadline_in_ms),
                               {}, event);
  REQUIRE(r.status == 200);
  return std::string(json::parse(r.body).at("request_id").as_string());
}

json::object FakeLambdaRuntimeProcess::outcome(const std::string& request_id) {
  const auto r = http_.request(
      "GET", "http://" + address() + "/_control/outcomes/" + request_id + "?wait_ms=20000", {}, {},
      std::chrono::seconds(30));
  REQUIRE_MESSAGE(r.status == 200, "no outcome for " << request_id);
  return json::parse(r.body).as_object();
}

std::optional<json::object> FakeLambdaRuntimeProcess::init_error(std::chrono::milliseconds wait) {
  const auto r = http_.request(
      "GET", "http://" + address() + "/_control/init_error?wait_ms=" + std::to_string(wait.count()),
      {}, {}, wait + std::chrono::seconds(10));
  if (r.status != 200) return std::nullopt;
  return json::parse(r.body).as_object();
}

json::object FakeLambdaRuntimeProcess::stats() {
  const auto r = http_.get("http://" + address() + "/_control/stats");
  REQUIRE(r.status == 200);
  return json::parse(r.body).as_object();
}

std::unique_ptr<Process> start_lambda(const std::string& handler, const std::string& api,
                                      const std::string& name,
                                      const std::map<std::string, std::string>& env,
                                      const std::string& program,
                                      const std::vector<std::string>& args) {
  ProcessOptions options;
  if (program.empty()) {
    const char* bin = std::getenv("RPMW_BIN");
    REQUIRE_MESSAGE(bin != nullptr, "RPMW_BIN is not set");
    options.program = bin;
  } else {
    options.program = program;
  }
  options.args = args;
  options.env = {{"AWS_LAMBDA_RUNTIME_API", api},
                 {"_HANDLER", handler},
                 {"AWS_LAMBDA_FUNCTION_NAME", "rpmw-test-" + handler},
                 {"AWS_REGION", "us-east-1"}};
  for (const auto& [k, v] : env) options.env.emplace_back(k, v);
  // In the suite-wide log directory, so the PII scan (99_pii_log_scan_test.cpp) reads them too.
  ProcessLogPaths logs = register_process_logs("lambda-" + name);
  options.stdout_path = std::move(logs.stdout_path);
  options.stderr_path = std::move(logs.stderr_path);
  return std::make_unique<Process>(options);
}

std::string base64_encode(const std::string& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out.push_back(kAlphabet[(v >> shift) & 63]);
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

std::string apigw_event(const std::string& method, const std::string& path, const Headers& headers,
                        const std::string& body, bool base64) {
  json::object h;
  for (const auto& [name, value] : headers) h[name] = value;
  json::object event{{"version", "2.0"},
                     {"routeKey", "POST /webhooks/richpanel"},
                     {"rawPath", path},
                     {"rawQueryString", ""},
                     {"headers", std::move(h)},
                     {"requestContext",
                      {{"http", {{"method", method}, {"path", path}, {"sourceIp", "203.0.113.10"}}},
                       {"requestId", "apigw-req-1"}}},
                     {"body", base64 ? base64_encode(body) : body},
                     {"isBase64Encoded", base64}};
  return json::serialize(event);
}

std::string sqs_event(const std::vector<SqsMessage>& messages) {
  json::array records;
  for (const auto& m : messages) {
    json::object attributes;
    for (const auto& [name, value] : m.attributes) {
      attributes[name] = json::object{{"stringValue", value}, {"dataType", "String"}};
    }
    records.push_back(json::object{
        {"messageId", m.id},
        {"receiptHandle", "rh-" + m.id},
        {"body", m.body},
        {"attributes",
         {{"ApproximateReceiveCount", std::to_string(m.receive_count)},
          {"SentTimestamp", std::to_string(epoch_seconds_now() * 1000)},
          {"MessageGroupId", m.group},
          {"MessageDeduplicationId", m.dedup_key.empty() ? "dedup-" + m.id : m.dedup_key}}},
        {"messageAttributes", std::move(attributes)},
        {"eventSource", "aws:sqs"}});
  }
  return json::serialize(json::object{{"Records", std::move(records)}});
}

json::object apigw_response(const json::object& outcome) {
  REQUIRE(outcome.at("kind").as_string() == "response");
  return json::parse(outcome.at("body").as_string()).as_object();
}

std::vector<std::string> failed_items(const json::object& outcome) {
  REQUIRE(outcome.at("kind").as_string() == "response");
  std::vector<std::string> ids;
  const json::value body = json::parse(outcome.at("body").as_string());
  for (const auto& item : body.at("batchItemFailures").as_array()) {
    ids.emplace_back(item.at("itemIdentifier").as_string());
  }
  return ids;
}

std::string envelope(const std::string& ticket_id, const std::string& message_id,
                     const std::string& text) {
  return json::serialize(json::object{{"v", 1},
                                      {"trace_id", "trc_01JLAMBDATEST000000000000"},
                                      {"received_at_ms", epoch_seconds_now() * 1000},
                                      {"ticket_id", ticket_id},
                                      {"message_id", message_id},
                                      {"event_type", "customer_message"},
                                      {"channel", "email"},
                                      {"customer_message", text}});
}

}  // namespace rpmw::itest
