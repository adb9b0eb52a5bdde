#include "adapters/sqlite/sqlite_event_queue.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "core/common/ids.h"

namespace rpmw::adapters::sqlite {

using core::ErrorKind;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

namespace {

// WAL pages, as a multiple of checkpoint_pages, past which a writer checkpoints inline.
constexpr int kInlineCheckpointFactor = 8;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS queue_messages(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL UNIQUE,
  group_id TEXT NOT NULL,
  dedup_key TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  trace_id TEXT NOT NULL DEFAULT '',
  enqueued_at_ms INTEGER NOT NULL,
  visible_at_ms INTEGER NOT NULL,
  receive_count INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  in_flight INTEGER NOT NULL DEFAULT 0,
  prev_seq INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS queue_dead_letters(
  event_id TEXT PRIMARY KEY,
  group_id TEXT NOT NULL,
  dedup_key TEXT NOT NULL,
  body TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  enqueued_at_ms INTEGER NOT NULL,
  dead_at_ms INTEGER NOT NULL,
  receive_count INTEGER NOT NULL,
  reason TEXT NOT NULL);
DROP TABLE IF EXISTS queue_dedup;
CREATE TABLE IF NOT EXISTS queue_dedup_log(
  id INTEGER PRIMARY KEY,
  dedup_key TEXT NOT NULL,
  event_id TEXT NOT NULL,
  expires_at_ms INTEGER NOT NULL);
)sql";

// Before prev_seq, the head query probed an index on (group_id, seq). An rpmw of that time
// recreates the index when it opens the file and stores prev_seq 0, so finding the index means
// prev_seq must be derived again from it (once), before the index goes.
constexpr const char* kMigrateGroupIndex = R"sql(
UPDATE queue_messages SET prev_seq = COALESCE((SELECT MAX(p.seq) FROM queue_messages p
  WHERE p.group_id = queue_messages.group_id AND p.seq < queue_messages.seq), 0);
DROP INDEX queue_messages_group_seq;
)sql";

// Visible group heads, oldest first: a message whose predecessor in its group has left the
// queue (prev_seq names no row; a rowid probe, no group index).
const std::string kSelectHeads =
    "SELECT m.seq, m.event_id, m.group_id, m.dedup_key, m.body, m.trace_id, m.enqueued_at_ms, "
    "m.receive_count, m.last_error, m.in_flight FROM queue_messages m "
    "WHERE m.visible_at_ms <= ?1 AND NOT EXISTS (SELECT 1 FROM queue_messages p "
    "WHERE p.seq = m.prev_seq) ORDER BY m.seq LIMIT ?2";

core::Status migrate(SqliteDb& db) {
  auto has_prev = db.query_text(
      "SELECT COUNT(*) FROM pragma_table_info('queue_messages') WHERE name = 'prev_seq'");
  if (!has_prev) return tl::unexpected(has_prev.error());
  if (*has_prev == "0") {
    if (auto ok = db.exec("ALTER TABLE queue_messages ADD COLUMN prev_seq INTEGER NOT NULL "
                          "DEFAULT 0");
        !ok)
      return ok;
  }
  auto has_index = db.query_text(
      "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND "
      "name = 'queue_messages_group_seq'");
  if (!has_index) return tl::unexpected(has_index.error());
  if (*has_index != "0") return db.exec(kMigrateGroupIndex);
  return {};
}

struct HeadRow {
  std::int64_t seq = 0;
  core::QueuedEvent event;
  std::string last_error;
  bool in_flight = false;
};

template <class T>
tl::unexpected<core::Error> err(const T& result) {
  return tl::unexpected<core::Error>(result.error());
}

// "evt_X:3" → ("evt_X", 3).
std::optional<std::pair<std::string, int>> parse_receipt(const std::string& receipt) {
  const auto colon = receipt.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= receipt.size()) return std::nullopt;
  int count = 0;
  const char* first = receipt.data() + colon + 1;
  const char* last = receipt.data() + receipt.size();
  auto [ptr, ec] = std::from_chars(first, last, count);
  if (ec != std::errc() || ptr != last || count <= 0) return std::nullopt;
  return std::make_pair(receipt.substr(0, colon), count);
}

}  // namespace

