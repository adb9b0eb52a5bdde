#pragma once
// Gathers admitted webhooks from the io threads and commits them in batches on one thread, so a
// burst of N requests costs one transaction instead of N. Each request is answered (through its
// callback) only after its batch is durably stored.
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
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

  void submit(core::EnqueueRequest request, Done done);
  // Commits what is pending, then stops the thread. Later submits are answered at once with an
  // `unavailable` error.
  void stop();

  std::int64_t batches() const { return batches_.load(); }

 private:
  struct Item {
    core::EnqueueRequest request;
    Done done;
  };
  void run();

  core::EventQueue& queue_;
  core::Metrics& metrics_;
  const std::size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Item> pending_;
  bool stopping_ = false;
  bool idle_ = false;  // the thread waits: a submit must wake it
  std::atomic<std::int64_t> batches_{0};
  std::thread thread_;
};

}  // namespace rpmw::app
