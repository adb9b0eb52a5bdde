#include "app/lambda/worker_handler.h"

#include <doctest/doctest.h>

#include <deque>
#include <string>
#include <vector>

#include "adapters/observability/prometheus_metrics.h"
#include "app/lambda/batch_settlement.h"
#include "app/runtime/engine_kit.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/in_memory_flags.h"
#include "tests/fakes/in_memory_queue.h"
#include "tests/fakes/in_memory_state.h"
#include "tests/fakes/recording_event_log.h"

using rpmw::app::lambda::BatchSettlement;
using rpmw::app::lambda::Settlement;
using rpmw::app::lambda::SqsRecord;
using rpmw::app::lambda::WorkerHandler;
using rpmw::app::lambda::WorkerHandlerDeps;
using rpmw::app::lambda::WorkerHandlerSettings;
using rpmw::core::Error;
using rpmw::core::ErrorKind;
using rpmw::core::QueuedEvent;
using rpmw::core::Result;
using rpmw::core::pipeline::Pipeline;
using rpmw::core::pipeline::PipelineDeps;
using rpmw::core::pipeline::PipelineOutcome;

namespace {

// Answers scripted results in order (processed once the script is used up); records the bodies.
class ScriptedPipeline final : public Pipeline {
 public:
  explicit ScriptedPipeline(PipelineDeps deps) : Pipeline(deps) {}
  std::deque<Result<PipelineOutcome>> script;
  std::vector<std::string> seen;

  Result<PipelineOutcome> process(const QueuedEvent& event) override {
    seen.push_back(event.body);
    if (script.empty()) {
      return PipelineOutcome{PipelineOutcome::Kind::processed, event.body, event.group, ""};
    }
    auto result = std::move(script.front());
    script.pop_front();
    return result;
  }
};

tl::unexpected<Error> error(ErrorKind kind, std::string code) {
  return tl::unexpected<Error>(Error{kind, std::move(code), std::nullopt});
}

SqsRecord record(const std::string& id, const std::string& group, int receive_count = 1,
                 const std::string& receipt = {}) {
  SqsRecord r;
  r.message_id = id;
  r.event.event_id = id;
  r.event.group = group;
  r.event.body = id;
  r.event.receipt = receipt.empty() ? "rh-" + id : receipt;
  r.event.receive_count = receive_count;
  return r;
}

struct Harness {
  Harness()
      : flags(flag_store, clock, log, {}, std::chrono::seconds(30)),
        kit(rpmw::app::EngineKit::embedded()),
        pipeline(
            PipelineDeps{state, flags, clock, log, metrics, kit->engine(), nullptr, nullptr, ""}) {}
  // With a queue, dead letters on the last receive go to it, as the aws profile's sender does.
  WorkerHandler handler(rpmw::core::EventQueue* queue = nullptr) {
    rpmw::app::lambda::DeadLetterSender send_dead;
    if (queue != nullptr) {
      send_dead = [queue](const rpmw::core::QueuedEvent& event, const std::string& reason) {
        return queue->dead_letter(event.receipt, reason);
      };
    }
    return WorkerHandler(WorkerHandlerDeps{pipeline, queue, clock, random, log, metrics, send_dead},
                         WorkerHandlerSettings{});
  }
  std::int64_t now_ms() const { return rpmw::core::to_epoch_ms(clock.now()); }

  rpmw::fakes::FakeClock clock;
  rpmw::fakes::SeededRandom random{5};
  rpmw::fakes::RecordingEventLog log;
  rpmw::adapters::observability::PrometheusMetrics metrics;
  rpmw::fakes::InMemoryStateStore state{clock};
  rpmw::fakes::InMemoryFlagStore flag_store;
  rpmw::core::flags::FlagService flags;
  std::unique_ptr<rpmw::app::EngineKit> kit;
  ScriptedPipeline pipeline;
};

}  // namespace

TEST_CASE("lambda worker: a clean batch reports no failures") {
  Harness h;
  auto handler = h.handler();
  const auto failures =
      handler.process({record("m1", "g1"), record("m2", "g2"), record("m3", "g1")}, 0);
  CHECK(failures.empty());
  CHECK(h.pipeline.seen == std::vector<std::string>{"m1", "m2", "m3"});
  CHECK(h.metrics.value("rpmw_worker_jobs_total", {{"result", "processed"}}) == 3);
}

TEST_CASE("lambda worker: after a failure the record and every later one are reported, unrun") {
  Harness h;
  auto handler = h.handler();
  h.pipeline.script.push_back(PipelineOutcome{});
  h.pipeline.script.push_back(error(ErrorKind::transient, "richpanel_503"));
  const auto failures = handler.process(
      {record("m1", "g1"), record("m2", "g2"), record("m3", "g1"), record("m4", "g3")}, 0);
  CHECK(failures == std::vector<std::string>{"m2", "m3", "m4"});
  CHECK(h.pipeline.seen == std::vector<std::string>{"m1", "m2"});
  CHECK(h.metrics.value("rpmw_worker_jobs_total", {{"result", "retry"}}) == 1);
  CHECK(h.log.count("worker.lambda.batch.rest_reported") == 1);
}

