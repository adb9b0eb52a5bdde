#include "tests/aws/dynamodb_tables.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>

namespace rpmw::aws_tests {

namespace json = boost::json;

namespace {

json::object attribute(const char* name, const char* type) {
  return json::object{{"AttributeName", name}, {"AttributeType", type}};
}

json::array key_schema(const char* hash, const char* range = nullptr) {
  json::array keys{json::object{{"AttributeName", hash}, {"KeyType", "HASH"}}};
  if (range != nullptr)
    keys.emplace_back(json::object{{"AttributeName", range}, {"KeyType", "RANGE"}});
  return keys;
}

json::object index(const char* name, const char* hash) {
  return json::object{{"IndexName", name},
                      {"KeySchema", key_schema(hash, "at_ms")},
                      {"Projection", json::object{{"ProjectionType", "ALL"}}}};
}

void create(adapters::aws::AwsJsonCaller& dynamodb, const json::object& request) {
  auto created = dynamodb.call("CreateTable", request);
  if (!created) FAIL("CreateTable failed: " << created.error().code);
  const std::string table(request.at("TableName").as_string());
  auto ttl = dynamodb.call(
      "UpdateTimeToLive",
      json::object{{"TableName", table},
                   {"TimeToLiveSpecification",
                    json::object{{"Enabled", true}, {"AttributeName", "expires_at"}}}});
  if (!ttl) FAIL("UpdateTimeToLive failed: " << ttl.error().code);
}

}  // namespace

adapters::aws::DynamoDbStateStoreOptions create_state_tables(
    adapters::aws::AwsJsonCaller& dynamodb) {
  static std::atomic<int> counter{0};
  const std::string env =
      "t" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
  adapters::aws::DynamoDbStateStoreOptions options;
  options.events_table = adapters::aws::dynamodb_events_table(env);
  options.conversations_table = adapters::aws::dynamodb_conversations_table(env);

  create(dynamodb,
         json::object{{"TableName", options.events_table},
                      {"BillingMode", "PAY_PER_REQUEST"},
                      {"AttributeDefinitions",
                       json::array{attribute("pk", "S"), attribute("ticket_id", "S"),
                                   attribute("trace_id", "S"), attribute("at_ms", "N")}},
                      {"KeySchema", key_schema("pk")},
                      {"GlobalSecondaryIndexes", json::array{index("by_ticket", "ticket_id"),
                                                             index("by_trace", "trace_id")}}});
  create(dynamodb, json::object{{"TableName", options.conversations_table},
                                {"BillingMode", "PAY_PER_REQUEST"},
                                {"AttributeDefinitions", json::array{attribute("ticket_id", "S")}},
                                {"KeySchema", key_schema("ticket_id")}});
  return options;
}

}  // namespace rpmw::aws_tests