struct SqliteEventQueue::PendingEnqueue {
  const core::EnqueueRequest* request = nullptr;
  core::Result<core::EnqueueResult> result;
  bool done = false;
};

core::Result<std::unique_ptr<SqliteEventQueue>> SqliteEventQueue::open(
    const SqliteConfig& config, const core::Clock& clock, core::Random& random,
    SqliteEventQueueOptions options) {
  return guarded([&]() -> core::Result<std::unique_ptr<SqliteEventQueue>> {
    auto db = SqliteDb::open(config);
    if (!db) return err(db);
    auto created = (*db)->transaction([&]() -> core::Status {
      if (auto ok = (*db)->exec(kSchema); !ok) return ok;
      return migrate(**db);
    });
    if (!created) return err(created);
    auto checkpoint_db = SqliteDb::open(config);
    if (!checkpoint_db) return err(checkpoint_db);
    return std::unique_ptr<SqliteEventQueue>(
        new SqliteEventQueue(std::move(*db), std::move(*checkpoint_db), clock, random, options));
  });
}

SqliteEventQueue::SqliteEventQueue(std::unique_ptr<SqliteDb> db,
                                   std::unique_ptr<SqliteDb> checkpoint_db,
                                   const core::Clock& clock, core::Random& random,
                                   SqliteEventQueueOptions options)
    : db_(std::move(db)),
      clock_(clock),
      random_(random),
      options_(options),
      checkpoint_db_(std::move(checkpoint_db)) {
  db_->set_wal_hook([this](int pages) {
    if (pages < options_.checkpoint_pages) return;
    if (pages >= options_.checkpoint_pages * kInlineCheckpointFactor) {
      // Backstop: the background thread is starved by a tight stream of commits, so this writer
      // copies the WAL itself (as SQLite's own auto-checkpoint would) and the WAL stays bounded.
      (void)db_->checkpoint_passive();
      return;
    }
    {
      std::lock_guard lock(checkpoint_mutex_);
      checkpoint_requested_ = true;
    }
    checkpoint_cv_.notify_one();
  });
  checkpointer_ = std::thread([this] { run_checkpointer(); });
}

SqliteEventQueue::~SqliteEventQueue() {
  db_->set_wal_hook(nullptr);
  {
    std::lock_guard lock(checkpoint_mutex_);
    stopping_ = true;
  }
  checkpoint_cv_.notify_one();
  if (checkpointer_.joinable()) checkpointer_.join();
}

void SqliteEventQueue::run_checkpointer() {
  try {
    checkpoint_loop();
  } catch (...) {  // only lock errors can throw; without checkpoints SQLite still works
  }
}

void SqliteEventQueue::checkpoint_loop() {
  std::unique_lock lock(checkpoint_mutex_);
  for (;;) {
    checkpoint_cv_.wait(lock, [&] { return checkpoint_requested_ || stopping_; });
    if (stopping_) return;
    checkpoint_requested_ = false;
    lock.unlock();
    // The bulk of the copying runs alongside enqueues. Errors (busy: another connection is
    // checkpointing) are ignored: the next commit over the threshold asks again.
    (void)checkpoint_db_->checkpoint_passive();
    {
      // Then, with this process's queue writes paused, the frames appended meanwhile: a fully
      // copied WAL lets the next writer restart it from the beginning instead of growing it.
      std::lock_guard db_lock(db_mutex_);
      (void)checkpoint_db_->checkpoint_passive();
    }
    lock.lock();
  }
}

void SqliteEventQueue::notify() {
  {
    std::lock_guard lock(notify_mutex_);
    ++notify_generation_;
  }
  notify_cv_.notify_all();
}

// ---- enqueue (group commit) ----

