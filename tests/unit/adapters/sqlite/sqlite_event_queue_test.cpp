// SQLite-only queue behaviour: durability, several connections on one file, query plans, disk
// errors and group commit. The shared semantics are in tests/unit/contracts/.
#include "adapters/sqlite/sqlite_event_queue.h"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "tests/unit/contracts/contract_backends.h"

namespace rpmw::adapters::sqlite {
namespace {

using namespace std::chrono_literals;
using contracts::open_sqlite_queue;
using contracts::request;
using contracts::TempDbPath;

std::int64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::int64_t>(st.st_size) : 0;
}

}  // namespace

TEST_CASE("sqlite queue: messages, leases, dedup keys and dead letters survive a reopen") {
  TempDbPath file;
  fakes::FakeClock clock;
  fakes::SeededRandom random;
  std::string leased_id;
  std::string dead_id;
  std::string dedup_id;
  {
    auto queue = open_sqlite_queue(file, clock, random);
    dedup_id = queue->enqueue(request("t1", "a1", "msg-1"))->event_id;
    queue->enqueue(request("t1", "a2"));
    dead_id = queue->enqueue(request("t2", "b1"))->event_id;
    queue->enqueue(request("t3", "c1"));
    auto got = queue->receive(2, 60s, 0ms);
    REQUIRE(got.has_value());
    REQUIRE(got->size() == 2);
    leased_id = (*got)[0].event_id;
    REQUIRE(queue->dead_letter((*got)[1].receipt, "permanent_404").has_value());
  }  // closed, as after a crash: every acknowledged write is in the WAL
  auto queue = open_sqlite_queue(file, clock, random);
  auto stats = queue->stats();
  REQUIRE(stats.has_value());
  CHECK(stats->depth == 3);
  CHECK(stats->in_flight == 1);
  CHECK(stats->dlq_depth == 1);
  auto dup = queue->enqueue(request("t1", "again", "msg-1"));
  REQUIRE(dup.has_value());
  CHECK(dup->duplicate);
  CHECK(dup->event_id == dedup_id);
  auto dead = queue->list_dead_letters(10);
  REQUIRE(dead.has_value());
  REQUIRE(dead->size() == 1);
  CHECK((*dead)[0].event_id == dead_id);
  // t1 is still leased, so only t3 is receivable.
  auto next = queue->receive(10, 60s, 0ms);
  REQUIRE(next.has_value());
  REQUIRE(next->size() == 1);
  CHECK((*next)[0].body == "c1");
  CHECK(leased_id == dedup_id);
}

TEST_CASE("sqlite queue: two connections on one file never hand out a message twice") {
  TempDbPath file;
  fakes::FakeClock clock;
  fakes::SeededRandom random;
  // Two adapter instances stand in for two processes (`rpmw serve` + `rpmw worker`).
  auto producer_side = open_sqlite_queue(file, clock, random);
  auto worker_side = open_sqlite_queue(file, clock, random);
  constexpr int kGroups = 20;
  constexpr int kPerGroup = 15;
  constexpr int kTotal = kGroups * kPerGroup;

  std::mutex mutex;
  std::set<std::string> seen;
  std::set<std::string> in_flight;
  std::map<std::string, std::vector<int>> order;
  int violations = 0;
  std::atomic<int> acked{0};
  std::atomic<int> errors{0};
  const auto deadline = std::chrono::steady_clock::now() + 60s;

  std::thread producer([&] {
    for (int i = 0; i < kPerGroup; ++i) {
      for (int g = 0; g < kGroups; ++g) {
        if (!producer_side->enqueue(request("g" + std::to_string(g), std::to_string(i)))) {
          errors.fetch_add(1);
        }
      }
    }
  });
  const auto consume = [&](SqliteEventQueue& queue) {
    while (acked.load() < kTotal && std::chrono::steady_clock::now() < deadline) {
      auto got = queue.receive(3, 600s, 20ms);
      if (!got) {
        errors.fetch_add(1);
        continue;
      }
      for (const auto& event : *got) {
        {
          std::lock_guard lock(mutex);
          if (!seen.insert(event.event_id).second) ++violations;
          if (!in_flight.insert(event.group).second) ++violations;
          order[event.group].push_back(std::stoi(event.body));
          in_flight.erase(event.group);  // still leased in the database until the ack below
        }
        if (queue.ack(event.receipt))
          acked.fetch_add(1);
        else
          errors.fetch_add(1);
      }
    }
  };
  std::thread consumer_a([&] { consume(*producer_side); });
  std::thread consumer_b([&] { consume(*worker_side); });
  producer.join();
  consumer_a.join();
  consumer_b.join();

  CHECK(errors.load() == 0);
  CHECK(violations == 0);
  CHECK(acked.load() == kTotal);
  CHECK(seen.size() == static_cast<std::size_t>(kTotal));
  for (const auto& [group, indices] : order) {
    INFO(group);
    REQUIRE(indices.size() == static_cast<std::size_t>(kPerGroup));
    for (int i = 0; i < kPerGroup; ++i) CHECK(indices[i] == i);
  }
}

