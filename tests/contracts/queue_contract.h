#pragma once
// EventQueue contract, written once: every test binary that includes this header runs these
// behaviours against its backends (RPMW_QUEUE_CONTRACT_BACKENDS; see contract_support.h).
// Include it from exactly one source file per binary.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "tests/contracts/contract_support.h"

#ifndef RPMW_QUEUE_CONTRACT_BACKENDS
#error "define RPMW_QUEUE_CONTRACT_BACKENDS before including queue_contract.h"
#endif

namespace rpmw::contracts {
namespace {

using namespace std::chrono_literals;

template <class Backend>
struct QueueFixture {
  explicit QueueFixture(QueueKnobs knobs = {}) : queue(Backend::make_queue(env, knobs)) {}
  typename Backend::Env env;
  std::unique_ptr<core::EventQueue> queue;

  std::string enqueue(const std::string& group, const std::string& body) {
    auto result = queue->enqueue(request(group, body));
    REQUIRE(result.has_value());
    CHECK_FALSE(result->duplicate);
    return result->event_id;
  }
  std::vector<core::QueuedEvent> receive(int max = 10, std::chrono::milliseconds visibility = 30s) {
    auto result = queue->receive(max, visibility, 0ms);
    REQUIRE(result.has_value());
    return *result;
  }
  core::QueueStats stats() {
    auto result = queue->stats();
    REQUIRE(result.has_value());
    return *result;
  }
};

std::vector<std::string> bodies(const std::vector<core::QueuedEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.body);
  return out;
}

using Bodies = std::vector<std::string>;

}  // namespace

TEST_CASE_TEMPLATE("contracts: queue delivers FIFO within a group", B,
                   RPMW_QUEUE_CONTRACT_BACKENDS) {
  QueueFixture<B> f;
  const std::string first_id = f.enqueue("t1", "a1");
  f.enqueue("t1", "a2");
  f.enqueue("t1", "a3");
  for (const char* expected : {"a1", "a2", "a3"}) {
    auto got = f.receive();
    REQUIRE(got.size() == 1);
    CHECK(got[0].body == expected);
    CHECK(got[0].group == "t1");
    CHECK(got[0].trace_id == "trc_test");
    CHECK(got[0].receive_count == 1);
    REQUIRE(f.queue->ack(got[0].receipt).has_value());
  }
  CHECK(f.receive().empty());
  CHECK(first_id.rfind("evt_", 0) == 0);
  CHECK(first_id.size() == 4 + 26);
}

TEST_CASE_TEMPLATE("contracts: queue hands out heads of different groups together", B,
                   RPMW_QUEUE_CONTRACT_BACKENDS) {
  QueueFixture<B> f;
  f.enqueue("t1", "a1");
  f.enqueue("t2", "b1");
  f.enqueue("t1", "a2");
  f.enqueue("t3", "c1");
  f.enqueue("t2", "b2");
  CHECK(bodies(f.receive()) == Bodies{"a1", "b1", "c1"});

  SUBCASE("max bounds the batch") {
    QueueFixture<B> g;
    g.enqueue("t1", "a1");
    g.enqueue("t2", "b1");
    g.enqueue("t3", "c1");
    CHECK(bodies(g.receive(2)) == Bodies{"a1", "b1"});
    CHECK(bodies(g.receive(2)) == Bodies{"c1"});
  }
}

TEST_CASE_TEMPLATE("contracts: queue keeps at most one message in flight per group", B,
                   RPMW_QUEUE_CONTRACT_BACKENDS) {
  QueueFixture<B> f;
  f.enqueue("t1", "a1");
  f.enqueue("t1", "a2");
  auto first = f.receive();
  REQUIRE(first.size() == 1);
  CHECK(f.receive().empty());  // a2 is visible but its group is busy
  if constexpr (B::caps.exact_stats) CHECK(f.stats().in_flight == 1);
  f.enqueue("t2", "b1");
  CHECK(bodies(f.receive()) == Bodies{"b1"});
  REQUIRE(f.queue->ack(first[0].receipt).has_value());
  CHECK(bodies(f.receive()) == Bodies{"a2"});
}