core::Result<core::EnqueueResult> SqliteEventQueue::enqueue(const core::EnqueueRequest& request) {
  return guarded([&]() -> core::Result<core::EnqueueResult> {
    std::vector<PendingEnqueue> items(1);
    items[0].request = &request;
    submit(items);
    return std::move(items[0].result);
  });
}

core::Result<std::vector<core::EnqueueResult>> SqliteEventQueue::enqueue_batch(
    const std::vector<core::EnqueueRequest>& requests) {
  return guarded([&]() -> core::Result<std::vector<core::EnqueueResult>> {
    std::vector<PendingEnqueue> items(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) items[i].request = &requests[i];
    if (!items.empty()) submit(items);
    std::vector<core::EnqueueResult> results;
    results.reserve(items.size());
    for (auto& item : items) {
      if (!item.result) return tl::unexpected(item.result.error());  // the whole batch failed
      results.push_back(std::move(*item.result));
    }
    return results;
  });
}

void SqliteEventQueue::submit(std::vector<PendingEnqueue>& items) {
  std::unique_lock lock(batch_mutex_);
  // Reserve first so the pushes below cannot throw halfway and leave dangling pointers behind.
  pending_.reserve(pending_.size() + items.size());
  for (auto& item : items) pending_.push_back(&item);
  // All of `items` were queued at once, so they land in the same batch and finish together.
  while (!items.back().done) {
    if (leader_active_) {
      batch_cv_.wait(lock);
      continue;
    }
    // Leader: take everything queued so far (bounded by the number of blocked callers) and
    // commit it in one transaction while newcomers gather for the next batch.
    leader_active_ = true;
    // A few more rounds if callers queued up meanwhile: cheaper than waking a new leader.
    for (int round = 0; round < options_.max_leader_rounds && !pending_.empty(); ++round) {
      std::vector<PendingEnqueue*> batch;
      batch.swap(pending_);
      lock.unlock();
      commit_batch(batch);
      lock.lock();
      for (auto* item : batch) item->done = true;
      batch_cv_.notify_all();
    }
    leader_active_ = false;
    batch_cv_.notify_all();
  }
}

void SqliteEventQueue::commit_batch(std::vector<PendingEnqueue*>& batch) {
  bool inserted = false;
  {
    std::lock_guard lock(db_mutex_);
    const std::int64_t now_ms = core::to_epoch_ms(clock_.now());
    std::vector<KeyDigest> added_keys;
    auto status = db_->transaction([&]() -> core::Status {
      // Under the write lock: learn the keys other connections logged since our last look.
      if (auto ok = sync_dedup(now_ms); !ok) return ok;
      if (auto ok = sync_messages(now_ms); !ok) return ok;
      for (auto* item : batch) {
        if (auto ok = insert_one(*item, now_ms, added_keys); !ok) return ok;
      }
      return {};
    });
    if (!status) {
      // Rolled back: forget the keys this batch would have logged.
      for (const auto& key : added_keys) dedup_.erase(key);
      group_tails_.rolled_back();
      for (auto* item : batch) item->result = tl::unexpected(status.error());
    } else {
      group_tails_.committed();
      inserted = std::any_of(batch.begin(), batch.end(),
                             [](const PendingEnqueue* item) { return !item->result->duplicate; });
    }
    transactions_.fetch_add(1);
    batched_requests_.fetch_add(static_cast<std::int64_t>(batch.size()));
  }
  if (inserted) notify();
}

core::Status SqliteEventQueue::sync_dedup(std::int64_t now_ms) {
  auto fresh = db_->prepare(
      "SELECT id, dedup_key, expires_at_ms FROM queue_dedup_log WHERE id > ?1 "
      "ORDER BY id");
  if (!fresh) return err(fresh);
  fresh->bind(1, dedup_log_id_);
  for (;;) {
    auto row = fresh->step();
    if (!row) return err(row);
    if (!*row) break;
    dedup_log_id_ = fresh->column_int64(0);
    const std::int64_t expires = fresh->column_int64(2);
    if (expires > now_ms) {
      dedup_.put(KeyDigest::of(fresh->column_text(1)), {expires, -fresh->column_int64(0)});
    }
  }
  return {};
}

