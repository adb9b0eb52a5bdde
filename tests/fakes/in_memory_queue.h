#pragma once
// An in-memory EventQueue with the same semantics as SqliteEventQueue (spec/01, SQS FIFO): FIFO
// per group, one in-flight message per group, visibility, receive counts, dead letters, a dedup
// window. Time comes from the injected clock; only a long poll waits in real time (up to `wait`).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/ports/event_queue.h"
#include "tests/fakes/failure_script.h"

namespace rpmw::fakes {

struct InMemoryEventQueueOptions {
  int max_receives = 5;
  std::chrono::milliseconds dedup_window{std::chrono::seconds(300)};
};

class InMemoryEventQueue final : public core::EventQueue {
 public:
  InMemoryEventQueue(const core::Clock& clock, core::Random& random,
                     InMemoryEventQueueOptions options = {});

  // The next call of `method` ("enqueue", "receive", "ack", ...; any method when empty) fails
  // with `error` and changes nothing. Failures queue up and are used in the order given.
  void fail_next(core::Error error, std::string method = {});

  core::Result<core::EnqueueResult> enqueue(const core::EnqueueRequest& request) override;
  core::Result<std::vector<core::QueuedEvent>> receive(int max,
                                                       std::chrono::milliseconds visibility,
                                                       std::chrono::milliseconds wait) override;
  core::Status ack(const std::string& receipt) override;
  core::Status retry_later(const std::string& receipt, std::chrono::milliseconds delay,
                           const std::string& reason) override;
  core::Status dead_letter(const std::string& receipt, const std::string& reason) override;
  core::Result<std::vector<core::DeadLetter>> list_dead_letters(int limit) override;
  core::Status redrive(const std::string& event_id) override;
  core::Result<core::DeadLetter> get_dead_letter(const std::string& event_id) override;
  core::Status purge_dead_letter(const std::string& event_id) override;
  core::Result<core::QueueStats> stats() override;

  // Deletes expired dedup keys; returns how many (mirrors SqliteEventQueue::purge_dedup).
  std::int64_t purge_dedup();

 private:
  struct Message {
    std::string event_id;
    std::string group;
    std::string dedup_key;
    std::string body;
    std::string trace_id;
    std::int64_t enqueued_at_ms = 0;
    std::int64_t visible_at_ms = 0;
    int receive_count = 0;
    std::string last_error;
    bool in_flight = false;
  };
  struct Dead {
    Message message;
    std::int64_t dead_at_ms = 0;
    std::string reason;
    std::uint64_t order = 0;  // insertion order, newest-first tie break
  };
  struct Dedup {
    std::string event_id;
    std::int64_t expires_at_ms = 0;
  };

  // Caller holds mutex_.
  // Caller holds mutex_.
  std::optional<core::Error> take_failure(const std::string& method) {
    return failures_.take(method);
  }
  std::vector<core::QueuedEvent> poll(int max, std::chrono::milliseconds visibility);
  core::Result<std::map<std::int64_t, Message>::iterator> find_lease(const std::string& receipt);
  void bury(std::map<std::int64_t, Message>::iterator it, const std::string& reason,
            std::int64_t now_ms);

  const core::Clock& clock_;
  core::Random& random_;
  InMemoryEventQueueOptions options_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::int64_t, Message> messages_;  // by seq: FIFO across and within groups
  std::int64_t next_seq_ = 1;
  std::map<std::string, Dead> dead_;  // by event id
  std::uint64_t next_dead_order_ = 1;
  std::map<std::string, Dedup> dedup_;
  FailureScript failures_;
};

}  // namespace rpmw::fakes
