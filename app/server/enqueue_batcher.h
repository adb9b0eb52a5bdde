#pragma once
// Gathers admitted webhooks from the io threads and commits them in batches on a thread of its
// own, so a burst of N requests costs one transaction instead of N and no io thread ever waits
// on a commit. Under load (the last batch had company) the committer lingers briefly for a
// fuller batch: a commit's fixed cost is several times an event's share. Each request is
// answered (through its callback, on the committer thread) only after its batch is stored.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/ingest/ingress.h"
#include "core/ports/event_queue.h"
#include "core/ports/metrics.h"

namespace rpmw::app {

struct EnqueueBatcherSettings {
  std::size_t max_batch = 256;
  // Under load, wait up to `linger` after a batch's first request for `target_batch` requests.
  std::chrono::microseconds linger{400};
  std::size_t target_batch = 24;
};

class EnqueueBatcher {
 public:
  using Done = std::function<void(core::Result<core::EnqueueResult>)>;

  EnqueueBatcher(core::EventQueue& queue, core::Metrics& metrics,
                 EnqueueBatcherSettings settings = {});
  ~EnqueueBatcher();
  EnqueueBatcher(const EnqueueBatcher&) = delete;
  EnqueueBatcher& operator=(const EnqueueBatcher&) = delete;

  // Returns at once; `done` is called exactly once, on the committer thread (or on this one
  // with an `unavailable` error after stop()).
  void submit(core::EnqueueRequest request, Done done);
  // Commits what is pending, then stops the committer; later submits are answered at once with
  // an `unavailable` error.
  void stop();

  std::int64_t batches() const { return batches_.load(); }

 private:
  struct Item {
    core::EnqueueRequest request;
    Done done;
  };
  void run();
  void commit(std::vector<Item>& batch);

  core::EventQueue& queue_;
  core::Metrics& metrics_;
  const EnqueueBatcherSettings settings_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Item> pending_;
  std::chrono::steady_clock::time_point first_pending_at_{};
  bool stopping_ = false;
  std::atomic<std::int64_t> batches_{0};
  std::thread committer_;
};

}  // namespace rpmw::app
