// The aws profile end to end, on a real AWS emulator: API Gateway event → `rpmw lambda` ingress
// handler → SQS FIFO (moto) → the SQS event fed to the worker handler → fake Richpanel, with
// decisions in DynamoDB, flags in SSM and every secret in Secrets Manager (moto).
#include <doctest/doctest.h>

#include <thread>

#include "adapters/aws/aws_json_client.h"
#include "adapters/aws/dynamodb_state_store.h"
#include "tests/aws/aws_fixtures.h"
#include "tests/aws/dynamodb_tables.h"
#include "tests/aws/moto_server.h"
#include "tests/fakes/fake_clock.h"
#include "tests/integration/fake_richpanel_process.h"
#include "tests/integration/helpers.h"
#include "tests/integration/lambda_helpers.h"

namespace rpmw::itest {
namespace {

namespace aws = adapters::aws;
const std::string kToken = "aws-e2e-token-0123456789";

json::value must(aws::AwsJsonCaller& caller, std::string_view op, const json::object& request) {
  auto result = caller.call(op, request);
  REQUIRE_MESSAGE(result.has_value(), "moto " << op << ": " << result.error().code);
  return *result;
}

// What the SQS event source would hand the worker: every visible message, with its attributes.
std::vector<SqsMessage> receive_all(aws::AwsJsonCaller& sqs, const std::string& queue_url) {
  std::vector<SqsMessage> out;
  const json::value got = must(sqs, "ReceiveMessage",
                               {{"QueueUrl", queue_url},
                                {"MaxNumberOfMessages", 10},
                                {"VisibilityTimeout", 60},
                                {"AttributeNames", json::array{"All"}},
                                {"MessageAttributeNames", json::array{"All"}}});
  const json::object& response = got.as_object();
  if (!response.contains("Messages")) return out;
  for (const json::value& m : response.at("Messages").as_array()) {
    const json::object& attributes = m.at("Attributes").as_object();
    std::map<std::string, std::string> message_attributes;
    if (const auto* ma = m.as_object().if_contains("MessageAttributes")) {
      for (const auto& [name, value] : ma->as_object()) {
        message_attributes[std::string(name)] = std::string(value.at("StringValue").as_string());
      }
    }
    out.emplace_back(std::string(m.at("MessageId").as_string()),
                     std::string(attributes.at("MessageGroupId").as_string()),
                     std::string(m.at("Body").as_string()),
                     std::stoi(std::string(attributes.at("ApproximateReceiveCount").as_string())),
                     std::string(attributes.at("MessageDeduplicationId").as_string()),
                     message_attributes);
  }
  return out;
}

int count_calls(const std::vector<FakeRichpanelCallRecord>& calls, const std::string& method) {
  return static_cast<int>(
      std::count_if(calls.begin(), calls.end(), [&](const auto& c) { return c.method == method; }));
}

// One moto with the stack's resources for one environment, and the env that points rpmw at them.
struct AwsStack {
  explicit AwsStack(const std::string& env_name_)
      : env_name(env_name_),
        endpoint(moto.endpoint()),
        credentials(testing::test_credentials()),
        sqs(aws::sqs_service(), endpoint, credentials),
        ddb(aws::dynamodb_service(), endpoint, credentials),
        ssm(aws::ssm_service(), endpoint, credentials),
        secrets(aws::secrets_manager_service(), endpoint, credentials),
        queues(testing::create_fifo_with_dlq(sqs, "rpmw-" + env_name + "-events")),
        tables(aws_tests::create_state_tables(ddb)) {}

  void put_secret(const std::string& name, const std::string& value) {
    must(secrets, "CreateSecret",
         {{"Name", "rpmw/" + env_name + "/" + name}, {"SecretString", value}});
  }
  void set_flag(const std::string& name, const std::string& value) {
    must(ssm, "PutParameter",
         {{"Name", "/rpmw/" + env_name + "/flags/" + name},
          {"Value", value},
          {"Type", "String"},
          {"Overwrite", true}});
  }
  std::string flag(const std::string& name) {
    const json::value got =
        must(ssm, "GetParameter", {{"Name", "/rpmw/" + env_name + "/flags/" + name}});
    return std::string(got.at("Parameter").at("Value").as_string());
  }
  std::map<std::string, std::string> rpmw_env(const FakeRichpanelProcess& richpanel) const {
    return {
        {"RPMW_PROFILE", "aws"},
        {"RPMW_ENV", env_name},
        {"RPMW_AWS_ENDPOINT_URL", moto.endpoint_url()},
        {"RPMW_AWS_REGION", endpoint.region},
        {"AWS_ACCESS_KEY_ID", credentials.access_key_id},
        {"AWS_SECRET_ACCESS_KEY", credentials.secret_access_key},
        {"RPMW_SQS_QUEUE_URL", queues.queue_url},
        {"RPMW_SQS_DLQ_URL", queues.dlq_url},
        {"RPMW_DDB_EVENTS_TABLE", tables.events_table},
        {"RPMW_DDB_CONVERSATIONS_TABLE", tables.conversations_table},
        {"RPMW_QUEUE_MAX_DEPTH", "0"},  // as the stack sets it: no GetQueueAttributes per request
        {"RPMW_FLAG_CACHE_TTL_S", "0"},
        {"RPMW_RICHPANEL_BASE_URL", richpanel.base_url()},
        {"RPMW_RICHPANEL_RATE", "200"},
        {"RPMW_RICHPANEL_BURST", "50"},
    };
  }