TEST_CASE_TEMPLATE("contracts: queue redelivers after the visibility timeout", B,
                   RPMW_QUEUE_CONTRACT_BACKENDS) {
  RPMW_CONTRACT_NEEDS(B::caps.fake_time);
  QueueFixture<B> f;
  f.enqueue("t1", "a1");
  f.enqueue("t1", "a2");
  auto first = f.receive(10, 30s);
  REQUIRE(first.size() == 1);
  f.env.clock.advance(29s);
  CHECK(f.receive().empty());
  f.env.clock.advance(1s);
  auto second = f.receive(10, 30s);
  REQUIRE(second.size() == 1);
  CHECK(second[0].event_id == first[0].event_id);
  CHECK(second[0].body == "a1");
  CHECK(second[0].receive_count == 2);
  CHECK(second[0].receipt != first[0].receipt);
  CHECK(f.stats().in_flight == 1);

  // The first worker's lease is gone: its receipt can no longer settle the message.
  auto stale = f.queue->ack(first[0].receipt);
  REQUIRE_FALSE(stale.has_value());
  CHECK(stale.error().kind == core::ErrorKind::conflict);
  CHECK(stale.error().code == "stale_receipt");
  REQUIRE(f.queue->ack(second[0].receipt).has_value());
  CHECK(bodies(f.receive()) == Bodies{"a2"});
}

TEST_CASE_TEMPLATE("contracts: queue rejects stale and malformed receipts", B,
                   RPMW_QUEUE_CONTRACT_BACKENDS) {
  RPMW_CONTRACT_NEEDS(B::caps.fake_time);
  RPMW_CONTRACT_NEEDS(B::caps.checked_receipts);
  QueueFixture<B> f;
  f.enqueue("t1", "a1");
  auto first = f.receive(10, 10s);
  REQUIRE(first.size() == 1);
  f.env.clock.advance(11s);
  auto second = f.receive(10, 10s);
  REQUIRE(second.size() == 1);

  const auto expect_stale = [](const core::Status& status) {
    REQUIRE_FALSE(status.has_value());
    CHECK(status.error().kind == core::ErrorKind::conflict);
    CHECK(status.error().code == "stale_receipt");
  };
  expect_stale(f.queue->retry_later(first[0].receipt, 1s, "late"));
  expect_stale(f.queue->dead_letter(first[0].receipt, "late"));
  expect_stale(f.queue->ack("evt_UNKNOWN:1"));
  for (const char* bad : {"", "no-colon", "evt_X:", "evt_X:zero", ":3", "evt_X:0"}) {
    auto status = f.queue->ack(bad);
    REQUIRE_FALSE(status.has_value());
    CHECK(status.error().kind == core::ErrorKind::invalid_input);
  }
  // Released by retry_later: the same receipt cannot settle it twice.
  REQUIRE(f.queue->retry_later(second[0].receipt, 0ms, "try_again").has_value());
  expect_stale(f.queue->ack(second[0].receipt));
  auto third = f.receive();
  REQUIRE(third.size() == 1);
  REQUIRE(f.queue->ack(third[0].receipt).has_value());
  expect_stale(f.queue->ack(third[0].receipt));  // already acknowledged
  CHECK(f.stats().depth == 0);
}

TEST_CASE_TEMPLATE("contracts: queue retry_later delays the head and keeps the group blocked", B,
                   RPMW_QUEUE_CONTRACT_BACKENDS) {
  RPMW_CONTRACT_NEEDS(B::caps.fake_time);
  QueueFixture<B> f;
  f.enqueue("t1", "a1");
  f.enqueue("t1", "a2");
  f.enqueue("t2", "b1");
  auto got = f.receive(1);
  REQUIRE(bodies(got) == Bodies{"a1"});
  REQUIRE(f.queue->retry_later(got[0].receipt, 10s, "http_503").has_value());
  CHECK(f.stats().in_flight == 0);
  // a1 is delayed and still the head of t1, so a2 must wait; t2 is unaffected.
  auto others = f.receive();
  CHECK(bodies(others) == Bodies{"b1"});
  f.env.clock.advance(9s);
  CHECK(f.receive().empty());
  f.env.clock.advance(1s);
  auto again = f.receive();
  REQUIRE(bodies(again) == Bodies{"a1"});
  CHECK(again[0].receive_count == 2);
  REQUIRE(f.queue->ack(again[0].receipt).has_value());
  CHECK(bodies(f.receive()) == Bodies{"a2"});
}

