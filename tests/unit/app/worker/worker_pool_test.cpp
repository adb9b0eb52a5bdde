#include "app/worker/worker_pool.h"

#include <doctest/doctest.h>

#include "app/runtime/engine_kit.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "adapters/observability/prometheus_metrics.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/in_memory_flags.h"
#include "tests/fakes/in_memory_queue.h"
#include "tests/fakes/in_memory_state.h"
#include "tests/fakes/recording_event_log.h"

using rpmw::adapters::observability::PrometheusMetrics;
using rpmw::app::WorkerPool;
using rpmw::app::WorkerPoolSettings;
using rpmw::core::Error;
using rpmw::core::ErrorKind;
using rpmw::core::QueuedEvent;
using rpmw::core::Result;
using rpmw::core::pipeline::Pipeline;
using rpmw::core::pipeline::PipelineDeps;
using rpmw::core::pipeline::PipelineOutcome;
using rpmw::fakes::FakeClock;
using rpmw::fakes::field_text;
using rpmw::fakes::InMemoryEventQueue;
using rpmw::fakes::InMemoryEventQueueOptions;
using rpmw::fakes::RecordingEventLog;
using rpmw::fakes::SeededRandom;
using std::chrono::milliseconds;

namespace {

// A pipeline that answers scripted results (processed by default) and records what it saw.
class ScriptedPipeline final : public Pipeline {
 public:
  explicit ScriptedPipeline(PipelineDeps deps) : Pipeline(deps) {}

  void push(Result<PipelineOutcome> result) {
    std::lock_guard lock(mutex_);
    scripted_.push_back(std::move(result));
  }

  Result<PipelineOutcome> process(const QueuedEvent& event) override {
    Result<PipelineOutcome> result = PipelineOutcome{
        PipelineOutcome::Kind::processed, event.group + ":" + event.event_id, event.group, ""};
    {
      std::lock_guard lock(mutex_);
      if (!in_flight_.insert(event.group).second) group_overlap_ = true;
      bodies_.push_back(event.body);
      if (!scripted_.empty()) {
        result = std::move(scripted_.front());
        scripted_.pop_front();
      }
    }
    std::this_thread::yield();  // widen the window in which an overlap would show
    {
      std::lock_guard lock(mutex_);
      in_flight_.erase(event.group);
      ++calls_;
    }
    changed_.notify_all();
    return result;
  }

  // Polls with a deadline: true once `n` calls have finished.
  bool wait_for_calls(std::size_t n, std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return calls_ >= n; });
  }
  std::vector<std::string> bodies() const {
    std::lock_guard lock(mutex_);
    return bodies_;
  }
  bool group_overlap() const {
    std::lock_guard lock(mutex_);
    return group_overlap_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Result<PipelineOutcome>> scripted_;
  std::vector<std::string> bodies_;
  std::set<std::string> in_flight_;
  std::size_t calls_ = 0;
  bool group_overlap_ = false;
};

struct Harness {
  explicit Harness(WorkerPoolSettings settings = {}, InMemoryEventQueueOptions queue_options = {})
      : queue(clock, random, queue_options),
        flags(flag_store, clock, log, {}, std::chrono::seconds(30)),
        kit(rpmw::app::EngineKit::embedded()),
        pipeline(
            PipelineDeps{state, flags, clock, log, metrics, kit->engine(), nullptr, nullptr, ""}),
        pool(settings, queue, pipeline, clock, random, log, metrics) {}

  void enqueue(const std::string& group, const std::string& body) {
    auto r = queue.enqueue({group, "", body, "trc_" + group});
    REQUIRE(r.has_value());
  }
  std::vector<QueuedEvent> receive() {
    auto r = queue.receive(10, std::chrono::seconds(120), milliseconds(0));
    REQUIRE(r.has_value());
    return *r;
  }
  QueuedEvent receive_one() {
    auto batch = receive();
    REQUIRE(batch.size() == 1);
    return batch.front();
  }
  std::int64_t depth() {
    auto s = queue.stats();
    REQUIRE(s.has_value());
    return s->depth;
  }
  double jobs(const std::string& result) {
    return metrics.value("rpmw_worker_jobs_total", {{"result", result}});
  }

  FakeClock clock;
  SeededRandom random{3};
  InMemoryEventQueue queue;
  RecordingEventLog log;
  PrometheusMetrics metrics;
  rpmw::fakes::InMemoryStateStore state{clock};
  rpmw::fakes::InMemoryFlagStore flag_store;
  rpmw::core::flags::FlagService flags;
  std::unique_ptr<rpmw::app::EngineKit> kit;
  ScriptedPipeline pipeline;
  WorkerPool pool;
};