  testing::MotoServer moto;
  std::string env_name;
  aws::AwsEndpoint endpoint;
  aws::AwsCredentials credentials;
  aws::AwsJsonClient sqs, ddb, ssm, secrets;
  testing::SqsQueues queues;
  aws::DynamoDbStateStoreOptions tables;
};

// Nothing the processes just stored has expired for a store read with this clock.
fakes::FakeClock wall_clock() {
  return fakes::FakeClock(std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count());
}

}  // namespace

TEST_CASE("aws e2e: ingress Lambda → SQS FIFO → worker Lambda → Richpanel, state in DynamoDB") {
  TempDir dir("aws-e2e");
  AwsStack stack("e2e");
  const testing::SqsQueues& queues = stack.queues;
  aws::AwsJsonClient& sqs = stack.sqs;
  // Secrets come from Secrets Manager only (none in the environment); the bot author is still
  // the deployment's placeholder, which must read as "not configured".
  stack.put_secret("webhook_tokens", R"({"active_tokens":[")" + kToken + R"("]})");
  stack.put_secret("richpanel_api_key", FakeRichpanelProcess::kKey);
  stack.put_secret("bot_author_id", "CHANGE_ME");
  stack.set_flag("shadow_mode", "true");

  FakeRichpanelProcess richpanel(dir);
  richpanel.put_ticket(ticket_fixture("aws-1", "email", "aws-1-c1",
                                      "I want to return the shoes I bought, they do not fit. "
                                      "Mail me at jane.doe+pii@example.com or call "
                                      "+1 415-555-0199."));
  richpanel.put_ticket(ticket_fixture("aws-2", "email", "aws-2-c1",
                                      "The app keeps crashing when I open it on my phone."));
  std::map<std::string, std::string> aws_env = stack.rpmw_env(richpanel);
  aws_env["RPMW_DATA_DIR"] = (dir / "unused-data").string();

  // ---- ingress
  FakeLambdaRuntimeProcess ingress_api(dir, "ingress-api");
  auto ingress = start_lambda("ingress", ingress_api.address(), "rpmw-ingress", aws_env);
  auto post = [&](const std::string& token, const std::string& body) {
    const Headers headers{{"Content-Type", "application/json"}, {"X-Middleware-Token", token}};
    return apigw_response(ingress_api.outcome(
        ingress_api.invoke(apigw_event("POST", "/webhooks/richpanel", headers, body))));
  };
  const json::object first = post(kToken, webhook_body("aws-1", "<aws-1-m1@mail>"));
  REQUIRE(first.at("statusCode").as_int64() == 202);
  const json::object accepted = parse_object(std::string(first.at("body").as_string()));
  const std::string event_id(accepted.at("event_id").as_string());
  const std::string trace_id(accepted.at("trace_id").as_string());
  // SQS drops the repeat inside its 5-minute window; the answer is still a 2xx.
  CHECK(post(kToken, webhook_body("aws-1", "<aws-1-m1@mail>")).at("statusCode").as_int64() / 100 ==
        2);
  CHECK(post("not-the-token-000000000000", webhook_body("aws-1", "<aws-1-m9@mail>"))
            .at("statusCode")
            .as_int64() == 401);
  CHECK(post(kToken, webhook_body("aws-2", "<aws-2-m1@mail>")).at("statusCode").as_int64() == 202);

  std::vector<SqsMessage> messages = receive_all(sqs, queues.queue_url);
  REQUIRE(messages.size() == 2);  // the duplicate and the unauthorised webhook were not queued
  const SqsMessage aws1 = messages[0].group == "aws-1" ? messages[0] : messages[1];
  const SqsMessage aws2 = messages[0].group == "aws-1" ? messages[1] : messages[0];
  CHECK(aws1.attributes.at("rpmw_event_id") == event_id);
  CHECK(aws1.attributes.at("rpmw_trace_id") == trace_id);

  // ---- worker: aws-1, a redelivery of it, a broken record, then aws-2 (after the failure).
  FakeLambdaRuntimeProcess worker_api(dir, "worker-api");
  auto worker = start_lambda("worker", worker_api.address(), "rpmw-worker", aws_env);
  SqsMessage redelivered = aws1;
  redelivered.id = "redelivered-1";
  const SqsMessage broken("broken-1", "aws-9", "not an envelope", 1);
  const json::object batch =
      worker_api.outcome(worker_api.invoke(sqs_event({aws1, redelivered, broken, aws2}), 60000));
  CHECK(failed_items(batch) == std::vector<std::string>{"broken-1", aws2.id});

  fakes::FakeClock now = wall_clock();
  aws::DynamoDbStateStore state(stack.ddb, now, stack.tables);
  auto decisions = state.decisions_for_ticket("aws-1", 10);
  REQUIRE(decisions.has_value());
  REQUIRE(decisions->size() == 1);  // the redelivery was a duplicate of the same event key
  CHECK(decisions->front().event_id == event_id);
  CHECK(decisions->front().trace_id == trace_id);
  const json::object first_record = parse_object(decisions->front().json);
  CHECK(first_record.at("shadow_mode").as_bool());  // read from SSM
  CHECK(count_calls(richpanel.calls_for("aws-1"), "PUT") == 0);
  CHECK(count_calls(richpanel.calls_for("aws-1"), "GET") >= 1);  // the key came from the secret

  // ---- the flag flips in SSM; the reported records come back (aws-2 at its second receive)
  // and the broken one at its last receive goes to the DLQ with its reason instead.
  stack.set_flag("shadow_mode", "false");
  SqsMessage aws2_again = aws2;
  aws2_again.receive_count = 2;
  const SqsMessage broken_last("broken-1", "aws-9", "not an envelope", 5);
  const json::object retry =
      worker_api.outcome(worker_api.invoke(sqs_event({broken_last, aws2_again}), 60000));
  CHECK(failed_items(retry).empty());
  auto second = state.decisions_for_ticket("aws-2", 10);
  REQUIRE(second.has_value());
  REQUIRE(second->size() == 1);
  CHECK_FALSE(parse_object(second->front().json).at("shadow_mode").as_bool());
  CHECK(call_lines(richpanel.calls_for("aws-2")) ==
        std::vector<std::string>{"GET /v1/tickets/aws-2", "PUT /v1/tickets/aws-2/add-tags"});

  const std::vector<SqsMessage> dead = receive_all(sqs, queues.dlq_url);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].group == "aws-9");
  CHECK_FALSE(dead[0].attributes.at("rpmw_reason").empty());
  CHECK(ingress->running());
  CHECK(worker->running());
}