TEST_CASE_TEMPLATE("contracts: queue dead-letters after max_receives with the last reason", B,
                   RPMW_QUEUE_CONTRACT_BACKENDS) {
  RPMW_CONTRACT_NEEDS(B::caps.keeps_retry_reason);
  RPMW_CONTRACT_NEEDS(B::caps.fake_time);
  QueueFixture<B> f(QueueKnobs{.max_receives = 3});
  const std::string id = f.enqueue("t1", "a1");
  f.enqueue("t1", "a2");
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto got = f.receive();
    REQUIRE(bodies(got) == Bodies{"a1"});
    CHECK(got[0].receive_count == attempt);
    REQUIRE(f.queue->retry_later(got[0].receipt, 0ms, "http_503_" + std::to_string(attempt))
                .has_value());
  }
  // The fourth delivery would exceed max_receives: a1 goes to the DLQ and a2 is handed out.
  CHECK(bodies(f.receive()) == Bodies{"a2"});
  auto dead = f.queue->list_dead_letters(10);
  REQUIRE(dead.has_value());
  REQUIRE(dead->size() == 1);
  CHECK((*dead)[0].event_id == id);
  CHECK((*dead)[0].group == "t1");
  CHECK((*dead)[0].trace_id == "trc_test");
  CHECK((*dead)[0].reason == "max_receives_exceeded:http_503_3");
  CHECK((*dead)[0].receive_count == 3);
  CHECK((*dead)[0].dead_at == f.env.clock.now());
  CHECK(f.stats().dlq_depth == 1);
  CHECK(f.stats().depth == 1);

  SUBCASE("a lease that keeps expiring counts as a visibility timeout") {
    QueueFixture<B> g(QueueKnobs{.max_receives = 2});
    g.enqueue("t9", "z1");
    for (int attempt = 1; attempt <= 2; ++attempt) {
      REQUIRE(g.receive(10, 5s).size() == 1);
      g.env.clock.advance(5s);
    }
    CHECK(g.receive().empty());
    auto lost = g.queue->list_dead_letters(10);
    REQUIRE(lost.has_value());
    REQUIRE(lost->size() == 1);
    CHECK((*lost)[0].reason == "max_receives_exceeded:visibility_timeout");
  }
}

TEST_CASE_TEMPLATE("contracts: queue dead_letter moves the message at once", B,
                   RPMW_QUEUE_CONTRACT_BACKENDS) {
  QueueFixture<B> f;
  const std::string id = f.enqueue("t1", "a1");
  f.enqueue("t1", "a2");
  auto got = f.receive();
  REQUIRE(got.size() == 1);
  REQUIRE(f.queue->dead_letter(got[0].receipt, "invalid_payload").has_value());
  auto dead = f.queue->list_dead_letters(10);
  REQUIRE(dead.has_value());
  REQUIRE(dead->size() == 1);
  CHECK((*dead)[0].event_id == id);
  CHECK((*dead)[0].reason == "invalid_payload");
  CHECK((*dead)[0].receive_count == 1);
  CHECK(bodies(f.receive()) == Bodies{"a2"});
  RPMW_CONTRACT_NEEDS(B::caps.checked_receipts);
  auto stale = f.queue->ack(got[0].receipt);
  REQUIRE_FALSE(stale.has_value());
  CHECK(stale.error().code == "stale_receipt");
}

TEST_CASE_TEMPLATE("contracts: queue redrive puts a dead letter at the tail of its group", B,
                   RPMW_QUEUE_CONTRACT_BACKENDS) {
  QueueFixture<B> f;
  const std::string id = f.enqueue("t1", "a1");
  f.enqueue("t1", "a2");
  auto got = f.receive();
  REQUIRE(f.queue->dead_letter(got[0].receipt, "permanent_400").has_value());
  f.enqueue("t1", "a3");
  f.env.clock.advance(1min);
  REQUIRE(f.queue->redrive(id).has_value());
  if constexpr (B::caps.exact_stats) CHECK(f.stats().dlq_depth == 0);
  auto listed = f.queue->list_dead_letters(10);
  REQUIRE(listed.has_value());
  CHECK(listed->empty());

  std::vector<std::string> order;
  for (int i = 0; i < 3; ++i) {
    auto next = f.receive();
    REQUIRE(next.size() == 1);
    order.push_back(next[0].body);
    if (next[0].body == "a1") {
      CHECK(next[0].event_id == id);
      CHECK(next[0].receive_count == 1);  // a fresh count
      CHECK(next[0].enqueued_at == f.env.clock.now());
    }
    REQUIRE(f.queue->ack(next[0].receipt).has_value());
  }
  CHECK(order == Bodies{"a2", "a3", "a1"});

  auto missing = f.queue->redrive(id);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().kind == core::ErrorKind::not_found);
}

