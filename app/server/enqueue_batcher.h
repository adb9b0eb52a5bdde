#pragma once
// Gathers admitted webhooks from the io threads and commits them in batches, so a burst of N
// requests costs one transaction instead of N. No thread of its own: the first submitter that
// finds no commit running becomes the committer and drains what piles up meanwhile (leader/
// follower), so there is no cross-thread wake-up on the hot path. Each request is answered
// (through its callback) only after its batch is durably stored.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

#include "core/ingest/ingress.h"
#include "core/ports/event_queue.h"
#include "core/ports/metrics.h"

namespace rpmw::app {

class EnqueueBatcher {
 public:
  using Done = std::function<void(core::Result<core::EnqueueResult>)>;

  EnqueueBatcher(core::EventQueue& queue, core::Metrics& metrics, std::size_t max_batch = 256);
  ~EnqueueBatcher();
  EnqueueBatcher(const EnqueueBatcher&) = delete;
  EnqueueBatcher& operator=(const EnqueueBatcher&) = delete;

  // Calls `done` exactly once, possibly on this thread before returning (this thread may also
  // commit other callers' requests first), possibly on another submitter's thread.
  void submit(core::EnqueueRequest request, Done done);
  // Waits for the running commit to finish; later submits are answered at once with an
  // `unavailable` error.
  void stop();

  std::int64_t batches() const { return batches_.load(); }

 private:
  struct Item {
    core::EnqueueRequest request;
    Done done;
  };
  void drain(std::unique_lock<std::mutex>& lock);

  core::EventQueue& queue_;
  core::Metrics& metrics_;
  const std::size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable idle_;
  std::vector<Item> pending_;
  bool committing_ = false;
  bool stopping_ = false;
  std::atomic<std::int64_t> batches_{0};
};

}  // namespace rpmw::app