tl::unexpected<Error> error(ErrorKind kind, std::string code,
                            std::optional<milliseconds> retry_after = {}) {
  return tl::unexpected<Error>(Error{kind, std::move(code), retry_after});
}

}  // namespace

TEST_CASE("app/worker: process_one acks a processed event and logs worker.job.complete") {
  Harness h;
  h.enqueue("t-1", "body");
  h.clock.advance(milliseconds(1500));
  const QueuedEvent message = h.receive_one();
  h.pool.process_one(message);
  CHECK(h.depth() == 0);
  auto logged = h.log.find("worker.job.complete");
  REQUIRE(logged.has_value());
  CHECK(field_text(*logged, "result") == "processed");
  CHECK(field_text(*logged, "event_id") == message.event_id);
  CHECK(field_text(*logged, "trace_id") == "trc_t-1");
  CHECK(field_text(*logged, "event_key") == "t-1:" + message.event_id);
  CHECK(h.jobs("processed") == 1);
  CHECK(h.metrics.value("rpmw_event_end_to_end_seconds") == 1);  // one observation
  CHECK(h.log.count("worker.job.failed") == 0);
}

TEST_CASE("app/worker: process_one acks a duplicate and logs worker.job.duplicate") {
  Harness h;
  h.enqueue("t-1", "body");
  h.pipeline.push(PipelineOutcome{PipelineOutcome::Kind::duplicate, "t-1:c-1", "t-1", ""});
  h.pool.process_one(h.receive_one());
  CHECK(h.depth() == 0);
  auto logged = h.log.find("worker.job.duplicate");
  REQUIRE(logged.has_value());
  CHECK(field_text(*logged, "result") == "duplicate");
  CHECK(field_text(*logged, "event_key") == "t-1:c-1");
  CHECK(h.log.count("worker.job.complete") == 0);
  CHECK(h.jobs("duplicate") == 1);
}

TEST_CASE("app/worker: a transient error retries later with a growing receive count") {
  Harness h;
  h.enqueue("t-1", "body");
  h.pipeline.push(error(ErrorKind::transient, "vendor_5xx"));
  const QueuedEvent first = h.receive_one();
  CHECK(first.receive_count == 1);
  h.pool.process_one(first);

  CHECK(h.depth() == 1);
  auto failed = h.log.find("worker.job.failed");
  REQUIRE(failed.has_value());
  CHECK(field_text(*failed, "result") == "transient:vendor_5xx");
  CHECK(field_text(*failed, "next") == "retry");
  const auto delay_text = field_text(*failed, "retry_delay_ms");
  REQUIRE(delay_text.has_value());
  const std::int64_t delay = std::stoll(*delay_text);
  CHECK(delay >= 0);
  CHECK(delay <= 2000);  // first attempt: within the base
  CHECK(h.jobs("retry") == 1);
  CHECK(h.log.count("system.dlq.message_written") == 0);

  if (delay > 0) {
    h.clock.advance(milliseconds(delay - 1));
    CHECK(h.receive().empty());
    h.clock.advance(milliseconds(1));
  }
  const QueuedEvent second = h.receive_one();
  CHECK(second.event_id == first.event_id);
  CHECK(second.receive_count == 2);
  h.pool.process_one(second);  // processed this time
  CHECK(h.depth() == 0);
}

TEST_CASE("app/worker: a rate-limited error waits at least its Retry-After") {
  Harness h;
  h.enqueue("t-1", "body");
  h.pipeline.push(error(ErrorKind::rate_limited, "richpanel_429", milliseconds(10000)));
  h.pool.process_one(h.receive_one());
  h.clock.advance(milliseconds(9999));
  CHECK(h.receive().empty());
  h.clock.advance(milliseconds(1));
  CHECK(h.receive_one().receive_count == 2);
}

TEST_CASE("app/worker: a permanent error dead-letters with its reason") {
  Harness h;
  h.enqueue("t-1", "body");
  h.enqueue("t-1", "next in group");
  h.pipeline.push(error(ErrorKind::permanent, "bad_payload"));
  const QueuedEvent message = h.receive_one();
  h.pool.process_one(message);

  auto dead = h.queue.list_dead_letters(10);
  REQUIRE(dead.has_value());
  REQUIRE(dead->size() == 1);
  CHECK(dead->front().event_id == message.event_id);
  CHECK(dead->front().reason == "permanent:bad_payload");
  CHECK(h.depth() == 1);  // the next message of the group is free to go
  CHECK(h.receive_one().body == "next in group");

  auto failed = h.log.find("worker.job.failed");
  REQUIRE(failed.has_value());
  CHECK(field_text(*failed, "next") == "dead_letter");
  auto dlq = h.log.find("system.dlq.message_written");
  REQUIRE(dlq.has_value());
  CHECK(field_text(*dlq, "result") == "permanent:bad_payload");
  CHECK(field_text(*dlq, "event_id") == message.event_id);
  CHECK(h.jobs("dead_letter") == 1);
}

