// SqsEventQueue request shapes against a scripted caller: batching, batch failures, the DLQ
// lookup through the redrive policy. The behaviour against a real SQS API is in tests/aws.
#include "adapters/aws/sqs_event_queue.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/fakes/fake_clock.h"
#include "tests/unit/adapters/aws/scripted_aws_caller.h"

using rpmw::adapters::aws::SqsEventQueue;
using rpmw::adapters::aws::SqsEventQueueOptions;
using rpmw::core::ErrorKind;
using rpmw::testing::ScriptedAwsCaller;

namespace {

constexpr const char* kQueue = "https://sqs.eu-west-1.amazonaws.com/1/rpmw-dev-events.fifo";

struct Setup {
  SqsEventQueue make(SqsEventQueueOptions options = {}) {
    options.queue_url = kQueue;
    return SqsEventQueue(caller, clock, random, options);
  }
  ScriptedAwsCaller caller;
  rpmw::fakes::FakeClock clock;
  rpmw::fakes::SeededRandom random{3};
};

std::vector<rpmw::core::EnqueueRequest> requests(int n) {
  std::vector<rpmw::core::EnqueueRequest> out;
  for (int i = 0; i < n; ++i) {
    out.push_back({"t" + std::to_string(i), "k" + std::to_string(i), "body", "trc"});
  }
  return out;
}

}  // namespace

TEST_CASE("adapters/aws: enqueue_batch sends SendMessageBatch in chunks of ten") {
  Setup s;
  auto queue = s.make();
  for (int i = 0; i < 3; ++i) s.caller.answer(boost::json::object{{"Successful", {}}});
  auto results = queue.enqueue_batch(requests(23));
  REQUIRE(results.has_value());
  CHECK(results->size() == 23);
  REQUIRE(s.caller.calls.size() == 3);
  std::vector<std::size_t> sizes;
  for (const auto& [op, request] : s.caller.calls) {
    CHECK(op == "SendMessageBatch");
    CHECK(request.at("QueueUrl").as_string() == kQueue);
    sizes.push_back(request.at("Entries").as_array().size());
  }
  CHECK(sizes == std::vector<std::size_t>{10, 10, 3});
  const auto& entry = s.caller.calls[0].second.at("Entries").as_array()[0].as_object();
  CHECK(entry.at("Id").as_string() == "0");
  CHECK(entry.at("MessageGroupId").as_string() == "t0");
  CHECK(entry.at("MessageDeduplicationId").as_string() == "k0");
  const auto& attributes = entry.at("MessageAttributes").as_object();
  CHECK(attributes.at("rpmw_event_id").at("StringValue").as_string() == (*results)[0].event_id);
  CHECK(attributes.at("rpmw_trace_id").at("StringValue").as_string() == "trc");
}

TEST_CASE("adapters/aws: a failed batch entry fails the call with SQS's code") {
  Setup s;
  auto queue = s.make();
  s.caller.answer(boost::json::object{
      {"Successful", {}},
      {"Failed", {{{"Id", "0"}, {"SenderFault", true}, {"Code", "InvalidMessageContents"}}}}});
  auto sender = queue.enqueue(requests(1)[0]);
  REQUIRE_FALSE(sender.has_value());
  CHECK(sender.error().kind == ErrorKind::permanent);
  CHECK(sender.error().code == "aws_InvalidMessageContents");

  s.caller.answer(boost::json::object{
      {"Failed", {{{"Id", "0"}, {"SenderFault", false}, {"Code", "InternalError"}}}}});
  auto server = queue.enqueue(requests(1)[0]);
  REQUIRE_FALSE(server.has_value());
  CHECK(server.error().kind == ErrorKind::transient);

  auto empty_group = queue.enqueue({"", "k", "b", "trc"});
  REQUIRE_FALSE(empty_group.has_value());
  CHECK(empty_group.error().kind == ErrorKind::invalid_input);
}

TEST_CASE("adapters/aws: the DLQ is looked up once through the redrive policy's ARN") {
  Setup s;
  auto queue = s.make();
  s.caller.answer(boost::json::object{
      {"Attributes",
       {{"RedrivePolicy",
         R"({"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:123456789012:rpmw-dev-events-dlq.fifo","maxReceiveCount":5})"}}}});
  s.caller.answer(boost::json::object{{"QueueUrl", "https://sqs/123456789012/dlq.fifo"}});
  auto dlq = queue.dead_letter_queue_url();
  REQUIRE(dlq.has_value());
  CHECK(*dlq == "https://sqs/123456789012/dlq.fifo");
  REQUIRE(s.caller.calls.size() == 2);
  CHECK(s.caller.calls[0].first == "GetQueueAttributes");
  CHECK(s.caller.calls[1].first == "GetQueueUrl");
  CHECK(s.caller.calls[1].second.at("QueueName").as_string() == "rpmw-dev-events-dlq.fifo");
  CHECK(s.caller.calls[1].second.at("QueueOwnerAWSAccountId").as_string() == "123456789012");
  CHECK(*queue.dead_letter_queue_url() == *dlq);
  CHECK(s.caller.calls.size() == 2);  // cached

  Setup configured;
  SqsEventQueueOptions options;
  options.dlq_url = "https://sqs/1/configured.fifo";
  auto explicit_dlq = configured.make(options);
  CHECK(*explicit_dlq.dead_letter_queue_url() == "https://sqs/1/configured.fifo");
  CHECK(configured.caller.calls.empty());
}

TEST_CASE("adapters/aws: receive asks for at most ten messages with whole seconds") {
  Setup s;
  auto queue = s.make();
  s.caller.answer(boost::json::object{});
  auto none = queue.receive(25, std::chrono::milliseconds(1500), std::chrono::seconds(60));
  REQUIRE(none.has_value());
  CHECK(none->empty());
  REQUIRE(s.caller.calls.size() == 1);
  const auto& request = s.caller.calls[0].second;
  CHECK(request.at("MaxNumberOfMessages").as_int64() == 10);
  CHECK(request.at("VisibilityTimeout").as_int64() == 2);  // rounded up
  CHECK(request.at("WaitTimeSeconds").as_int64() == 20);   // SQS's maximum
  CHECK(queue.receive(0, std::chrono::seconds(1), {}).error().kind == ErrorKind::invalid_input);
}
