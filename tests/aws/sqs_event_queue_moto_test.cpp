// SqsEventQueue against moto: the SQS-specific behaviours the shared contract cannot express.
#include "adapters/aws/sqs_event_queue.h"

#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/aws/aws_fixtures.h"
#include "tests/aws/moto_server.h"
#include "tests/fakes/fake_clock.h"
#include "tests/support/support.h"

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

// Real-time variants of the contract behaviours that need a controllable clock elsewhere: short
// real visibility timeouts and polling with a deadline (no fixed sleeps).
namespace {

std::vector<rpmw::core::QueuedEvent> receive_within(SqsEventQueue& queue,
                                                    std::chrono::milliseconds visibility,
                                                    std::chrono::milliseconds deadline = 15s) {
  std::vector<rpmw::core::QueuedEvent> got;
  rpmw::testing::poll_until(
      rpmw::testing::deadline_in(deadline),
      [&] {
        auto r = queue.receive(10, visibility, 0ms);
        REQUIRE(r.has_value());
        got = std::move(*r);
        return !got.empty();
      },
      100ms);
  return got;
}

std::vector<std::string> bodies_of(const std::vector<rpmw::core::QueuedEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.body);
  return out;
}

}  // namespace

TEST_CASE("aws/sqs: an unacknowledged message comes back after its visibility timeout") {
  SqsSetup s;
  auto queue = s.make();
  REQUIRE(queue.enqueue({"t1", "k1", "a1", "trc"}).has_value());
  auto first = queue.receive(10, 1s, 0ms);
  REQUIRE(first.has_value());
  REQUIRE(first->size() == 1);
  auto again = receive_within(queue, 30s);
  REQUIRE(again.size() == 1);
  CHECK(again[0].event_id == (*first)[0].event_id);
  CHECK(again[0].receive_count == 2);
  CHECK(again[0].receipt != (*first)[0].receipt);
  REQUIRE(queue.ack(again[0].receipt).has_value());
}

TEST_CASE("aws/sqs: one head per group; the rest of the group follows in order") {
  SqsSetup s;
  auto queue = s.make();
  for (const char* body : {"a1", "a2", "a3"}) {
    REQUIRE(queue.enqueue({"t1", std::string("k-") + body, body, "trc"}).has_value());
  }
  REQUIRE(queue.enqueue({"t2", "k-b1", "b1", "trc"}).has_value());
  auto got = queue.receive(10, 30s, 0ms);
  REQUIRE(got.has_value());
  CHECK(bodies_of(*got) == std::vector<std::string>{"a1", "b1"});
  auto busy = queue.receive(10, 30s, 0ms);
  REQUIRE(busy.has_value());
  CHECK(busy->empty());  // t1's later messages wait for its head

  // retry_later on the head: the held messages go back too and cannot overtake it.
  REQUIRE(queue.retry_later((*got)[0].receipt, 1s, "http_503").has_value());
  REQUIRE(queue.ack((*got)[1].receipt).has_value());
  auto head = receive_within(queue, 30s);
  REQUIRE(bodies_of(head) == std::vector<std::string>{"a1"});
  CHECK(head[0].receive_count == 2);
  REQUIRE(queue.ack(head[0].receipt).has_value());
  for (const char* expected : {"a2", "a3"}) {
    auto next = receive_within(queue, 30s);
    REQUIRE(bodies_of(next) == std::vector<std::string>{expected});
    REQUIRE(queue.ack(next[0].receipt).has_value());
  }
}

TEST_CASE("aws/sqs: the redrive policy dead-letters after maxReceiveCount") {
  SqsSetup s;
  auto queues = rpmw::testing::create_fifo_with_dlq(s.sqs, rpmw::testing::unique_name("redrive"),
                                                    /*max_receives=*/2);
  SqsEventQueueOptions options;
  options.queue_url = queues.queue_url;
  options.max_receives = 2;
  SqsEventQueue queue(s.sqs, s.clock, s.random, options);
  auto sent = queue.enqueue({"t1", "k1", "a1", "trc_r"});
  REQUIRE(sent.has_value());
  for (int attempt = 1; attempt <= 2; ++attempt) {
    auto got = receive_within(queue, 30s);
    REQUIRE(got.size() == 1);
    CHECK(got[0].receive_count == attempt);
    REQUIRE(queue.retry_later(got[0].receipt, 0ms, "http_503").has_value());
  }
  // The third receive is refused by SQS's redrive policy (or by the adapter's max_receives,
  // whichever sees it first): the message ends in the DLQ, not in a worker's hands.
  std::vector<rpmw::core::DeadLetter> dead;
  const bool moved = rpmw::testing::poll_until(rpmw::testing::deadline_in(15s), [&] {
    auto none = queue.receive(10, 30s, 0ms);
    REQUIRE(none.has_value());
    CHECK(none->empty());
    auto listed = queue.list_dead_letters(10);
    REQUIRE(listed.has_value());
    dead = *listed;
    return !dead.empty();
  });
  REQUIRE(moved);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].event_id == sent->event_id);
  CHECK(dead[0].trace_id == "trc_r");
  CHECK((dead[0].reason == "redrive_policy" || dead[0].reason == "max_receives_exceeded"));
}