core::Status SqliteEventQueue::sync_messages(std::int64_t now_ms) {
  auto fresh = db_->prepare(
      "SELECT seq, group_id, dedup_key, enqueued_at_ms FROM queue_messages "
      "WHERE seq > ?1 ORDER BY seq");
  if (!fresh) return err(fresh);
  fresh->bind(1, group_tails_.synced_through());
  for (;;) {
    auto row = fresh->step();
    if (!row) return err(row);
    if (!*row) break;
    const std::int64_t seq = fresh->column_int64(0);
    group_tails_.seen(fresh->column_text(1), seq);
    const std::string key = fresh->column_text(2);
    const std::int64_t expires = fresh->column_int64(3) + options_.dedup_window.count();
    if (!key.empty() && expires > now_ms) dedup_.put(KeyDigest::of(key), {expires, seq});
  }
  return group_tails_.synced(*db_);
}

core::Status SqliteEventQueue::log_dedup_key(std::int64_t seq, std::int64_t now_ms) {
  auto log = db_->prepare(
      "INSERT INTO queue_dedup_log(dedup_key, event_id, expires_at_ms) SELECT dedup_key, "
      "event_id, enqueued_at_ms + ?2 FROM queue_messages WHERE seq = ?1 AND dedup_key <> '' "
      "AND enqueued_at_ms + ?2 > ?3");
  if (!log) return err(log);
  log->bind(1, seq).bind(2, std::int64_t{options_.dedup_window.count()}).bind(3, now_ms);
  return log->run();
}

core::Result<std::optional<std::string>> SqliteEventQueue::event_id_of(const DedupEntry& entry) {
  auto select = entry.row > 0 ? db_->prepare("SELECT event_id FROM queue_messages WHERE seq = ?1")
                              : db_->prepare("SELECT event_id FROM queue_dedup_log WHERE id = ?1");
  if (!select) return err(select);
  select->bind(1, entry.row > 0 ? entry.row : -entry.row);
  auto row = select->step();
  if (!row) return err(row);
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(select->column_text(0));
}

core::Status SqliteEventQueue::insert_one(PendingEnqueue& item, std::int64_t now_ms,
                                          std::vector<KeyDigest>& added_keys) {
  const auto& req = *item.request;
  // An empty dedup key opts out of deduplication. The keys of the window live in memory (kept in
  // step with the rows and the log), so a lookup costs no random B-tree page per enqueue.
  KeyDigest key;
  if (!req.dedup_key.empty()) {
    key = KeyDigest::of(req.dedup_key);
    const DedupEntry* found = dedup_.find(key);
    if (found != nullptr && found->expires_at_ms > now_ms) {
      auto original = event_id_of(*found);
      if (!original) return err(original);
      // Always found: a sync under this write lock points the entry at the log once its message
      // left the queue. Should it ever be missing, store the event again rather than lose it.
      if (*original) {
        item.result = core::EnqueueResult{std::move(**original), true};
        return {};
      }
    }
  }
  std::string event_id = core::make_event_id(core::from_epoch_ms(now_ms), random_);
  const KeyDigest group = KeyDigest::of(req.group);
  auto insert = db_->prepare(
      "INSERT INTO queue_messages(event_id, group_id, dedup_key, body, trace_id, enqueued_at_ms, "
      "visible_at_ms, receive_count, last_error, in_flight, prev_seq) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, 0, '', 0, ?7)");
  if (!insert) return err(insert);
  insert->bind(1, event_id)
      .bind(2, req.group)
      .bind(3, req.dedup_key)
      .bind(4, req.body)
      .bind(5, req.trace_id)
      .bind(6, now_ms)
      .bind(7, group_tails_.tail(group));
  if (auto ok = insert->run(); !ok) return ok;
  group_tails_.added(group, db_->last_insert_rowid());
  if (!req.dedup_key.empty()) {  // the row holds the key; it is logged when the row leaves
    dedup_.put(key, {now_ms + options_.dedup_window.count(), db_->last_insert_rowid()});
    added_keys.push_back(key);
  }
  item.result = core::EnqueueResult{std::move(event_id), false};
  return {};
}