TEST_CASE("app/worker: repeated transient failures end in the DLQ after max_receives") {
  InMemoryEventQueueOptions queue_options;
  queue_options.max_receives = 2;
  Harness h({}, queue_options);
  h.enqueue("t-1", "body");
  for (int i = 0; i < 2; ++i) {
    h.pipeline.push(error(ErrorKind::transient, "vendor_timeout"));
    h.pool.process_one(h.receive_one());
    h.clock.advance(milliseconds(60000));
  }
  CHECK(h.receive().empty());
  auto dead = h.queue.list_dead_letters(10);
  REQUIRE(dead.has_value());
  REQUIRE(dead->size() == 1);
  CHECK(dead->front().reason.find("transient:vendor_timeout") != std::string::npos);
}

TEST_CASE("app/worker: settle failures are logged and leave the message to the queue") {
  SUBCASE("ack") {
    Harness h;
    h.enqueue("t-1", "body");
    h.queue.fail_next({ErrorKind::unavailable, "sqlite_locked", {}}, "ack");
    h.pool.process_one(h.receive_one());
    auto logged = h.log.find("worker.queue.ack.failed");
    REQUIRE(logged.has_value());
    CHECK(field_text(*logged, "result") == "sqlite_locked");
    CHECK(h.depth() == 1);  // redelivered after the visibility timeout; the state dedups it
  }
  SUBCASE("dead_letter") {
    Harness h;
    h.enqueue("t-1", "body");
    h.pipeline.push(error(ErrorKind::permanent, "bad_payload"));
    h.queue.fail_next({ErrorKind::unavailable, "sqlite_locked", {}}, "dead_letter");
    h.pool.process_one(h.receive_one());
    CHECK(h.log.count("worker.queue.settle.failed") == 1);
    CHECK(h.log.count("system.dlq.message_written") == 0);
    CHECK(h.depth() == 1);
  }
}

TEST_CASE("app/worker: two workers drain 100 messages across 10 groups in per-group order") {
  WorkerPoolSettings settings;
  settings.workers = 2;
  settings.poll_wait = milliseconds(20);
  Harness h(settings);
  for (int seq = 0; seq < 10; ++seq) {
    for (int g = 0; g < 10; ++g) {
      h.enqueue("g" + std::to_string(g), "g" + std::to_string(g) + "#" + std::to_string(seq));
    }
  }
  h.pool.start();
  const bool drained = h.pipeline.wait_for_calls(100, std::chrono::seconds(60));
  h.pool.request_stop();
  h.pool.join();
  REQUIRE(drained);

  std::map<std::string, std::vector<int>> per_group;
  for (const std::string& body : h.pipeline.bodies()) {
    const auto hash = body.find('#');
    per_group[body.substr(0, hash)].push_back(std::stoi(body.substr(hash + 1)));
  }
  CHECK(per_group.size() == 10);
  for (const auto& [group, sequence] : per_group) {
    CAPTURE(group);
    CHECK(sequence == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  }
  CHECK_FALSE(h.pipeline.group_overlap());
  CHECK(h.depth() == 0);
  CHECK(h.jobs("processed") == 100);
  CHECK(h.log.count("worker.job.complete") == 100);
}

TEST_CASE("app/worker: a receive failure is logged and the workers carry on") {
  WorkerPoolSettings settings;
  settings.workers = 1;
  settings.poll_wait = milliseconds(10);
  Harness h(settings);
  h.queue.fail_next({ErrorKind::unavailable, "sqlite_busy", {}}, "receive");
  h.enqueue("t-1", "body");
  h.pool.start();
  const bool done = h.pipeline.wait_for_calls(1, std::chrono::seconds(30));
  h.pool.request_stop();
  h.pool.join();
  REQUIRE(done);
  auto logged = h.log.find("worker.queue.receive.failed");
  REQUIRE(logged.has_value());
  CHECK(field_text(*logged, "result") == "sqlite_busy");
  CHECK(h.depth() == 0);
}

TEST_CASE("app/worker: stop and join return with an idle queue; join is idempotent") {
  WorkerPoolSettings settings;
  settings.workers = 3;
  settings.poll_wait = milliseconds(50);
  Harness h(settings);
  h.pool.start();
  h.pool.request_stop();
  h.pool.join();
  h.pool.join();
  // After the stop nothing is received any more.
  h.enqueue("t-1", "late");
  CHECK(h.depth() == 1);
  CHECK(h.pipeline.bodies().empty());
}