TEST_CASE_TEMPLATE("contracts: queue shows and purges one dead letter", B,
                   RPMW_QUEUE_CONTRACT_BACKENDS) {
  QueueFixture<B> f;
  const std::string id = f.enqueue("t1", "a1");
  const auto enqueued_at = f.env.clock.now();
  f.env.clock.advance(1min);
  auto got = f.receive();
  REQUIRE(f.queue->dead_letter(got[0].receipt, "permanent_400").has_value());

  auto shown = f.queue->get_dead_letter(id);
  REQUIRE(shown.has_value());
  CHECK(shown->event_id == id);
  CHECK(shown->group == "t1");
  CHECK(shown->trace_id == "trc_test");
  CHECK(shown->reason == "permanent_400");
  CHECK(shown->receive_count == 1);
  CHECK(shown->enqueued_at == enqueued_at);
  CHECK(shown->dead_at == f.env.clock.now());

  REQUIRE(f.queue->purge_dead_letter(id).has_value());
  if constexpr (B::caps.exact_stats) {
    CHECK(f.stats().dlq_depth == 0);
    CHECK(f.stats().depth == 0);  // purged for good, not back on the queue
  }
  auto gone = f.queue->get_dead_letter(id);
  REQUIRE_FALSE(gone.has_value());
  CHECK(gone.error().kind == core::ErrorKind::not_found);
  auto again = f.queue->purge_dead_letter(id);
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().kind == core::ErrorKind::not_found);
  CHECK(f.queue->redrive(id).error().kind == core::ErrorKind::not_found);
}

TEST_CASE_TEMPLATE("contracts: queue lists dead letters newest first", B,
                   RPMW_QUEUE_CONTRACT_BACKENDS) {
  QueueFixture<B> f;
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(f.enqueue("t" + std::to_string(i), "m"));
  }
  for (int i = 0; i < 3; ++i) {
    auto got = f.receive(1);
    REQUIRE(got.size() == 1);
    REQUIRE(f.queue->dead_letter(got[0].receipt, "r" + std::to_string(i)).has_value());
    if (i == 0) f.env.clock.advance(1s);  // the last two share a timestamp
  }
  auto dead = f.queue->list_dead_letters(2);
  REQUIRE(dead.has_value());
  REQUIRE(dead->size() == 2);
  CHECK((*dead)[0].event_id == ids[2]);
  CHECK((*dead)[1].event_id == ids[1]);
  auto all = f.queue->list_dead_letters(100);
  REQUIRE(all.has_value());
  REQUIRE(all->size() == 3);
  CHECK((*all)[2].event_id == ids[0]);
  auto none = f.queue->list_dead_letters(0);
  REQUIRE(none.has_value());
  CHECK(none->empty());
}

TEST_CASE_TEMPLATE("contracts: queue dedups inside the window only", B,
                   RPMW_QUEUE_CONTRACT_BACKENDS) {
  RPMW_CONTRACT_NEEDS(B::caps.reports_duplicates);
  RPMW_CONTRACT_NEEDS(B::caps.fake_time);
  QueueFixture<B> f(QueueKnobs{.dedup_window = 300s});
  auto first = f.queue->enqueue(request("t1", "hello", "msg-1"));
  REQUIRE(first.has_value());
  CHECK_FALSE(first->duplicate);
  f.env.clock.advance(299s);
  auto again = f.queue->enqueue(request("t1", "hello again", "msg-1"));
  REQUIRE(again.has_value());
  CHECK(again->duplicate);
  CHECK(again->event_id == first->event_id);
  CHECK(f.stats().depth == 1);

  f.env.clock.advance(1s);  // the window is measured from the first enqueue
  auto later = f.queue->enqueue(request("t1", "hello", "msg-1"));
  REQUIRE(later.has_value());
  CHECK_FALSE(later->duplicate);
  CHECK(later->event_id != first->event_id);
  CHECK(f.stats().depth == 2);

  SUBCASE("an empty dedup key never dedups") {
    core::EnqueueRequest plain{"t2", "", "x", "trc"};
    auto a = f.queue->enqueue(plain);
    auto b = f.queue->enqueue(plain);
    REQUIRE(a.has_value());
    REQUIRE(b.has_value());
    CHECK_FALSE(b->duplicate);
    CHECK(a->event_id != b->event_id);
  }
}