// ---- receive ----

core::Result<std::vector<core::QueuedEvent>> SqliteEventQueue::receive(int max,
                                                                       milliseconds visibility,
                                                                       milliseconds wait) {
  return guarded([&]() -> core::Result<std::vector<core::QueuedEvent>> {
    if (max <= 0) return core::fail(ErrorKind::invalid_input, "bad_max");
    const auto deadline = SteadyClock::now() + std::max(wait, milliseconds(0));
    for (;;) {
      std::uint64_t generation = 0;
      {
        std::lock_guard lock(notify_mutex_);
        generation = notify_generation_;
      }
      core::Result<Polled> polled;
      {
        std::lock_guard lock(db_mutex_);
        polled = poll_once(max, visibility);
      }
      if (!polled) return err(polled);
      if (!polled->events.empty()) return std::move(polled->events);
      const auto now = SteadyClock::now();
      if (now >= deadline) return std::vector<core::QueuedEvent>{};
      auto wake = std::min(deadline, now + options_.poll_interval);
      if (polled->next_visible_ms) {
        const auto until_visible = milliseconds(
            std::max<std::int64_t>(1, *polled->next_visible_ms - core::to_epoch_ms(clock_.now())));
        wake = std::min(wake, now + until_visible);
      }
      std::unique_lock lock(notify_mutex_);
      notify_cv_.wait_until(lock, wake, [&] { return notify_generation_ != generation; });
    }
  });
}

core::Result<SqliteEventQueue::Polled> SqliteEventQueue::poll_once(int max,
                                                                   milliseconds visibility) {
  Polled out;
  const std::int64_t now_ms = core::to_epoch_ms(clock_.now());
  // At least 1 ms, so a leased head is never visible again within this same pass.
  const std::int64_t lease_until = now_ms + std::max<std::int64_t>(1, visibility.count());
  auto status = db_->transaction([&]() -> core::Status {
    for (;;) {
      const int wanted = max - static_cast<int>(out.events.size());
      if (wanted <= 0) return {};
      std::vector<HeadRow> heads;
      {
        auto select = db_->prepare(kSelectHeads);
        if (!select) return err(select);
        select->bind(1, now_ms).bind(2, std::int64_t{wanted});
        for (;;) {
          auto row = select->step();
          if (!row) return err(row);
          if (!*row) break;
          HeadRow head;
          head.seq = select->column_int64(0);
          head.event.event_id = select->column_text(1);
          head.event.group = select->column_text(2);
          head.event.dedup_key = select->column_text(3);
          head.event.body = select->column_text(4);
          head.event.trace_id = select->column_text(5);
          head.event.enqueued_at = core::from_epoch_ms(select->column_int64(6));
          head.event.receive_count = static_cast<int>(select->column_int64(7));
          head.last_error = select->column_text(8);
          head.in_flight = select->column_int64(9) != 0;
          heads.push_back(std::move(head));
        }
      }
      if (heads.empty()) break;
      bool dead_lettered = false;
      for (auto& head : heads) {
        // A head still marked in flight but visible lost its lease: that was its last failure.
        const std::string last_error = head.in_flight ? "visibility_timeout" : head.last_error;
        if (head.event.receive_count >= options_.max_receives) {
          if (auto ok =
                  move_to_dead_letters(head.seq, "max_receives_exceeded:" + last_error, now_ms);
              !ok)
            return ok;
          dead_lettered = true;
          continue;
        }
        auto lease = db_->prepare(
            "UPDATE queue_messages SET visible_at_ms = ?1, receive_count = receive_count + 1, "
            "in_flight = 1, last_error = ?2 WHERE seq = ?3");
        if (!lease) return err(lease);
        lease->bind(1, lease_until).bind(2, last_error).bind(3, head.seq);
        if (auto ok = lease->run(); !ok) return ok;
        head.event.receive_count += 1;
        head.event.receipt = head.event.event_id + ":" + std::to_string(head.event.receive_count);
        out.events.push_back(std::move(head.event));
      }
      // Only a dead-lettered head can uncover another visible head in its group.
      if (!dead_lettered) break;
    }
    if (out.events.empty()) {
      // Rows with a future visibility are heads (leased or delayed): the earliest one bounds the
      // long-poll sleep.
      auto next =
          db_->prepare("SELECT MIN(visible_at_ms) FROM queue_messages WHERE visible_at_ms > ?1");
      if (!next) return err(next);
      next->bind(1, now_ms);
      auto row = next->step();
      if (!row) return err(row);
      if (*row && !next->column_is_null(0)) out.next_visible_ms = next->column_int64(0);
    }
    return {};
  });
  if (!status) return err(status);
  return out;
}

