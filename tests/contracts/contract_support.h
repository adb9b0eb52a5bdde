#pragma once
// What the shared port contracts (tests/contracts/*.h) need from a backend, written once for
// every test binary that runs them (unit: SQLite and in-memory fakes; aws: SQS and SSM on moto).
//
// A backend B provides:
//   using Env = ...;            // owns a fakes::FakeClock `clock` and fakes::SeededRandom `random`
//                               // (and whatever the adapter needs: a database file, an AWS client)
//   static constexpr QueueCaps caps;
//   static std::unique_ptr<core::EventQueue> make_queue(Env&, QueueKnobs = {});
//   static std::unique_ptr<core::FlagStore> make_flags(Env&);
// The including file defines RPMW_QUEUE_CONTRACT_BACKENDS / RPMW_FLAG_CONTRACT_BACKENDS as the
// comma-separated backend types before including the contract header.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "core/ports/event_queue.h"

namespace rpmw::contracts {

struct QueueKnobs {
  int max_receives = 5;
  std::chrono::milliseconds dedup_window{std::chrono::seconds(300)};
  // SQLite only: how often a long poll re-reads the database without a notification.
  std::chrono::milliseconds poll_interval{200};
};

// What a queue backend can be held to. A behaviour a backend cannot provide is skipped by name
// (see RPMW_CONTRACT_NEEDS) with the reason next to the flag; it is never silently weakened.
struct QueueCaps {
  // The Env's FakeClock drives visibility timeouts, retry delays and the dedup window. SQS runs on
  // its own real clock: those behaviours have real-time variants in tests/aws instead.
  bool fake_time = true;
  // depth / in_flight / oldest age are exact. SQS reports approximate counts, counts held and
  // retry-delayed messages as in flight, and has no oldest age.
  bool exact_stats = true;
  // Malformed and stale receipts are refused as invalid_input / stale_receipt. SQS receipt
  // handles are opaque and SQS accepts some stale ones.
  bool checked_receipts = true;
  // A dedup hit across calls is reported as duplicate. SQS drops it silently (only repeats inside
  // one batch are known).
  bool reports_duplicates = true;
  // The last retry reason is kept for the dead letter. SQS cannot store it on the message.
  bool keeps_retry_reason = true;
};

inline core::EnqueueRequest request(std::string group, std::string body,
                                    std::string dedup_key = {}) {
  if (dedup_key.empty()) dedup_key = group + "/" + body;
  return core::EnqueueRequest{std::move(group), std::move(dedup_key), std::move(body), "trc_test"};
}

}  // namespace rpmw::contracts

// Skips the rest of a contract test for a backend without `capability`, saying so in the report.
#define RPMW_CONTRACT_NEEDS(capability)                           \
  do {                                                            \
    if (!(capability)) {                                          \
      MESSAGE("skipped for this backend: it lacks " #capability); \
      return;                                                     \
    }                                                             \
  } while (false)
