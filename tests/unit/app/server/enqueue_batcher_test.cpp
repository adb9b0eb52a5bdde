#include "app/server/enqueue_batcher.h"

#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "adapters/observability/prometheus_metrics.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/in_memory_queue.h"

using rpmw::adapters::observability::PrometheusMetrics;
using rpmw::app::EnqueueBatcher;
using rpmw::core::EnqueueRequest;
using rpmw::core::EnqueueResult;
using rpmw::core::Result;

namespace {

// Records every batch and can hold the committer inside enqueue_batch until released.
class GatedQueue final : public rpmw::core::EventQueue {
 public:
  GatedQueue(rpmw::core::EventQueue& inner) : inner_(inner) {}

  Result<std::vector<EnqueueResult>> enqueue_batch(
      const std::vector<EnqueueRequest>& requests) override {
    std::unique_lock lock(mutex_);
    batch_sizes_.push_back(requests.size());
    entered_ = true;
    changed_.notify_all();
    changed_.wait(lock, [this] { return !held_; });
    lock.unlock();
    return inner_.enqueue_batch(requests);
  }
  void hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }
  void release() {
    std::lock_guard lock(mutex_);
    held_ = false;
    changed_.notify_all();
  }
  bool wait_entered() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [this] { return entered_; });
  }
  // Waits until `n` batches have reached enqueue_batch (held or not).
  bool wait_batches(std::size_t n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10),
                             [&] { return batch_sizes_.size() >= n; });
  }
  std::vector<std::size_t> batch_sizes() {
    std::lock_guard lock(mutex_);
    return batch_sizes_;
  }

  Result<EnqueueResult> enqueue(const EnqueueRequest& r) override { return inner_.enqueue(r); }
  Result<std::vector<rpmw::core::QueuedEvent>> receive(int max, std::chrono::milliseconds v,
                                                       std::chrono::milliseconds w) override {
    return inner_.receive(max, v, w);
  }
  rpmw::core::Status ack(const std::string& r) override { return inner_.ack(r); }
  rpmw::core::Status retry_later(const std::string& r, std::chrono::milliseconds d,
                                 const std::string& why) override {
    return inner_.retry_later(r, d, why);
  }
  rpmw::core::Status dead_letter(const std::string& r, const std::string& why) override {
    return inner_.dead_letter(r, why);
  }
  Result<std::vector<rpmw::core::DeadLetter>> list_dead_letters(int limit) override {
    return inner_.list_dead_letters(limit);
  }
  rpmw::core::Status redrive(const std::string& id) override { return inner_.redrive(id); }
  Result<rpmw::core::DeadLetter> get_dead_letter(const std::string& id) override {
    return inner_.get_dead_letter(id);
  }
  rpmw::core::Status purge_dead_letter(const std::string& id) override {
    return inner_.purge_dead_letter(id);
  }
  Result<rpmw::core::QueueStats> stats() override { return inner_.stats(); }

 private:
  rpmw::core::EventQueue& inner_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool held_ = false;
  bool entered_ = false;
  std::vector<std::size_t> batch_sizes_;
};

// Collects callback results from the committer thread.
struct Answers {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::pair<int, Result<EnqueueResult>>> got;

  EnqueueBatcher::Done slot(int index) {
    return [this, index](Result<EnqueueResult> r) {
      std::lock_guard lock(mutex);
      got.emplace_back(index, std::move(r));
      changed.notify_all();
    };
  }
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(10), [&] { return got.size() >= n; });
  }
};

EnqueueRequest request(const std::string& ticket, const std::string& dedup) {
  return EnqueueRequest{ticket, dedup, R"({"ticket_id":")" + ticket + "\"}", "trc_test"};
}

// A batcher over a gated in-memory queue, with the answers it gives.
struct GatedBatcher {
  rpmw::fakes::FakeClock clock;
  rpmw::fakes::SeededRandom random;
  rpmw::fakes::InMemoryEventQueue inner{clock, random};
  GatedQueue queue{inner};
  PrometheusMetrics metrics;
  Answers answers;
  EnqueueBatcher batcher{queue, metrics};
};

}  // namespace

TEST_CASE("app/server: the enqueue batcher commits requests that arrive during a commit together") {
  GatedBatcher f;
  auto& inner = f.inner;
  auto& queue = f.queue;
  auto& metrics = f.metrics;
  auto& answers = f.answers;
  auto& batcher = f.batcher;

  queue.hold();
  // The first submitter becomes the committer and is held inside the first batch.
  std::thread first([&] { batcher.submit(request("t1", "k0"), answers.slot(0)); });
  REQUIRE(queue.wait_entered());
  for (int i = 1; i <= 5; ++i) {
    batcher.submit(request("t1", "k" + std::to_string(i)), answers.slot(i));  // returns at once
  }
  batcher.submit(request("t1", "k3"), answers.slot(6));  // same dedup key as #3
  {
    std::lock_guard lock(answers.mutex);
    CHECK(answers.got.empty());  // nothing is answered before its batch is stored
  }
  queue.release();
  first.join();
  REQUIRE(answers.wait_for(7));

  CHECK(queue.batch_sizes() == std::vector<std::size_t>{1, 6});
  std::set<std::string> ids;
  std::string id_of_3, id_of_6;
  for (auto& [index, result] : answers.got) {
    REQUIRE(result.has_value());
    if (index == 6) {
      CHECK(result->duplicate);
      id_of_6 = result->event_id;
    } else {
      CHECK_FALSE(result->duplicate);
      ids.insert(result->event_id);
      if (index == 3) id_of_3 = result->event_id;
    }
  }
  CHECK(ids.size() == 6);
  CHECK(id_of_6 == id_of_3);  // each caller gets its own result, duplicates included
  CHECK(inner.stats()->depth == 6);
  CHECK(metrics.value("rpmw_ingress_enqueue_batches_total", {}) == 2);
  CHECK(metrics.value("rpmw_ingress_enqueue_batched_total", {}) == 7);
}