core::Status SqliteEventQueue::move_to_dead_letters(std::int64_t seq, const std::string& reason,
                                                    std::int64_t now_ms) {
  auto copy = db_->prepare(
      "INSERT OR REPLACE INTO queue_dead_letters(event_id, group_id, dedup_key, body, trace_id, "
      "enqueued_at_ms, dead_at_ms, receive_count, reason) SELECT event_id, group_id, dedup_key, "
      "body, trace_id, enqueued_at_ms, ?2, receive_count, ?3 FROM queue_messages WHERE seq = ?1");
  if (!copy) return err(copy);
  copy->bind(1, seq).bind(2, now_ms).bind(3, reason);
  if (auto ok = copy->run(); !ok) return ok;
  if (auto ok = log_dedup_key(seq, now_ms); !ok) return ok;
  auto remove = db_->prepare("DELETE FROM queue_messages WHERE seq = ?1");
  if (!remove) return err(remove);
  remove->bind(1, seq);
  return remove->run();
}

// ---- settling a delivery ----

core::Result<SqliteEventQueue::Lease> SqliteEventQueue::find_lease(const std::string& receipt) {
  const auto parsed = parse_receipt(receipt);
  if (!parsed) return core::fail(ErrorKind::invalid_input, "bad_receipt");
  auto find =
      db_->prepare("SELECT seq, receive_count, in_flight FROM queue_messages WHERE event_id = ?1");
  if (!find) return err(find);
  find->bind(1, parsed->first);
  auto row = find->step();
  if (!row) return err(row);
  // Gone (settled by someone else), redelivered since, or already released: not ours anymore.
  if (!*row || find->column_int64(1) != parsed->second || find->column_int64(2) == 0) {
    return core::fail(ErrorKind::conflict, "stale_receipt");
  }
  return Lease{find->column_int64(0)};
}

core::Status SqliteEventQueue::ack(const std::string& receipt) {
  auto status = guarded([&]() -> core::Status {
    std::lock_guard lock(db_mutex_);
    const std::int64_t now_ms = core::to_epoch_ms(clock_.now());
    return db_->transaction([&]() -> core::Status {
      auto lease = find_lease(receipt);
      if (!lease) return err(lease);
      if (auto ok = log_dedup_key(lease->seq, now_ms); !ok) return ok;
      auto remove = db_->prepare("DELETE FROM queue_messages WHERE seq = ?1");
      if (!remove) return err(remove);
      remove->bind(1, lease->seq);
      return remove->run();
    });
  });
  if (status) notify();
  return status;
}

core::Status SqliteEventQueue::retry_later(const std::string& receipt, milliseconds delay,
                                           const std::string& reason) {
  auto status = guarded([&]() -> core::Status {
    std::lock_guard lock(db_mutex_);
    const std::int64_t visible_at =
        core::to_epoch_ms(clock_.now()) + std::max<std::int64_t>(0, delay.count());
    return db_->transaction([&]() -> core::Status {
      auto lease = find_lease(receipt);
      if (!lease) return err(lease);
      auto release = db_->prepare(
          "UPDATE queue_messages SET visible_at_ms = ?1, in_flight = 0, last_error = ?2 "
          "WHERE seq = ?3");
      if (!release) return err(release);
      release->bind(1, visible_at).bind(2, reason).bind(3, lease->seq);
      return release->run();
    });
  });
  if (status) notify();  // waiting receivers re-compute their wake-up time
  return status;
}

