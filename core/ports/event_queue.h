#pragma once
// FIFO per group, at most one in-flight message per group, visibility timeout, receive count,
// dead-lettering. The SQLite and SQS FIFO adapters behave the same.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/ports/clock.h"

namespace rpmw::core {

struct EnqueueRequest {
  std::string group;      // ticket id
  std::string dedup_key;  // ingress dedup key
  std::string body;       // queued envelope (JSON)
  std::string trace_id;
};

struct EnqueueResult {
  std::string event_id;
  bool duplicate = false;  // the dedup key was seen inside the window; nothing was enqueued
};

struct QueuedEvent {
  std::string event_id;
  std::string group;
  std::string dedup_key;
  std::string body;
  std::string trace_id;
  std::string receipt;  // identifies this delivery; ack/retry/dead-letter need it
  int receive_count = 0;
  TimePoint enqueued_at{};
};

struct DeadLetter {
  std::string event_id;
  std::string group;
  std::string trace_id;
  std::string reason;  // a machine code, never customer text
  int receive_count = 0;
  TimePoint enqueued_at{};
  TimePoint dead_at{};
};

struct QueueStats {
  std::int64_t depth = 0;  // messages not yet acknowledged (ready + in flight)
  std::int64_t in_flight = 0;
  double oldest_age_seconds = 0;
  std::int64_t dlq_depth = 0;
};

class EventQueue {
 public:
  virtual ~EventQueue() = default;

  virtual Result<EnqueueResult> enqueue(const EnqueueRequest& request) = 0;
  // Several requests, each with its own result (duplicates included). Adapters that can commit
  // them together (one SQLite transaction, one SQS SendMessageBatch) override this. A failed call
  // may have stored some of them; the sender's retry is then answered as a duplicate.
  virtual Result<std::vector<EnqueueResult>> enqueue_batch(
      const std::vector<EnqueueRequest>& requests) {
    std::vector<EnqueueResult> results;
    results.reserve(requests.size());
    for (const auto& request : requests) {
      auto result = enqueue(request);
      if (!result) return tl::unexpected(result.error());
      results.push_back(std::move(*result));
    }
    return results;
  }

  // Up to `max` messages, each the head of its group, leased for `visibility`. Waits up to
  // `wait` for one to become available (long polling); returns an empty vector on timeout.
  virtual Result<std::vector<QueuedEvent>> receive(int max, std::chrono::milliseconds visibility,
                                                   std::chrono::milliseconds wait) = 0;

  virtual Status ack(const std::string& receipt) = 0;
  // Releases the message; it becomes visible again after `delay` and keeps its group position.
  virtual Status retry_later(const std::string& receipt, std::chrono::milliseconds delay,
                             const std::string& reason) = 0;
  virtual Status dead_letter(const std::string& receipt, const std::string& reason) = 0;

  virtual Result<std::vector<DeadLetter>> list_dead_letters(int limit) = 0;
  // Moves a dead letter back to the tail of its group with a fresh receive count.
  virtual Status redrive(const std::string& event_id) = 0;
  // One dead letter's metadata (never its body); not_found when absent.
  virtual Result<DeadLetter> get_dead_letter(const std::string& event_id) = 0;
  // Deletes a dead letter for good; not_found when absent.
  virtual Status purge_dead_letter(const std::string& event_id) = 0;
  virtual Result<QueueStats> stats() = 0;
};

}  // namespace rpmw::core