TEST_CASE_TEMPLATE("contracts: queue enqueue_batch returns one result per request", B,
                   RPMW_QUEUE_CONTRACT_BACKENDS) {
  QueueFixture<B> f;
  auto first = f.queue->enqueue_batch(
      {request("t1", "a1", "k1"), request("t2", "b1", "k2"), request("t1", "a1 again", "k1")});
  REQUIRE(first.has_value());
  REQUIRE(first->size() == 3);
  CHECK_FALSE((*first)[0].duplicate);
  CHECK_FALSE((*first)[1].duplicate);
  CHECK((*first)[2].duplicate);  // a duplicate inside the same batch
  CHECK((*first)[2].event_id == (*first)[0].event_id);
  CHECK((*first)[0].event_id != (*first)[1].event_id);

  auto second = f.queue->enqueue_batch({request("t2", "b1", "k2"), request("t1", "a2", "k3")});
  REQUIRE(second.has_value());
  REQUIRE(second->size() == 2);
  if constexpr (B::caps.reports_duplicates) {
    CHECK((*second)[0].duplicate);
    CHECK((*second)[0].event_id == (*first)[1].event_id);
  }
  CHECK_FALSE((*second)[1].duplicate);

  auto empty = f.queue->enqueue_batch({});
  REQUIRE(empty.has_value());
  CHECK(empty->empty());
  if constexpr (B::caps.exact_stats) CHECK(f.stats().depth == 3);
  CHECK(bodies(f.receive()) == Bodies{"a1", "b1"});
}

TEST_CASE_TEMPLATE("contracts: queue stats report depth, in flight, oldest age and DLQ", B,
                   RPMW_QUEUE_CONTRACT_BACKENDS) {
  RPMW_CONTRACT_NEEDS(B::caps.exact_stats);
  RPMW_CONTRACT_NEEDS(B::caps.fake_time);
  QueueFixture<B> f;
  auto empty = f.stats();
  CHECK(empty.depth == 0);
  CHECK(empty.in_flight == 0);
  CHECK(empty.oldest_age_seconds == 0.0);
  CHECK(empty.dlq_depth == 0);

  f.enqueue("t1", "a1");
  f.enqueue("t2", "b1");
  f.env.clock.advance(2500ms);
  f.enqueue("t3", "c1");
  REQUIRE(f.receive(2, 60s).size() == 2);
  auto busy = f.stats();
  CHECK(busy.depth == 3);
  CHECK(busy.in_flight == 2);
  CHECK(busy.oldest_age_seconds == doctest::Approx(2.5));
  CHECK(busy.dlq_depth == 0);

  f.env.clock.advance(61s);  // both leases expired: no longer counted in flight
  CHECK(f.stats().in_flight == 0);
  auto again = f.receive(1);
  REQUIRE(again.size() == 1);
  REQUIRE(f.queue->dead_letter(again[0].receipt, "bad").has_value());
  auto after = f.stats();
  CHECK(after.depth == 2);
  CHECK(after.dlq_depth == 1);
}

TEST_CASE_TEMPLATE("contracts: queue long poll wakes up when another thread enqueues", B,
                   RPMW_QUEUE_CONTRACT_BACKENDS) {
  // A one-hour re-check interval proves the wake-up comes from the enqueue notification.
  QueueFixture<B> f(QueueKnobs{.poll_interval = std::chrono::hours(1)});
  const auto started = std::chrono::steady_clock::now();
  auto waiter = std::async(std::launch::async, [&] { return f.queue->receive(1, 30s, 20s); });
  f.enqueue("t1", "late");
  auto got = waiter.get();
  const auto elapsed = std::chrono::steady_clock::now() - started;
  REQUIRE(got.has_value());
  CHECK(bodies(*got) == Bodies{"late"});
  CHECK(elapsed < 10s);

  SUBCASE("wait 0 returns at once when empty") {
    QueueFixture<B> g;
    const auto t0 = std::chrono::steady_clock::now();
    auto none = g.queue->receive(4, 30s, 0ms);
    REQUIRE(none.has_value());
    CHECK(none->empty());
    CHECK(std::chrono::steady_clock::now() - t0 < 1s);
  }
  SUBCASE("a short wait times out empty") {
    QueueFixture<B> g;
    auto none = g.queue->receive(4, 30s, 50ms);
    REQUIRE(none.has_value());
    CHECK(none->empty());
  }
}

TEST_CASE_TEMPLATE("contracts: queue rejects a non-positive receive max", B,
                   RPMW_QUEUE_CONTRACT_BACKENDS) {
  QueueFixture<B> f;
  auto got = f.queue->receive(0, 30s, 0ms);
  REQUIRE_FALSE(got.has_value());
  CHECK(got.error().kind == core::ErrorKind::invalid_input);
}

}  // namespace rpmw::contracts