core::Status SqliteEventQueue::dead_letter(const std::string& receipt, const std::string& reason) {
  auto status = guarded([&]() -> core::Status {
    std::lock_guard lock(db_mutex_);
    const std::int64_t now_ms = core::to_epoch_ms(clock_.now());
    return db_->transaction([&]() -> core::Status {
      auto lease = find_lease(receipt);
      if (!lease) return err(lease);
      return move_to_dead_letters(lease->seq, reason, now_ms);
    });
  });
  if (status) notify();  // the next message of the group is now the head
  return status;
}

// ---- dead letters, stats, maintenance ----

core::Result<std::vector<core::DeadLetter>> SqliteEventQueue::list_dead_letters(int limit) {
  return guarded([&]() -> core::Result<std::vector<core::DeadLetter>> {
    std::vector<core::DeadLetter> out;
    if (limit <= 0) return out;
    std::lock_guard lock(db_mutex_);
    auto select = db_->prepare(
        "SELECT event_id, group_id, trace_id, reason, receive_count, enqueued_at_ms, dead_at_ms "
        "FROM queue_dead_letters ORDER BY dead_at_ms DESC, rowid DESC LIMIT ?1");
    if (!select) return err(select);
    select->bind(1, std::int64_t{limit});
    for (;;) {
      auto row = select->step();
      if (!row) return err(row);
      if (!*row) break;
      core::DeadLetter dead;
      dead.event_id = select->column_text(0);
      dead.group = select->column_text(1);
      dead.trace_id = select->column_text(2);
      dead.reason = select->column_text(3);
      dead.receive_count = static_cast<int>(select->column_int64(4));
      dead.enqueued_at = core::from_epoch_ms(select->column_int64(5));
      dead.dead_at = core::from_epoch_ms(select->column_int64(6));
      out.push_back(std::move(dead));
    }
    return out;
  });
}

core::Status SqliteEventQueue::redrive(const std::string& event_id) {
  auto status = guarded([&]() -> core::Status {
    std::lock_guard lock(db_mutex_);
    const std::int64_t now_ms = core::to_epoch_ms(clock_.now());
    auto done = db_->transaction([&]() -> core::Status {
      if (auto ok = sync_messages(now_ms); !ok) return ok;
      std::string group;
      {  // scoped: the statement resets before the rows it reads are deleted
        auto find = db_->prepare("SELECT group_id FROM queue_dead_letters WHERE event_id = ?1");
        if (!find) return err(find);
        find->bind(1, event_id);
        auto found = find->step();
        if (!found) return err(found);
        if (!*found) return core::fail(ErrorKind::not_found, "dead_letter_not_found");
        group = find->column_text(0);
      }
      // A new seq puts it at the tail of its group; its age restarts like a fresh enqueue.
      auto copy = db_->prepare(
          "INSERT INTO queue_messages(event_id, group_id, dedup_key, body, trace_id, "
          "enqueued_at_ms, visible_at_ms, receive_count, last_error, in_flight, prev_seq) "
          "SELECT event_id, group_id, dedup_key, body, trace_id, ?2, ?2, 0, '', 0, ?3 "
          "FROM queue_dead_letters WHERE event_id = ?1");
      if (!copy) return err(copy);
      const KeyDigest digest = KeyDigest::of(group);
      copy->bind(1, event_id).bind(2, now_ms).bind(3, group_tails_.tail(digest));
      if (auto ok = copy->run(); !ok) return ok;
      group_tails_.added(digest, db_->last_insert_rowid());
      auto remove = db_->prepare("DELETE FROM queue_dead_letters WHERE event_id = ?1");
      if (!remove) return err(remove);
      remove->bind(1, event_id);
      return remove->run();
    });
    if (done) {
      group_tails_.committed();
    } else {
      group_tails_.rolled_back();
    }
    return done;
  });
  if (status) notify();
  return status;
}