TEST_CASE("aws e2e: rpmw serve and rpmw worker on a VM poll SQS; the CLI manages flags in SSM") {
  TempDir dir("aws-vm");
  AwsStack stack("vm");
  stack.put_secret("webhook_tokens", R"({"active_tokens":[")" + kToken + R"("]})");
  stack.put_secret("richpanel_api_key", FakeRichpanelProcess::kKey);
  FakeRichpanelProcess richpanel(dir);
  std::map<std::string, std::string> env = stack.rpmw_env(richpanel);
  env["RPMW_DATA_DIR"] = (dir / "cli-data").string();

  // The kill switches live in SSM: the CLI writes and reads them there, audited.
  const Run set =
      run_rpmw({"flags", "set", "shadow_mode", "true", "--actor", "itest"}, dir, "flags-set", env);
  REQUIRE_MESSAGE(set.code == 0, set.err);
  CHECK(stack.flag("shadow_mode") == "true");
  const Run get = run_rpmw({"flags", "get", "shadow_mode", "--json"}, dir, "flags-get", env);
  REQUIRE_MESSAGE(get.code == 0, get.err);
  CHECK(get.out.find("true") != std::string::npos);
  stack.set_flag("shadow_mode", "false");

  // serve takes the webhook token from Secrets Manager (none in the env) and enqueues to SQS;
  // its worker threads poll SQS (long polling), decide and act, and store state in DynamoDB.
  std::map<std::string, std::string> serve_env = stack.rpmw_env(richpanel);
  serve_env["RPMW_WEBHOOK_TOKENS"] = "";
  serve_env["RPMW_WORKERS"] = "2";
  RpmwServer server(with_env(serve_env));
  HttpClient http;
  const std::vector<std::string> tickets = {"vm-1", "vm-2", "vm-3"};
  for (const std::string& id : tickets) {
    richpanel.put_ticket(
        ticket_fixture(id, "email", id + "-c1", "You charged my card twice for the same order."));
    const HttpResponse r = http.request("POST", server.webhook_url(), webhook_headers(kToken),
                                        webhook_body(id, "<" + id + "-m1@mail>"));
    REQUIRE_MESSAGE(r.status == 202, r.status << " " << r.body);
  }
  CHECK(http.request("POST", server.webhook_url(), webhook_headers("wrong-token-0000000000"),
                     webhook_body("vm-9"))
            .status == 401);

  fakes::FakeClock now = wall_clock();
  aws::DynamoDbStateStore state(stack.ddb, now, stack.tables);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::size_t decided = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    decided = 0;
    for (const std::string& id : tickets) {
      auto records = state.decisions_for_ticket(id, 5);
      REQUIRE(records.has_value());
      decided += records->size();
    }
    if (decided == tickets.size()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling with a deadline
  }
  REQUIRE(decided == tickets.size());
  for (const std::string& id : tickets) {
    CHECK(call_lines(richpanel.calls_for(id)) ==
          std::vector<std::string>{"GET /v1/tickets/" + id, "PUT /v1/tickets/" + id + "/add-tags"});
  }
  // Every message was deleted from SQS once processed: nothing is left to redeliver.
  CHECK(receive_all(stack.sqs, stack.queues.queue_url).empty());
  CHECK(server.stop() == std::optional<int>(0));
}

}  // namespace rpmw::itest