TEST_CASE("aws/sqs: max_receives below the redrive policy dead-letters with a reason") {
  SqsSetup s;  // the policy allows 5
  SqsEventQueueOptions options;
  options.max_receives = 1;
  auto queue = s.make(options);
  auto sent = queue.enqueue({"t1", "k1", "a1", "trc"});
  REQUIRE(sent.has_value());
  auto got = queue.receive(10, 30s, 0ms);
  REQUIRE(got.has_value());
  REQUIRE(got->size() == 1);
  REQUIRE(queue.retry_later((*got)[0].receipt, 0ms, "http_503").has_value());
  auto second = queue.receive(10, 30s, 0ms);  // receive count 2 > 1
  REQUIRE(second.has_value());
  CHECK(second->empty());
  auto dead = queue.get_dead_letter(sent->event_id);
  REQUIRE_MESSAGE(dead.has_value(), dead.error().code);
  CHECK(dead->reason == "max_receives_exceeded");
  CHECK(dead->receive_count == 2);
}

TEST_CASE("aws/sqs: a message dead-lettered by the Lambda path keeps its metadata") {
  SqsSetup s;
  auto queue = s.make();
  rpmw::core::QueuedEvent event;
  event.event_id = "evt_LAMBDA";
  event.group = "t9";
  event.trace_id = "trc_l";
  event.body = "{}";
  event.receive_count = 3;
  event.enqueued_at = s.clock.now();
  REQUIRE(queue.send_to_dead_letter_queue(event, "invalid_payload").has_value());
  auto dead = queue.get_dead_letter("evt_LAMBDA");
  REQUIRE(dead.has_value());
  CHECK(dead->group == "t9");
  CHECK(dead->reason == "invalid_payload");
  CHECK(dead->receive_count == 3);
  CHECK(dead->dead_at == s.clock.now());
}

TEST_CASE("aws/sqs: two worker threads drain every message once, in order per group") {
  SqsSetup s;
  auto queue = s.make();
  constexpr int kGroups = 4;
  constexpr int kPerGroup = 6;
  std::vector<rpmw::core::EnqueueRequest> batch;
  for (int i = 0; i < kPerGroup; ++i) {
    for (int g = 0; g < kGroups; ++g) {
      const std::string body = "g" + std::to_string(g) + ":" + std::to_string(i);
      batch.push_back({"g" + std::to_string(g), body, body, "trc"});
    }
  }
  REQUIRE(queue.enqueue_batch(batch).has_value());

  std::mutex mutex;
  std::map<std::string, std::vector<int>> seen;  // group → sequence numbers in processing order
  std::atomic<int> done{0};
  std::atomic<bool> failed{false};
  const auto worker = [&] {
    const auto deadline = rpmw::testing::deadline_in(60s);
    while (done.load() < kGroups * kPerGroup && std::chrono::steady_clock::now() < deadline) {
      auto got = queue.receive(4, 30s, 0ms);
      if (!got) {
        failed = true;
        return;
      }
      for (const auto& event : *got) {
        const auto colon = event.body.find(':');
        {
          std::lock_guard lock(mutex);
          seen[event.group].push_back(std::stoi(event.body.substr(colon + 1)));
        }
        if (!queue.ack(event.receipt)) failed = true;
        ++done;
      }
    }
  };
  std::thread a(worker);
  std::thread b(worker);
  a.join();
  b.join();
  CHECK_FALSE(failed.load());
  CHECK(done.load() == kGroups * kPerGroup);
  REQUIRE(seen.size() == kGroups);
  for (const auto& [group, order] : seen) {
    CAPTURE(group);
    CHECK(order == std::vector<int>{0, 1, 2, 3, 4, 5});
  }
}