core::Result<core::DeadLetter> SqliteEventQueue::get_dead_letter(const std::string& event_id) {
  return guarded([&]() -> core::Result<core::DeadLetter> {
    std::lock_guard lock(db_mutex_);
    auto select = db_->prepare(
        "SELECT group_id, trace_id, reason, receive_count, enqueued_at_ms, dead_at_ms "
        "FROM queue_dead_letters WHERE event_id = ?1");
    if (!select) return err(select);
    select->bind(1, event_id);
    auto row = select->step();
    if (!row) return err(row);
    if (!*row) return core::fail(ErrorKind::not_found, "dead_letter_not_found");
    core::DeadLetter dead;
    dead.event_id = event_id;
    dead.group = select->column_text(0);
    dead.trace_id = select->column_text(1);
    dead.reason = select->column_text(2);
    dead.receive_count = static_cast<int>(select->column_int64(3));
    dead.enqueued_at = core::from_epoch_ms(select->column_int64(4));
    dead.dead_at = core::from_epoch_ms(select->column_int64(5));
    return dead;
  });
}

core::Status SqliteEventQueue::purge_dead_letter(const std::string& event_id) {
  return guarded([&]() -> core::Status {
    std::lock_guard lock(db_mutex_);
    auto remove = db_->prepare("DELETE FROM queue_dead_letters WHERE event_id = ?1");
    if (!remove) return err(remove);
    remove->bind(1, event_id);
    if (auto ok = remove->run(); !ok) return ok;
    if (db_->changes() == 0) return core::fail(ErrorKind::not_found, "dead_letter_not_found");
    return {};
  });
}

core::Result<core::QueueStats> SqliteEventQueue::stats() {
  return guarded([&]() -> core::Result<core::QueueStats> {
    std::lock_guard lock(db_mutex_);
    const std::int64_t now_ms = core::to_epoch_ms(clock_.now());
    auto select = db_->prepare(
        "SELECT COUNT(*), COALESCE(SUM(in_flight = 1 AND visible_at_ms > ?1), 0), "
        "MIN(enqueued_at_ms), (SELECT COUNT(*) FROM queue_dead_letters) FROM queue_messages");
    if (!select) return err(select);
    select->bind(1, now_ms);
    auto row = select->step();
    if (!row) return err(row);
    core::QueueStats stats;
    if (!*row) return stats;
    stats.depth = select->column_int64(0);
    stats.in_flight = select->column_int64(1);
    if (!select->column_is_null(2)) {
      stats.oldest_age_seconds =
          static_cast<double>(std::max<std::int64_t>(0, now_ms - select->column_int64(2))) / 1000.0;
    }
    stats.dlq_depth = select->column_int64(3);
    return stats;
  });
}

core::Result<std::int64_t> SqliteEventQueue::purge_dedup() {
  return guarded([&]() -> core::Result<std::int64_t> {
    const std::int64_t now_ms = core::to_epoch_ms(clock_.now());
    std::int64_t removed = 0;
    // Expired keys form a prefix of the log (ids grow with time): delete it in short chunks.
    for (bool more = true; more;) {
      std::lock_guard lock(db_mutex_);
      auto status = db_->transaction([&]() -> core::Status {
        auto remove = db_->prepare(
            "DELETE FROM queue_dedup_log WHERE id IN (SELECT id FROM queue_dedup_log "
            "WHERE expires_at_ms <= ?1 ORDER BY id LIMIT 2000)");
        if (!remove) return err(remove);
        remove->bind(1, now_ms);
        if (auto ok = remove->run(); !ok) return ok;
        const std::int64_t changed = db_->changes();
        removed += changed;
        more = changed == 2000;
        return {};
      });
      if (!status) return err(status);
    }
    std::lock_guard lock(db_mutex_);
    dedup_.erase_if(
        [&](const KeyDigest&, const DedupEntry& entry) { return entry.expires_at_ms <= now_ms; });
    return removed;
  });
}

}  // namespace rpmw::adapters::sqlite
