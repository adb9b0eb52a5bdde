// SQLite queue: messages chained to their group's predecessor (prev_seq) instead of a group
// index. Chaining across connections, rolled-back batches, pruning of the in-memory tails, the
// head query's plan, and the migration from files written with the group index.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "adapters/sqlite/sqlite_event_queue.h"
#include "tests/unit/contracts/contract_backends.h"

namespace rpmw::adapters::sqlite {
namespace {

using namespace std::chrono_literals;
using contracts::open_sqlite_queue;
using contracts::request;
using contracts::TempDbPath;

// Receives everything receivable now, acks it, and returns the bodies in delivery order.
std::vector<std::string> drain_heads(SqliteEventQueue& queue) {
  auto got = queue.receive(100, 60s, 0ms);
  REQUIRE(got.has_value());
  std::vector<std::string> bodies;
  for (const auto& event : *got) {
    bodies.push_back(event.body);
    REQUIRE(queue.ack(event.receipt).has_value());
  }
  return bodies;
}

using Bodies = std::vector<std::string>;

// The schema of rpmw before prev_seq, with a group index and rows that rely on it.
void write_old_schema(const TempDbPath& file) {
  auto db = SqliteDb::open(file.config());
  REQUIRE(db.has_value());
  REQUIRE((*db)
              ->exec(R"sql(
CREATE TABLE queue_messages(
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
  in_flight INTEGER NOT NULL DEFAULT 0);
CREATE INDEX queue_messages_group_seq ON queue_messages(group_id, seq);
INSERT INTO queue_messages(event_id, group_id, body, enqueued_at_ms, visible_at_ms) VALUES
  ('evt_1', 't1', 'a1', 0, 0), ('evt_2', 't2', 'b1', 0, 0), ('evt_3', 't1', 'a2', 0, 0),
  ('evt_4', 't1', 'a3', 0, 0), ('evt_5', 't2', 'b2', 0, 0);
)sql")
              .has_value());
}

}  // namespace

TEST_CASE("sqlite queue chaining: the head query probes prev_seq by rowid, no group index") {
  TempDbPath file;
  fakes::FakeClock clock;
  fakes::SeededRandom random;
  auto queue = open_sqlite_queue(file, clock, random);
  const std::string plan = queue->with_db([](SqliteDb& db) {
    auto stmt = db.prepare(
        "EXPLAIN QUERY PLAN SELECT m.seq FROM queue_messages m WHERE m.visible_at_ms <= 0 AND "
        "NOT EXISTS (SELECT 1 FROM queue_messages p WHERE p.seq = m.prev_seq) "
        "ORDER BY m.seq LIMIT 4");
    REQUIRE(stmt.has_value());
    std::string details;
    while (stmt->step().value_or(false)) details += stmt->column_text(3) + "\n";
    return details;
  });
  INFO(plan);
  CHECK(plan.find("USING INTEGER PRIMARY KEY (rowid=?)") != std::string::npos);
  CHECK(plan.find("USE TEMP B-TREE") == std::string::npos);  // ordered by rowid, no sort
  // Only the UNIQUE event_id index: nothing keyed by group takes a random page per enqueue.
  CHECK(queue
            ->with_db([](SqliteDb& db) {
              return db.query_text(
                  "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND "
                  "tbl_name = 'queue_messages' AND sql IS NOT NULL");
            })
            .value() == "0");
}

TEST_CASE("sqlite queue chaining: two connections enqueueing to one group keep its order") {
  TempDbPath file;
  fakes::FakeClock clock;
  fakes::SeededRandom random;
  auto first = open_sqlite_queue(file, clock, random);
  auto second = open_sqlite_queue(file, clock, random);
  REQUIRE(first->enqueue(request("t1", "1")).has_value());
  REQUIRE(second->enqueue(request("t1", "2")).has_value());
  REQUIRE(first->enqueue_batch({request("t1", "3"), request("t2", "x")}).has_value());
  REQUIRE(second->enqueue(request("t1", "4")).has_value());
  CHECK(drain_heads(*first) == Bodies{"1", "x"});
  CHECK(drain_heads(*second) == Bodies{"2"});
  CHECK(drain_heads(*first) == Bodies{"3"});
  CHECK(drain_heads(*first) == Bodies{"4"});
  CHECK(drain_heads(*second).empty());
}

TEST_CASE("sqlite queue chaining: a group emptied by another connection starts afresh") {
  TempDbPath file;
  fakes::FakeClock clock;
  fakes::SeededRandom random;
  auto writer = open_sqlite_queue(file, clock, random);
  auto worker = open_sqlite_queue(file, clock, random);
  REQUIRE(writer->enqueue(request("t1", "old")).has_value());
  CHECK(drain_heads(*worker) == Bodies{"old"});
  // The writer still remembers the acked row as t1's tail: the new message must not wait on it.
  REQUIRE(writer->enqueue(request("t1", "new")).has_value());
  REQUIRE(writer->enqueue(request("t1", "newer")).has_value());
  CHECK(drain_heads(*worker) == Bodies{"new"});
  CHECK(drain_heads(*worker) == Bodies{"newer"});
}

TEST_CASE("sqlite queue chaining: a batch that failed to commit leaves no tail behind") {
  TempDbPath file;
  fakes::FakeClock clock;
  fakes::SeededRandom random;
  auto queue = open_sqlite_queue(file, clock, random);
  REQUIRE(queue->enqueue(request("t1", "a")).has_value());
  std::string pages;
  queue->with_db([&](SqliteDb& db) {
    pages = db.query_text("PRAGMA page_count").value();
    REQUIRE(db.query_text("PRAGMA max_page_count = " + pages).has_value());
  });
  REQUIRE_FALSE(
      queue->enqueue_batch({request("t1", "lost"), request("t1", std::string(64 * 1024, 'x'))})
          .has_value());
  queue->with_db([](SqliteDb& db) {
    REQUIRE(db.query_text("PRAGMA max_page_count = 1073741823").has_value());
  });
  // The rolled-back rows' seqs are handed out again: "c" must chain to "a", not to itself.
  REQUIRE(queue->enqueue(request("t1", "c")).has_value());
  CHECK(drain_heads(*queue) == Bodies{"a"});
  CHECK(drain_heads(*queue) == Bodies{"c"});
}

TEST_CASE("sqlite queue chaining: a redriven dead letter waits behind its group") {
  TempDbPath file;
  fakes::FakeClock clock;
  fakes::SeededRandom random;
  auto queue = open_sqlite_queue(file, clock, random);
  auto other = open_sqlite_queue(file, clock, random);
  REQUIRE(queue->enqueue(request("t1", "dead")).has_value());
  auto got = queue->receive(1, 60s, 0ms);
  REQUIRE(got.has_value());
  REQUIRE(got->size() == 1);
  REQUIRE(queue->dead_letter((*got)[0].receipt, "permanent").has_value());
  REQUIRE(other->enqueue(request("t1", "live")).has_value());  // a tail `queue` has not seen
  REQUIRE(queue->redrive((*got)[0].event_id).has_value());
  CHECK(drain_heads(*queue) == Bodies{"live"});
  CHECK(drain_heads(*queue) == Bodies{"dead"});
  CHECK(queue->redrive("evt_missing").error().code == "dead_letter_not_found");
}

TEST_CASE("sqlite queue chaining: tails of groups that left the queue are forgotten") {
  TempDbPath file;
  fakes::FakeClock clock;
  fakes::SeededRandom random;
  auto queue = open_sqlite_queue(file, clock, random);
  std::vector<core::EnqueueRequest> batch;
  for (int i = 0; i < 5000; ++i) batch.push_back(request("t" + std::to_string(i), "m"));
  batch.push_back(request("kept", "k1"));
  REQUIRE(queue->enqueue_batch(batch).has_value());
  CHECK(queue->tracked_groups() == 5001);
  for (bool more = true; more;) {  // ack all but "kept", which stays leased
    auto got = queue->receive(500, 60s, 0ms);
    REQUIRE(got.has_value());
    more = !got->empty();
    for (const auto& event : *got) {
      if (event.group != "kept") REQUIRE(queue->ack(event.receipt).has_value());
    }
  }
  // The next enqueue forgets every tail older than the oldest queued row, and keeps "kept".
  REQUIRE(queue->enqueue(request("kept", "k2")).has_value());
  CHECK(queue->tracked_groups() == 1);
  REQUIRE(queue->enqueue(request("t1", "again")).has_value());
  CHECK(queue->tracked_groups() == 2);
  CHECK(drain_heads(*queue) == Bodies{"again"});  // k2 waits behind the leased k1
}

TEST_CASE("sqlite queue chaining: a file written with the group index is migrated in order") {
  TempDbPath file;
  fakes::FakeClock clock;
  fakes::SeededRandom random;
  write_old_schema(file);
  auto queue = open_sqlite_queue(file, clock, random);
  CHECK(queue
            ->with_db([](SqliteDb& db) {
              return db.query_text(
                  "SELECT COUNT(*) FROM sqlite_master WHERE name = 'queue_messages_group_seq'");
            })
            .value() == "0");
  REQUIRE(queue->enqueue(request("t1", "a4")).has_value());
  CHECK(drain_heads(*queue) == Bodies{"a1", "b1"});
  CHECK(drain_heads(*queue) == Bodies{"a2", "b2"});
  CHECK(drain_heads(*queue) == Bodies{"a3"});
  CHECK(drain_heads(*queue) == Bodies{"a4"});
}

TEST_CASE("sqlite queue chaining: rows an older rpmw added after the migration are re-chained") {
  TempDbPath file;
  fakes::FakeClock clock;
  fakes::SeededRandom random;
  {
    auto queue = open_sqlite_queue(file, clock, random);
    REQUIRE(queue->enqueue(request("t1", "new-binary")).has_value());
  }
  {  // an older rpmw opens the file: it recreates its index and stores no prev_seq
    auto db = SqliteDb::open(file.config());
    REQUIRE(db.has_value());
    REQUIRE((*db)
                ->exec("CREATE INDEX IF NOT EXISTS queue_messages_group_seq ON "
                       "queue_messages(group_id, seq); INSERT INTO queue_messages(event_id, "
                       "group_id, body, enqueued_at_ms, visible_at_ms) VALUES "
                       "('evt_old', 't1', 'old-binary', 0, 0)")
                .has_value());
  }
  auto queue = open_sqlite_queue(file, clock, random);
  CHECK(drain_heads(*queue) == Bodies{"new-binary"});
  CHECK(drain_heads(*queue) == Bodies{"old-binary"});
}

}  // namespace rpmw::adapters::sqlite