TEST_CASE("sqlite queue: a long poll notices an enqueue made through another connection") {
  TempDbPath file;
  fakes::FakeClock clock;
  fakes::SeededRandom random;
  auto writer = open_sqlite_queue(file, clock, random);
  SqliteEventQueueOptions options;
  options.poll_interval = 50ms;  // no notification crosses connections: only re-reads find it
  auto reader = open_sqlite_queue(file, clock, random, options);
  auto waiter = std::async(std::launch::async, [&] { return reader->receive(1, 30s, 20s); });
  REQUIRE(writer->enqueue(request("t1", "from-elsewhere")).has_value());
  auto got = waiter.get();
  REQUIRE(got.has_value());
  REQUIRE(got->size() == 1);
  CHECK((*got)[0].body == "from-elsewhere");
}

TEST_CASE("sqlite queue: a full disk comes back as unavailable sqlite_full") {
  TempDbPath file;
  fakes::FakeClock clock;
  fakes::SeededRandom random;
  auto queue = open_sqlite_queue(file, clock, random);
  REQUIRE(queue->enqueue(request("t1", "small")).has_value());
  // Cap the file at its current size: the next page allocation fails as on a full disk.
  queue->with_db([](SqliteDb& db) {
    const auto pages = db.query_text("PRAGMA page_count").value();
    REQUIRE(db.query_text("PRAGMA max_page_count = " + pages).has_value());
  });
  auto full = queue->enqueue(request("t1", std::string(64 * 1024, 'x')));
  REQUIRE_FALSE(full.has_value());
  CHECK(full.error().kind == core::ErrorKind::unavailable);
  CHECK(full.error().code == "sqlite_full");
  CHECK(queue->stats()->depth == 1);  // nothing half-written

  // A batch is one transaction: none of it is stored.
  auto batch =
      queue->enqueue_batch({request("t2", "fits"), request("t3", std::string(64 * 1024, 'x'))});
  REQUIRE_FALSE(batch.has_value());
  CHECK(batch.error().code == "sqlite_full");
  CHECK(queue->stats()->depth == 1);

  queue->with_db(
      [](SqliteDb& db) { REQUIRE(db.query_text("PRAGMA max_page_count = 1000000").has_value()); });
  CHECK(queue->enqueue(request("t1", std::string(64 * 1024, 'x'))).has_value());
  CHECK(queue->stats()->depth == 2);
}

TEST_CASE("sqlite queue: concurrent enqueues share group-commit transactions") {
  TempDbPath file;
  fakes::FakeClock clock;
  fakes::SeededRandom random;
  auto queue = open_sqlite_queue(file, clock, random);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = queue->enqueue(request("g" + std::to_string(t), std::to_string(i)));
        if (!r || r->duplicate) failures.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(failures.load() == 0);
  CHECK(queue->enqueued_requests() == kThreads * kPerThread);
  CHECK(queue->enqueue_transactions() >= 1);
  CHECK(queue->enqueue_transactions() <= queue->enqueued_requests());
  MESSAGE("enqueues per transaction: " << static_cast<double>(queue->enqueued_requests()) /
                                              static_cast<double>(queue->enqueue_transactions()));
  CHECK(queue->stats()->depth == kThreads * kPerThread);
}

