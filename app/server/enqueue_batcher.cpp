#include "app/server/enqueue_batcher.h"

namespace rpmw::app {

EnqueueBatcher::EnqueueBatcher(core::EventQueue& queue, core::Metrics& metrics,
                               std::size_t max_batch)
    : queue_(queue), metrics_(metrics), max_batch_(max_batch) {}

EnqueueBatcher::~EnqueueBatcher() {
  stop();
}

void EnqueueBatcher::submit(core::EnqueueRequest request, Done done) {
  std::unique_lock lock(mutex_);
  if (stopping_) {
    lock.unlock();
    done(core::fail(core::ErrorKind::unavailable, "shutting_down"));
    return;
  }
  pending_.push_back(Item{std::move(request), std::move(done)});
  if (committing_) return;  // the running committer picks it up in its next round
  committing_ = true;
  drain(lock);
}

void EnqueueBatcher::drain(std::unique_lock<std::mutex>& lock) {
  std::vector<Item> batch;
  std::vector<core::EnqueueRequest> requests;
  while (!pending_.empty()) {
    const std::size_t take = std::min(pending_.size(), max_batch_);
    batch.assign(std::make_move_iterator(pending_.begin()),
                 std::make_move_iterator(pending_.begin() + static_cast<std::ptrdiff_t>(take)));
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(take));
    lock.unlock();

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
    lock.lock();
  }
  committing_ = false;
  idle_.notify_all();
}

void EnqueueBatcher::stop() {
  std::unique_lock lock(mutex_);
  stopping_ = true;
  idle_.wait(lock, [this] { return !committing_; });
}

}  // namespace rpmw::app