TEST_CASE("app/server: a failed batch answers every request in it with the error") {
  rpmw::fakes::FakeClock clock;
  rpmw::fakes::SeededRandom random;
  rpmw::fakes::InMemoryEventQueue inner(clock, random);
  inner.fail_next(rpmw::core::Error{rpmw::core::ErrorKind::unavailable, "sqlite_full", {}},
                  "enqueue");
  PrometheusMetrics metrics;
  Answers answers;
  EnqueueBatcher batcher(inner, metrics);
  batcher.submit(request("t1", "a"), answers.slot(0));
  REQUIRE(answers.wait_for(1));
  REQUIRE_FALSE(answers.got[0].second.has_value());
  CHECK(answers.got[0].second.error().code == "sqlite_full");
  CHECK(inner.stats()->depth == 0);
}

TEST_CASE("app/server: stop commits what is pending and refuses later submits") {
  GatedBatcher f;
  auto& inner = f.inner;
  auto& queue = f.queue;
  auto& answers = f.answers;
  auto& batcher = f.batcher;
  queue.hold();
  std::thread first([&] { batcher.submit(request("t1", "a"), answers.slot(0)); });
  REQUIRE(queue.wait_entered());
  batcher.submit(request("t2", "b"), answers.slot(1));
  std::thread stopper([&] { batcher.stop(); });
  queue.release();
  stopper.join();
  first.join();
  REQUIRE(answers.wait_for(2));
  for (auto& [index, result] : answers.got) CHECK(result.has_value());

  batcher.submit(request("t3", "c"), answers.slot(2));
  REQUIRE(answers.wait_for(3));
  REQUIRE_FALSE(answers.got[2].second.has_value());
  CHECK(answers.got[2].second.error().code == "shutting_down");
  CHECK(inner.stats()->depth == 2);
}

TEST_CASE(
    "app/server: under load the batcher lingers for a fuller batch; a lone request waits not") {
  rpmw::fakes::FakeClock clock;
  rpmw::fakes::SeededRandom random;
  rpmw::fakes::InMemoryEventQueue inner(clock, random);
  GatedQueue queue(inner);
  PrometheusMetrics metrics;
  Answers answers;
  rpmw::app::EnqueueBatcherSettings settings;
  settings.linger = std::chrono::minutes(10);  // far past the answers' 10 s deadline
  settings.target_batch = 4;
  EnqueueBatcher batcher(queue, metrics, settings);

  // Quiet: a single request is committed at once, whatever the linger.
  batcher.submit(request("t0", "k0"), answers.slot(0));
  REQUIRE(answers.wait_for(1));

  // Load: requests arriving during a commit make a batch with company...
  queue.hold();
  batcher.submit(request("t1", "k1"), answers.slot(1));
  REQUIRE(queue.wait_batches(2));
  batcher.submit(request("t2", "k2"), answers.slot(2));
  batcher.submit(request("t3", "k3"), answers.slot(3));
  queue.release();
  REQUIRE(answers.wait_for(4));
  // ...so the next batch waits for the target size instead of going out with its first request.
  for (int i = 4; i < 8; ++i) {
    batcher.submit(request("t" + std::to_string(i), "k" + std::to_string(i)), answers.slot(i));
  }
  REQUIRE(answers.wait_for(8));
  CHECK(queue.batch_sizes() == std::vector<std::size_t>{1, 1, 2, 4});
  batcher.stop();
}

TEST_CASE("app/server: stop ends a linger and commits what waits") {
  rpmw::fakes::FakeClock clock;
  rpmw::fakes::SeededRandom random;
  rpmw::fakes::InMemoryEventQueue inner(clock, random);
  GatedQueue queue(inner);
  PrometheusMetrics metrics;
  Answers answers;
  rpmw::app::EnqueueBatcherSettings settings;
  settings.linger = std::chrono::minutes(10);
  settings.target_batch = 100;
  EnqueueBatcher batcher(queue, metrics, settings);
  queue.hold();
  batcher.submit(request("t1", "k1"), answers.slot(0));
  REQUIRE(queue.wait_entered());
  batcher.submit(request("t2", "k2"), answers.slot(1));
  batcher.submit(request("t3", "k3"), answers.slot(2));
  queue.release();
  REQUIRE(answers.wait_for(3));
  batcher.submit(request("t4", "k4"), answers.slot(3));  // lingers: the last batch had company
  batcher.stop();
  REQUIRE(answers.wait_for(4));
  CHECK(answers.got.back().second.has_value());
  CHECK(inner.stats()->depth == 4);
}
