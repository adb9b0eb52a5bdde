// SqsEventQueue against moto: the SQS-specific behaviours the shared contract cannot express.
#include "adapters/aws/sqs_event_queue.h"

#include <doctest/doctest.h>

#include <string>

#include "tests/aws/aws_fixtures.h"
#include "tests/aws/moto_server.h"
#include "tests/fakes/fake_clock.h"

using rpmw::adapters::aws::AwsJsonClient;
using rpmw::adapters::aws::SqsEventQueue;
using rpmw::adapters::aws::SqsEventQueueOptions;
using namespace std::chrono_literals;

namespace aws = rpmw::adapters::aws;

namespace {

struct SqsSetup {
  SqsSetup()
      : sqs(aws::sqs_service(), rpmw::testing::shared_moto().endpoint(),
            rpmw::testing::test_credentials()),
        queues(rpmw::testing::create_fifo_with_dlq(sqs, rpmw::testing::unique_name("q"))) {}
  SqsEventQueue make(SqsEventQueueOptions options = {}) {
    options.queue_url = queues.queue_url;
    return SqsEventQueue(sqs, clock, random, options);
  }
  AwsJsonClient sqs;
  rpmw::testing::SqsQueues queues;
  rpmw::fakes::FakeClock clock;
  rpmw::fakes::SeededRandom random{11};
};

}  // namespace

TEST_CASE("aws/sqs: the DLQ URL is derived from the queue's redrive policy") {
  SqsSetup s;
  auto queue = s.make();
  auto dlq = queue.dead_letter_queue_url();
  REQUIRE_MESSAGE(dlq.has_value(), dlq.error().code);
  CHECK(*dlq == s.queues.dlq_url);

  // A queue without a redrive policy and no configured DLQ: a clear permanent error.
  auto plain =
      s.sqs.call("CreateQueue", {{"QueueName", rpmw::testing::unique_name("plain") + ".fifo"},
                                 {"Attributes", {{"FifoQueue", "true"}}}});
  REQUIRE(plain.has_value());
  SqsEventQueueOptions options;
  options.queue_url = std::string(plain->at("QueueUrl").as_string());
  SqsEventQueue lonely(s.sqs, s.clock, s.random, options);
  auto none = lonely.dead_letter_queue_url();
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().code == "sqs_no_redrive_policy");
  auto stats = lonely.stats();
  REQUIRE(stats.has_value());
  CHECK(stats->dlq_depth == 0);
}

TEST_CASE("aws/sqs: a long or odd group and dedup key are hashed; the originals round-trip") {
  SqsSetup s;
  auto queue = s.make();
  const std::string group = "<CAF1x9Qp7=abc+x@mail.gmail.com> with spaces " + std::string(200, 'g');
  const std::string dedup(300, 'd');
  auto sent = queue.enqueue({group, dedup, R"({"ticket_id":"x"})", "trc_1"});
  REQUIRE_MESSAGE(sent.has_value(), sent.error().code);
  auto got = queue.receive(10, 30s, 0ms);
  REQUIRE(got.has_value());
  REQUIRE(got->size() == 1);
  CHECK((*got)[0].group == group);
  CHECK((*got)[0].dedup_key == dedup);
  CHECK((*got)[0].event_id == sent->event_id);
  CHECK((*got)[0].trace_id == "trc_1");
  CHECK((*got)[0].enqueued_at == s.clock.now());
  REQUIRE(queue.ack((*got)[0].receipt).has_value());
}

TEST_CASE("aws/sqs: a repeated dedup id is dropped silently by SQS (duplicate is not known)") {
  SqsSetup s;
  auto queue = s.make();
  auto first = queue.enqueue({"t1", "msg-1", "one", "trc"});
  auto second = queue.enqueue({"t1", "msg-1", "two", "trc"});
  REQUIRE(first.has_value());
  REQUIRE(second.has_value());
  CHECK_FALSE(second->duplicate);  // SQS answers as if stored: see sqs_event_queue.h
  auto got = queue.receive(10, 30s, 0ms);
  REQUIRE(got.has_value());
  REQUIRE(got->size() == 1);
  CHECK((*got)[0].body == "one");
  REQUIRE(queue.ack((*got)[0].receipt).has_value());
  auto none = queue.receive(10, 30s, 0ms);
  REQUIRE(none.has_value());
  CHECK(none->empty());
}
