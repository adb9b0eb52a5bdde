#pragma once
// EventQueue on SQLite with SQS-FIFO semantics (spec/01): FIFO per group, one in-flight message per
// group, visibility timeouts, receive counts, dead letters, a dedup window. Enqueues are group
// committed: concurrent callers share one transaction. Safe for several threads and for a second
// process on the same file (all correctness lives in the database; the condition variable only
// shortens long polls within this process).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "adapters/sqlite/digest_table.h"
#include "adapters/sqlite/group_tails.h"
#include "adapters/sqlite/sqlite_db.h"
#include "core/ports/clock.h"
#include "core/ports/event_queue.h"

namespace rpmw::adapters::sqlite {

struct SqliteEventQueueOptions {
  int max_receives = 5;
  std::chrono::milliseconds dedup_window{std::chrono::seconds(300)};
  // A long poll re-reads the database at least this often (another process may enqueue).
  std::chrono::milliseconds poll_interval{200};
  // WAL size (pages) that wakes the background checkpointer. Checkpoints (and their fsyncs) run
  // on their own thread and connection, never inside an enqueue's COMMIT.
  int checkpoint_pages = 1000;
  // A group-commit leader commits at most this many consecutive batches before handing over.
  int max_leader_rounds = 4;
};

class SqliteEventQueue final : public core::EventQueue {
 public:
  ~SqliteEventQueue() override;

  static core::Result<std::unique_ptr<SqliteEventQueue>> open(const SqliteConfig& config,
                                                              const core::Clock& clock,
                                                              core::Random& random,
                                                              SqliteEventQueueOptions options = {});

  core::Result<core::EnqueueResult> enqueue(const core::EnqueueRequest& request) override;
  // One transaction for all of them (shared with concurrent enqueue callers): all stored or none.
  core::Result<std::vector<core::EnqueueResult>> enqueue_batch(
      const std::vector<core::EnqueueRequest>& requests) override;
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

  // Deletes dedup keys whose window has passed; returns how many (called by the purge thread).
  core::Result<std::int64_t> purge_dedup();

  // Group-commit figures, for benchmarks and tests.
  std::int64_t enqueue_transactions() const { return transactions_.load(); }
  std::int64_t enqueued_requests() const { return batched_requests_.load(); }
  // Groups this connection tracks for chaining (tests: pruning keeps it bounded).
  std::size_t tracked_groups() {
    std::lock_guard lock(db_mutex_);
    return group_tails_.size();
  }

  // Runs `f(SqliteDb&)` under the connection lock (tests, diagnostics).
  template <class F>
  auto with_db(F&& f) {
    std::lock_guard lock(db_mutex_);
    return f(*db_);
  }

 private:
  struct PendingEnqueue;
  struct Polled {
    std::vector<core::QueuedEvent> events;
    std::optional<std::int64_t> next_visible_ms;  // earliest future head visibility
  };

  SqliteEventQueue(std::unique_ptr<SqliteDb> db, std::unique_ptr<SqliteDb> checkpoint_db,
                   const core::Clock& clock, core::Random& random, SqliteEventQueueOptions options);
  void run_checkpointer();
  void checkpoint_loop();

  // Queues `items` for the next group commit and returns when they are committed (or failed).
  void submit(std::vector<PendingEnqueue>& items);
  void commit_batch(std::vector<PendingEnqueue*>& batch);
  core::Status insert_one(PendingEnqueue& item, std::int64_t now_ms,
                          std::vector<KeyDigest>& added_keys);
  // Reads dedup log rows written since the last look (by any connection) into `dedup_`.
  core::Status sync_dedup(std::int64_t now_ms);
  // Reads the messages other connections added since the last look: their groups' tails into
  // `group_tails_`, their dedup keys into `dedup_`.
  core::Status sync_messages(std::int64_t now_ms);
  // A message leaves the queue: its dedup key must last out its window, so it goes to the log.
  core::Status log_dedup_key(std::int64_t seq, std::int64_t now_ms);
  struct DedupEntry;
  // The event id a dedup entry stands for (nullopt: its row is gone).
  core::Result<std::optional<std::string>> event_id_of(const DedupEntry& entry);
  core::Result<Polled> poll_once(int max, std::chrono::milliseconds visibility);
  core::Status move_to_dead_letters(std::int64_t seq, const std::string& reason,
                                    std::int64_t now_ms);
  struct Lease {
    std::int64_t seq = 0;
  };
  // Checks that `receipt` names the current delivery; returns the row's seq.
  core::Result<Lease> find_lease(const std::string& receipt);
  void notify();

  std::unique_ptr<SqliteDb> db_;
  const core::Clock& clock_;
  core::Random& random_;
  SqliteEventQueueOptions options_;

  std::mutex db_mutex_;  // guards db_ and its statement cache, and the dedup window below

  struct DedupEntry {
    std::int64_t expires_at_ms = 0;
    std::int64_t row = 0;  // > 0: the queued message's seq; < 0: minus its queue_dedup_log id
    bool operator==(const DedupEntry&) const = default;
  };
  // Keys of the window, by dedup key: of queued messages (their rows hold the key) and of
  // messages that left the queue (queue_dedup_log).
  // 32 bytes a key instead of the key and event id: the map holds the whole window.
  DigestTable<DedupEntry> dedup_;
  std::int64_t dedup_log_id_ = 0;  // last queue_dedup_log row read
  GroupTails group_tails_;         // chains new messages to their group's predecessor

  // Group commit: callers queue here; the first one in becomes the leader and commits for all.
  std::mutex batch_mutex_;
  std::condition_variable batch_cv_;
  std::vector<PendingEnqueue*> pending_;
  bool leader_active_ = false;
  std::atomic<std::int64_t> transactions_{0};
  std::atomic<std::int64_t> batched_requests_{0};

  // Long-poll wake-ups within this process.
  std::mutex notify_mutex_;
  std::condition_variable notify_cv_;
  std::uint64_t notify_generation_ = 0;

  // Background checkpoints on a second connection.
  std::unique_ptr<SqliteDb> checkpoint_db_;
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_requested_ = false;
  bool stopping_ = false;
  std::thread checkpointer_;
};

}  // namespace rpmw::adapters::sqlite