TEST_CASE("sqlite queue: background checkpoints copy the WAL into the database and reuse it") {
  TempDbPath file;
  fakes::FakeClock clock;
  fakes::SeededRandom random;
  SqliteEventQueueOptions options;
  options.checkpoint_pages = 50;
  auto queue = open_sqlite_queue(file, clock, random, options);
  constexpr int kMessages = 2000;  // ~6 WAL frames each: ~48 MB if the WAL never restarted
  for (int i = 0; i < kMessages; ++i) {
    REQUIRE(queue->enqueue(request("g" + std::to_string(i % 50), std::to_string(i))).has_value());
  }
  // The database's logical size, as seen through the WAL.
  const std::int64_t logical = queue->with_db([](SqliteDb& db) {
    return std::stoll(db.query_text("PRAGMA page_count").value()) *
           std::stoll(db.query_text("PRAGMA page_size").value());
  });
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (file_size(file.path()) < logical * 9 / 10 && std::chrono::steady_clock::now() < deadline) {
    REQUIRE(queue->enqueue(request("poke", "x")).has_value());  // a commit re-triggers the hook
  }
  INFO("db " << file_size(file.path()) << " of " << logical << ", wal "
             << file_size(file.path() + "-wal"));
  CHECK(file_size(file.path()) >= logical * 9 / 10);
  CHECK(file_size(file.path() + "-wal") < 24 * 1024 * 1024);
}

TEST_CASE("sqlite queue: purge_dedup deletes only expired keys") {
  TempDbPath file;
  fakes::FakeClock clock;
  fakes::SeededRandom random;
  SqliteEventQueueOptions options;
  options.dedup_window = 300s;
  auto queue = open_sqlite_queue(file, clock, random, options);
  const auto enqueue_and_ack = [&](const std::string& group, const std::string& key) {
    REQUIRE(queue->enqueue(request(group, "body", key)).has_value());
    auto got = queue->receive(1, 60s, 0ms);
    REQUIRE(got.has_value());
    REQUIRE(got->size() == 1);
    REQUIRE(queue->ack((*got)[0].receipt).has_value());  // the key moves to the log
  };
  enqueue_and_ack("t1", "k1");
  clock.advance(100s);
  enqueue_and_ack("t2", "k2");
  CHECK(queue->purge_dedup().value() == 0);
  clock.advance(200s);
  CHECK(queue->purge_dedup().value() == 1);
  auto dup = queue->enqueue(request("t2", "again", "k2"));
  REQUIRE(dup.has_value());
  CHECK(dup->duplicate);
  clock.advance(100s);
  CHECK(queue->purge_dedup().value() == 1);
  // A key whose message is still queued is held by its row, for the same window.
  REQUIRE(queue->enqueue(request("t3", "queued", "k3")).has_value());
  clock.advance(299s);
  CHECK(queue->enqueue(request("t3", "queued", "k3"))->duplicate);
  clock.advance(2s);
  CHECK_FALSE(queue->enqueue(request("t3", "queued", "k3"))->duplicate);
}

TEST_CASE("sqlite queue: the key of a message that left the queue is kept for its window") {
  TempDbPath file;
  fakes::FakeClock clock;
  fakes::SeededRandom random;
  std::string original_id;
  {
    auto first = open_sqlite_queue(file, clock, random);
    auto second = open_sqlite_queue(file, clock, random);
    original_id = first->enqueue(request("t1", "a", "k1"))->event_id;
    REQUIRE(first->enqueue(request("t2", "b", "k2")).has_value());
    auto got = second->receive(2, 60s, 0ms);
    REQUIRE(got.has_value());
    REQUIRE(got->size() == 2);
    REQUIRE(second->ack((*got)[0].receipt).has_value());
    REQUIRE(second->dead_letter((*got)[1].receipt, "permanent").has_value());
    auto again = first->enqueue(request("t1", "a", "k1"));
    REQUIRE(again.has_value());
    CHECK(again->duplicate);
    CHECK(again->event_id == original_id);
  }
  auto reopened = open_sqlite_queue(file, clock, random);
  CHECK(reopened->enqueue(request("t1", "a", "k1"))->duplicate);
  CHECK(reopened->enqueue(request("t2", "b", "k2"))->duplicate);
  CHECK(reopened->stats()->depth == 0);
}

