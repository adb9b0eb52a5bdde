#include "app/server/enqueue_batcher.h"

#include <algorithm>

namespace rpmw::app {

EnqueueBatcher::EnqueueBatcher(core::EventQueue& queue, core::Metrics& metrics,
                               EnqueueBatcherSettings settings)
    : queue_(queue), metrics_(metrics), settings_(settings) {
  committer_ = std::thread([this] { run(); });
}

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
  const std::size_t size = pending_.size();
  if (size == 1) first_pending_at_ = std::chrono::steady_clock::now();
  lock.unlock();
  // Wake the committer only when it has something new to decide: work arrived, or the batch it
  // lingers for is full. Other submits cost no wake-up.
  if (size == 1 || size == settings_.target_batch || size == settings_.max_batch) {
    wake_.notify_one();
  }
}

void EnqueueBatcher::run() {
  std::vector<Item> batch;
  std::size_t last_batch = 0;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return !pending_.empty() || stopping_; });
    if (pending_.empty()) return;  // stopping, nothing left
    // A lone request on a quiet server is committed at once; under load, wait for company.
    if (last_batch > 1 && settings_.linger.count() > 0) {
      const auto deadline = first_pending_at_ + settings_.linger;
      wake_.wait_until(lock, deadline,
                       [this] { return pending_.size() >= settings_.target_batch || stopping_; });
    }
    const std::size_t take = std::min(pending_.size(), settings_.max_batch);
    batch.assign(std::make_move_iterator(pending_.begin()),
                 std::make_move_iterator(pending_.begin() + static_cast<std::ptrdiff_t>(take)));
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(take));
    if (!pending_.empty()) first_pending_at_ = std::chrono::steady_clock::now();
    lock.unlock();
    commit(batch);
    last_batch = take;
    batch.clear();
    lock.lock();
  }
}

void EnqueueBatcher::commit(std::vector<Item>& batch) {
  std::vector<core::EnqueueRequest> requests;
  requests.reserve(batch.size());
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
}

void EnqueueBatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (committer_.joinable()) committer_.join();
}

}  // namespace rpmw::app
