#include "app/server/enqueue_batcher.h"

namespace rpmw::app {

EnqueueBatcher::EnqueueBatcher(core::EventQueue& queue, core::Metrics& metrics,
                               std::size_t max_batch)
    : queue_(queue), metrics_(metrics), max_batch_(max_batch), thread_([this] { run(); }) {}

EnqueueBatcher::~EnqueueBatcher() {
  stop();
}

void EnqueueBatcher::submit(core::EnqueueRequest request, Done done) {
  bool wake = false;
  bool accepted = false;
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      pending_.push_back(Item{std::move(request), std::move(done)});
      accepted = true;
      // Waking costs a syscall; a busy committer picks the item up on its next round anyway.
      wake = idle_;
      idle_ = false;
    }
  }
  if (!accepted) {
    done(core::fail(core::ErrorKind::unavailable, "shutting_down"));
    return;
  }
  if (wake) wake_.notify_one();
}

void EnqueueBatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void EnqueueBatcher::run() {
  std::vector<Item> batch;
  std::vector<core::EnqueueRequest> requests;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      while (pending_.empty() && !stopping_) {
        idle_ = true;
        wake_.wait(lock);
      }
      if (pending_.empty() && stopping_) return;
      const std::size_t take = std::min(pending_.size(), max_batch_);
      batch.assign(std::make_move_iterator(pending_.begin()),
                   std::make_move_iterator(pending_.begin() + static_cast<std::ptrdiff_t>(take)));
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(take));
    }
    requests.clear();
    for (auto& item : batch) requests.push_back(std::move(item.request));
    auto results = queue_.enqueue_batch(requests);
    ++batches_;
    metrics_.increment("rpmw_ingress_enqueue_batches_total");
    metrics_.increment("rpmw_ingress_enqueue_batched_total", {}, static_cast<double>(batch.size()));
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (results && i < results->size()) {
        batch[i].done(std::move((*results)[i]));
      } else {
        batch[i].done(results ? core::fail(core::ErrorKind::internal, "batch_result_missing")
                              : tl::unexpected(results.error()));
      }
    }
    batch.clear();
  }
}

}  // namespace rpmw::app
