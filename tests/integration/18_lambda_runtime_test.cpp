// `rpmw lambda` against the fake Lambda Runtime API: both handlers, the local profile, init
// errors. (The same binary bundled in the zip and run in a chroot: 19_lambda_package_test.cpp.)
#include <doctest/doctest.h>

#include "tests/integration/helpers.h"
#include "tests/integration/lambda_helpers.h"

namespace rpmw::itest {
namespace {

Headers token_headers(const std::string& token = kWebhookToken) {
  return {{"Content-Type", "application/json"}, {"X-Middleware-Token", token}};
}

long long count_rows(const TempDir& dir, const std::string& sql) {
  SqliteReader db(dir / "data" / "rpmw.sqlite3");
  return db.scalar(sql);
}

// The CloudWatch EMF lines (objects with `_aws`) a Lambda process printed so far. They are
// written before the response is posted, so an outcome means its lines are on disk.
std::vector<json::object> emf_lines(const Process& process) {
  std::vector<json::object> out;
  for (const std::string& line : read_lines(process.options().stdout_path)) {
    std::error_code ec;
    json::value v = json::parse(line, ec);
    if (!ec && v.is_object() && v.as_object().contains("_aws")) out.push_back(v.as_object());
  }
  return out;
}

// The value of `metric` in the EMF lines whose dimensions are `env` plus exactly `labels`;
// REQUIREs every such line to be a well-formed EMF document.
std::vector<json::value> emf_values(const std::vector<json::object>& lines,
                                    const std::string& metric,
                                    const std::map<std::string, std::string>& labels) {
  std::vector<json::value> out;
  for (const json::object& line : lines) {
    const json::object& aws = line.at("_aws").as_object();
    REQUIRE(aws.at("Timestamp").is_int64());
    const json::array& directives = aws.at("CloudWatchMetrics").as_array();
    REQUIRE(directives.size() == 1);
    const json::object& directive = directives[0].as_object();
    CHECK(directive.at("Namespace").as_string() == "rpmw");
    json::array expected_dimensions{"env"};
    for (const auto& [name, value] : labels) expected_dimensions.emplace_back(name);
    json::array dimension_sets;
    dimension_sets.emplace_back(std::move(expected_dimensions));
    if (directive.at("Dimensions").as_array() != dimension_sets) continue;
    bool labels_match = true;
    for (const auto& [name, value] : labels) {
      labels_match = labels_match && line.contains(name) && line.at(name).as_string() == value;
    }
    if (!labels_match) continue;
    for (const json::value& m : directive.at("Metrics").as_array()) {
      if (m.at("Name").as_string() != metric) continue;
      REQUIRE(line.contains(metric));
      out.push_back(line.at(metric));
    }
    CHECK(line.at("env").is_string());
    CHECK(line.at("function").as_string().starts_with("rpmw-test-"));
  }
  return out;
}

}  // namespace

TEST_CASE("lambda runtime: ingress handler over the Runtime API") {
  TempDir dir("lambda-ingress");
  FakeLambdaRuntimeProcess api(dir);
  auto rpmw = start_lambda(
      "ingress", api.address(), "rpmw-ingress",
      {{"RPMW_DATA_DIR", (dir / "data").string()}, {"RPMW_WEBHOOK_TOKENS", kWebhookToken}});

  const std::string body = webhook_body("lambda-t-1", "<m-1@mail>");
  auto status_of = [&](const std::string& event) {
    const json::object response = apigw_response(api.outcome(api.invoke(event)));
    CHECK(response.at("isBase64Encoded").as_bool() == false);
    CHECK(response.at("headers").at("content-type").as_string() == "application/json");
    return response;
  };
  const json::object accepted =
      status_of(apigw_event("POST", "/webhooks/richpanel", token_headers(), body));
  CHECK(accepted.at("statusCode").as_int64() == 202);
  const json::object accepted_body = parse_object(std::string(accepted.at("body").as_string()));
  CHECK(accepted_body.at("status").as_string() == "accepted");
  CHECK(is_prefixed_ulid(std::string(accepted_body.at("event_id").as_string()), "evt_"));

  // CloudWatch EMF: what this invocation changed, as deltas, on the log stream.
  {
    const std::vector<json::object> lines = emf_lines(*rpmw);
    const auto accepted_count =
        emf_values(lines, "rpmw_ingress_requests_total", {{"result", "accepted"}});
    REQUIRE(accepted_count.size() == 1);
    CHECK(accepted_count[0] == json::value(1));
    const auto ack = emf_values(lines, "rpmw_ingress_ack_seconds", {});
    REQUIRE(ack.size() == 1);
    REQUIRE(ack[0].as_array().size() == 1);
    CHECK(ack[0].as_array()[0].to_number<double>() >= 0);
  }

  const json::object duplicate =
      status_of(apigw_event("POST", "/webhooks/richpanel", token_headers(), body));
  CHECK(duplicate.at("statusCode").as_int64() == 200);
  CHECK(parse_object(std::string(duplicate.at("body").as_string())).at("status").as_string() ==
        "duplicate");

  const json::object unauthorized = status_of(
      apigw_event("POST", "/webhooks/richpanel", token_headers("wrong-token-000000000000"), body));
  CHECK(unauthorized.at("statusCode").as_int64() == 401);
  CHECK(unauthorized.at("body").as_string() == R"({"error":"unauthorized"})");
  {
    // Deltas, not totals: one line per invocation and label set, each counting 1.
    const std::vector<json::object> lines = emf_lines(*rpmw);
    CHECK(emf_values(lines, "rpmw_ingress_requests_total", {{"result", "accepted"}}) ==
          std::vector<json::value>{json::value(1)});
    CHECK(emf_values(lines, "rpmw_ingress_requests_total", {{"result", "duplicate"}}) ==
          std::vector<json::value>{json::value(1)});
    CHECK(emf_values(lines, "rpmw_auth_failures_total", {}) ==
          std::vector<json::value>{json::value(1)});
  }

  CHECK(status_of(apigw_event("POST", "/webhooks/richpanel", token_headers(), "{\"ticket_id\":"))
            .at("statusCode")
            .as_int64() == 400);
  CHECK(status_of(apigw_event("POST", "/webhooks/richpanel", token_headers(),
                              std::string(40 * 1024, ' ')))
            .at("statusCode")
            .as_int64() == 413);
  CHECK(status_of(apigw_event("GET", "/webhooks/richpanel", token_headers(), ""))
            .at("statusCode")
            .as_int64() == 405);
  CHECK(status_of(apigw_event("POST", "/elsewhere", token_headers(), body))
            .at("statusCode")
            .as_int64() == 404);
  // API Gateway base64-encodes bodies it does not consider text.
  CHECK(status_of(apigw_event("POST", "/webhook", token_headers(),
                              webhook_body("lambda-t-2", "<m-2@mail>"), true))
            .at("statusCode")
            .as_int64() == 202);

  // Not an API Gateway event: an invocation error, and the runtime carries on. Nothing was
  // counted, so no EMF line is printed for it.
  const std::size_t emf_before = emf_lines(*rpmw).size();
  const json::object error = api.outcome(api.invoke(R"({"Records":[]})"));
  CHECK(emf_lines(*rpmw).size() == emf_before);
  CHECK(error.at("kind").as_string() == "error");
  CHECK(error.at("error_type").as_string() == "Runtime.InvalidEvent");
  const json::value error_body = json::parse(error.at("body").as_string());
  CHECK(error_body.at("errorType").as_string() == "Runtime.InvalidEvent");
  CHECK(error_body.at("errorMessage").as_string() == "apigw_event_invalid");
  CHECK(error_body.at("stackTrace").as_array().empty());
  CHECK(status_of(
            apigw_event("POST", "/webhooks/richpanel", token_headers(), webhook_body("lambda-t-3")))
            .at("statusCode")
            .as_int64() == 202);

  // Exactly the three accepted webhooks were stored durably before their 202.
  CHECK(count_rows(dir, "SELECT count(*) FROM queue_messages") == 3);
  CHECK(rpmw->running());
}

TEST_CASE("lambda runtime: worker handler with a partial batch failure") {
  TempDir dir("lambda-worker");
  FakeLambdaRuntimeProcess api(dir);
  auto rpmw =
      start_lambda("worker", api.address(), "rpmw-worker",
                   {{"RPMW_DATA_DIR", (dir / "data").string()}, {"RPMW_LOG_LEVEL", "debug"}});

  // m1 and m2 decide; m3's body is no envelope (a permanent failure: reported, the redrive
  // policy moves it after its last receive); m4 comes after the failure and is not run.
  // m1 carries seeded PII: the scan (99_pii_log_scan_test.cpp) reads these logs.
  const std::string m1_text =
      "Where is my order? It has not arrived. 742 Evergreen Terrace, 4155550199.";
  const std::string batch = sqs_event({
      {"m1", "lw-a", envelope("lw-a", "<a-1@mail>", m1_text)},
      {"m2", "lw-b", envelope("lw-b", "<b-1@mail>", "Please cancel my subscription.")},
      {"m3", "lw-c", "not an envelope"},
      {"m4", "lw-a", envelope("lw-a", "<a-2@mail>", "Any update?")},
  });
  const json::object outcome = api.outcome(api.invoke(batch, 60000));
  CHECK(failed_items(outcome) == std::vector<std::string>{"m3", "m4"});
  CHECK(count_rows(dir, "SELECT count(*) FROM state_decisions") == 2);

  // A clean batch reports nothing; a redelivered m1 is a duplicate (same event key).
  const json::object clean = api.outcome(
      api.invoke(sqs_event({{"m4", "lw-a", envelope("lw-a", "<a-2@mail>", "Any update?"), 2},
                            {"m1", "lw-a", envelope("lw-a", "<a-1@mail>", m1_text), 2}}),
                 60000));
  CHECK(failed_items(clean).empty());
  CHECK(count_rows(dir, "SELECT count(*) FROM state_decisions") == 3);

  // Too little time left before the deadline: nothing starts, everything is reported.
  const json::object late = api.outcome(
      api.invoke(sqs_event({{"m5", "lw-d", envelope("lw-d", "<d-1@mail>", "Hello")}}), 1000));
  CHECK(failed_items(late) == std::vector<std::string>{"m5"});
  CHECK(count_rows(dir, "SELECT count(*) FROM state_decisions") == 3);

  const json::object invalid = api.outcome(api.invoke(R"({"version":"2.0"})"));
  CHECK(invalid.at("kind").as_string() == "error");
  CHECK(invalid.at("error_type").as_string() == "Runtime.InvalidEvent");
  CHECK(rpmw->running());
}

TEST_CASE("lambda runtime: what the ingress enqueues, the worker decides (ids and trace kept)") {
  TempDir dir("lambda-chain");
  FakeLambdaRuntimeProcess ingress_api(dir, "api-ingress");
  FakeLambdaRuntimeProcess worker_api(dir, "api-worker");
  const std::map<std::string, std::string> env = {{"RPMW_DATA_DIR", (dir / "data").string()},
                                                  {"RPMW_WEBHOOK_TOKENS", kWebhookToken}};
  auto ingress = start_lambda("ingress", ingress_api.address(), "rpmw-ingress", env);
  auto worker = start_lambda("worker", worker_api.address(), "rpmw-worker", env);

  const json::object accepted = apigw_response(ingress_api.outcome(ingress_api.invoke(
      apigw_event("POST", "/webhooks/richpanel", token_headers(),
                  webhook_body("chain-t-1", "<chain-1@mail>",
                               // Seeded PII: the scan (99_pii_log_scan_test.cpp) reads these logs.
                               {{"customer_message",
                                 "Where is my order? No update since Monday. Reach me at "
                                 "jane.doe+pii@example.com or +1 415-555-0199."},
                                {"channel", "email"}})))));
  REQUIRE(accepted.at("statusCode").as_int64() == 202);
  const json::object body = parse_object(std::string(accepted.at("body").as_string()));
  const std::string event_id(body.at("event_id").as_string());
  const std::string trace_id(body.at("trace_id").as_string());

  // What an SQS FIFO message of this event carries (the SQS adapter's attribute names).
  SqliteReader db(dir / "data" / "rpmw.sqlite3");
  const auto rows = db.query(
      "SELECT group_id, dedup_key, body FROM queue_messages WHERE event_id = ?", {event_id});
  REQUIRE(rows.size() == 1);
  SqsMessage message{"sqs-msg-1", rows[0][0],
                     rows[0][2],  1,
                     rows[0][1],  {{"rpmw_event_id", event_id}, {"rpmw_trace_id", trace_id}}};
  const json::object outcome = worker_api.outcome(worker_api.invoke(sqs_event({message}), 60000));
  CHECK(failed_items(outcome).empty());
  CHECK(db.scalar("SELECT count(*) FROM state_decisions WHERE event_id = ? AND trace_id = ? AND "
                  "ticket_id = 'chain-t-1'",
                  {event_id, trace_id}) == 1);
  CHECK(emf_values(emf_lines(*worker), "rpmw_worker_jobs_total", {{"result", "processed"}}) ==
        std::vector<json::value>{json::value(1)});
  CHECK(ingress->running());
  CHECK(worker->running());
}

TEST_CASE("lambda runtime: configuration problems are init errors and exit non-zero") {
  TempDir dir("lambda-init");
  struct Case {
    std::string name, handler, type, message_part;
    std::map<std::string, std::string> env;
  };
  const std::vector<Case> cases = {
      {"missing webhook tokens", "ingress", "Runtime.MissingSecret", "RPMW_WEBHOOK_TOKENS", {}},
      {"unknown handler", "nope", "Runtime.ConfigInvalid", "_HANDLER", {}},
      {"aws profile without its queue",
       "worker",
       "Runtime.ConfigInvalid",
       "RPMW_SQS_QUEUE_URL",
       {{"RPMW_PROFILE", "aws"}, {"RPMW_AWS_REGION", "us-east-1"}}},
      {"aws profile with an unreachable Secrets Manager",
       "ingress",
       "Runtime.MissingSecret",
       "webhook_tokens",
       {{"RPMW_PROFILE", "aws"},
        {"RPMW_AWS_REGION", "us-east-1"},
        {"RPMW_AWS_ENDPOINT_URL", "http://127.0.0.1:9"},
        {"RPMW_SQS_QUEUE_URL", "http://127.0.0.1:9/000000000000/rpmw-x-events.fifo"}}},
      {"invalid configuration",
       "worker",
       "Runtime.ConfigInvalid",
       "RPMW_WORKERS",
       {{"RPMW_WORKERS", "many"}}},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    CAPTURE(c.name);
    FakeLambdaRuntimeProcess api(dir, "api-" + std::to_string(i));
    std::map<std::string, std::string> env = c.env;
    env["RPMW_DATA_DIR"] = (dir / "data").string();
    auto rpmw = start_lambda(c.handler, api.address(), "rpmw-init-" + std::to_string(i), env);
    const auto exit = rpmw->wait_exit(deadline_in(std::chrono::seconds(20)));
    REQUIRE(exit.has_value());
    CHECK(*exit == 2);
    const auto error = api.init_error(std::chrono::seconds(5));
    REQUIRE(error.has_value());
    CHECK(error->at("error_type").as_string() == c.type);
    const json::value body = json::parse(error->at("body").as_string());
    CHECK(body.at("errorType").as_string() == c.type);
    CHECK(std::string(body.at("errorMessage").as_string()).find(c.message_part) !=
          std::string::npos);
    CHECK(api.stats().at("next_calls").as_int64() == 0);
  }
}

}  // namespace rpmw::itest
