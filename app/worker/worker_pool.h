#pragma once
// A fixed pool of worker threads: receive → pipeline → ack / retry later / dead-letter.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "core/pipeline/disposition.h"
#include "core/pipeline/pipeline.h"
#include "core/ports/event_log.h"
#include "core/ports/event_queue.h"
#include "core/ports/metrics.h"

namespace rpmw::app {

struct WorkerPoolSettings {
  int workers = 4;
  std::chrono::milliseconds visibility{120000};
  std::chrono::milliseconds poll_wait{500};  // also bounds how long a stop takes to be noticed
  core::pipeline::BackoffSettings backoff;
};

class WorkerPool {
 public:
  WorkerPool(WorkerPoolSettings settings, core::EventQueue& queue,
             core::pipeline::Pipeline& pipeline, const core::Clock& clock, core::Random& random,
             core::EventLog& log, core::Metrics& metrics);
  ~WorkerPool();

  void start();
  // Workers finish the event in hand and stop receiving.
  void request_stop();
  void join();

  // Processes one message and settles it with the queue. Public for tests and the Lambda handler.
  void process_one(const core::QueuedEvent& message);

 private:
  void run();
  void pause(std::chrono::milliseconds how_long);

  WorkerPoolSettings settings_;
  core::EventQueue& queue_;
  core::pipeline::Pipeline& pipeline_;
  const core::Clock& clock_;
  core::Random& random_;
  core::EventLog& log_;
  core::Metrics& metrics_;

  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable stop_signal_;
  std::vector<std::thread> threads_;
};

}  // namespace rpmw::app