TEST_CASE("lambda worker: the JSON answer lists the failed message ids") {
  Harness h;
  auto handler = h.handler();
  h.pipeline.script.push_back(error(ErrorKind::rate_limited, "richpanel_429"));
  const std::string event = R"({"Records":[
    {"messageId":"a","receiptHandle":"ra","body":"a","attributes":{"ApproximateReceiveCount":"1",
     "MessageGroupId":"g"}},
    {"messageId":"b","receiptHandle":"rb","body":"b","attributes":{"ApproximateReceiveCount":"1",
     "MessageGroupId":"h"}}]})";
  auto answer = handler.handle(event, 0);
  REQUIRE(answer.has_value());
  CHECK(*answer == R"({"batchItemFailures":[{"itemIdentifier":"a"},{"itemIdentifier":"b"}]})");
  auto invalid = handler.handle(R"({"Records":"nope"})", 0);
  REQUIRE_FALSE(invalid.has_value());
  CHECK(invalid.error().kind == ErrorKind::invalid_input);
}

TEST_CASE("lambda worker: a permanent failure without a queue is left to the redrive policy") {
  Harness h;
  auto handler = h.handler();
  h.pipeline.script.push_back(error(ErrorKind::permanent, "invalid_envelope"));
  const auto failures = handler.process({record("m1", "g1", 5), record("m2", "g2")}, 0);
  CHECK(failures == std::vector<std::string>{"m1", "m2"});
  CHECK(h.metrics.value("rpmw_worker_jobs_total", {{"result", "dead_letter"}}) == 1);
}

TEST_CASE("lambda worker: with a real queue the last receive is dead-lettered with its reason") {
  Harness h;
  rpmw::fakes::InMemoryEventQueue queue(h.clock, h.random);
  REQUIRE(queue.enqueue({"g1", "d1", "m1", "trc_1"}).has_value());
  auto received = queue.receive(1, std::chrono::seconds(60), std::chrono::milliseconds(0));
  REQUIRE(received.has_value());
  REQUIRE(received->size() == 1);
  auto handler = h.handler(&queue);

  SUBCASE("at max receives: moved explicitly, not reported, the batch goes on") {
    h.pipeline.script.push_back(error(ErrorKind::permanent, "invalid_envelope"));
    const auto failures =
        handler.process({record("m1", "g1", 5, received->front().receipt), record("m2", "g2")}, 0);
    CHECK(failures.empty());
    CHECK(h.pipeline.seen == std::vector<std::string>{"m1", "m2"});
    auto dead = queue.list_dead_letters(10);
    REQUIRE(dead.has_value());
    REQUIRE(dead->size() == 1);
    CHECK(dead->front().reason == "permanent:invalid_envelope");
  }
  SUBCASE("before max receives: reported, nothing moved") {
    h.pipeline.script.push_back(error(ErrorKind::permanent, "invalid_envelope"));
    const auto failures = handler.process({record("m1", "g1", 2, received->front().receipt)}, 0);
    CHECK(failures == std::vector<std::string>{"m1"});
    CHECK(queue.list_dead_letters(10)->empty());
  }
}

TEST_CASE("lambda worker: no record starts when the invocation deadline is too close") {
  Harness h;
  auto handler = h.handler();
  SUBCASE("too close from the start: everything reported, nothing run") {
    const auto failures =
        handler.process({record("m1", "g1"), record("m2", "g2")}, h.now_ms() + 2000);
    CHECK(failures == std::vector<std::string>{"m1", "m2"});
    CHECK(h.pipeline.seen.empty());
    CHECK(h.log.count("worker.lambda.deadline.stop") == 1);
  }
  SUBCASE("enough time: everything runs") {
    const auto failures =
        handler.process({record("m1", "g1"), record("m2", "g2")}, h.now_ms() + 60000);
    CHECK(failures.empty());
    CHECK(h.pipeline.seen.size() == 2);
  }
}

TEST_CASE("lambda worker: batch settlement bookkeeping") {
  BatchSettlement settlement(nullptr, 5);
  CHECK(settlement.failed("unknown"));  // never settled: not done, so reported
  REQUIRE(settlement.ack("a").has_value());
  REQUIRE(settlement.retry_later("b", std::chrono::milliseconds(10), "transient:x").has_value());
  settlement.expect("c", 5);
  REQUIRE(settlement.dead_letter("c", "permanent:y").has_value());
  CHECK_FALSE(settlement.failed("a"));
  CHECK(settlement.failed("b"));
  CHECK(settlement.settlement("b") == Settlement::retry);
  CHECK(settlement.reason("b") == "transient:x");
  CHECK(settlement.failed("c"));  // no real queue: the redrive policy moves it
  CHECK(settlement.settlement("c") == Settlement::dead_letter);
  CHECK_FALSE(settlement.enqueue({}).has_value());
  CHECK_FALSE(settlement.stats().has_value());
}