TEST_CASE("sqlite queue: a dedup key logged by one connection is a duplicate for another") {
  TempDbPath file;
  fakes::FakeClock clock;
  fakes::SeededRandom random;
  auto first = open_sqlite_queue(file, clock, random);
  auto second = open_sqlite_queue(file, clock, random);
  auto original = first->enqueue(request("t1", "a", "k1"));
  REQUIRE(original.has_value());
  auto again = second->enqueue(request("t1", "a", "k1"));
  REQUIRE(again.has_value());
  CHECK(again->duplicate);
  CHECK(again->event_id == original->event_id);
  CHECK(second->stats()->depth == 1);
}

TEST_CASE("sqlite queue: keys of a batch that failed to commit are not remembered") {
  TempDbPath file;
  fakes::FakeClock clock;
  fakes::SeededRandom random;
  auto queue = open_sqlite_queue(file, clock, random);
  REQUIRE(queue->enqueue(request("t1", "small", "k0")).has_value());
  queue->with_db([](SqliteDb& db) {
    const auto pages = db.query_text("PRAGMA page_count").value();
    REQUIRE(db.query_text("PRAGMA max_page_count = " + pages).has_value());
  });
  auto failed = queue->enqueue_batch(
      {request("t2", "fits", "k1"), request("t3", std::string(64 * 1024, 'x'), "k2")});
  REQUIRE_FALSE(failed.has_value());
  queue->with_db(
      [](SqliteDb& db) { REQUIRE(db.query_text("PRAGMA max_page_count = 1000000").has_value()); });
  // The sender retries: both are new, not duplicates of events that were never stored.
  auto retried = queue->enqueue_batch(
      {request("t2", "fits", "k1"), request("t3", std::string(64 * 1024, 'x'), "k2")});
  REQUIRE(retried.has_value());
  CHECK_FALSE((*retried)[0].duplicate);
  CHECK_FALSE((*retried)[1].duplicate);
  CHECK(queue->stats()->depth == 3);
}

TEST_CASE("sqlite queue: tables keep the documented names and columns") {
  TempDbPath file;
  fakes::FakeClock clock;
  fakes::SeededRandom random;
  auto queue = open_sqlite_queue(file, clock, random);
  REQUIRE(queue->enqueue(request("t1", "a", "k1")).has_value());
  auto got = queue->receive(1, 60s, 0ms);
  REQUIRE(got.has_value());
  REQUIRE(queue->ack(got->at(0).receipt).has_value());
  REQUIRE(queue->enqueue(request("t1", "b", "k2")).has_value());
  queue->with_db([](SqliteDb& db) {
    CHECK(db.query_text("SELECT COUNT(*) FROM (SELECT seq, event_id, group_id, dedup_key, body, "
                        "trace_id, enqueued_at_ms, visible_at_ms, receive_count, last_error, "
                        "in_flight, prev_seq FROM queue_messages)")
              .value() == "1");
    CHECK(db.query_text("SELECT COUNT(*) FROM (SELECT event_id, group_id, dedup_key, body, "
                        "trace_id, enqueued_at_ms, dead_at_ms, receive_count, reason FROM "
                        "queue_dead_letters)")
              .value() == "0");
    CHECK(db.query_text("SELECT COUNT(*) FROM (SELECT dedup_key, event_id, expires_at_ms FROM "
                        "queue_dedup_log)")
              .value() == "1");
  });
}

}  // namespace rpmw::adapters::sqlite
