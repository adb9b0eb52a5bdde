// kill -9 under load loses no acknowledged event and processes none twice.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "tests/integration/helpers.h"

namespace rpmw::itest {

namespace {
struct Accepted {
  std::string event_id;
  std::string ticket_id;
  int message = 0;
};

// Sends `per_thread` webhooks from each of `threads` threads over `tickets` tickets; returns the
// 202s (and failures as strings).
std::vector<Accepted> send_load(const RpmwServer& server, int threads, int per_thread, int tickets,
                                std::vector<std::string>& failures) {
  std::mutex mutex;
  std::vector<Accepted> accepted;
  std::vector<std::thread> senders;
  for (int k = 0; k < threads; ++k) {
    senders.emplace_back([&, k] {
      HttpClient client;
      std::vector<Accepted> mine;
      std::vector<std::string> failed;
      for (int i = 0; i < per_thread; ++i) {
        // Each thread owns tickets k, k+threads, ...: per-ticket order is well defined.
        const int ticket = k + threads * (i % (tickets / threads));
        const int message = i / (tickets / threads) + 1;
        const std::string ticket_id = "crash-" + std::to_string(ticket);
        const HttpResponse r = post_webhook(
            client, server, webhook_body(ticket_id, ticket_id + "-m-" + std::to_string(message)));
        if (r.status == 202) {
          mine.push_back({event_id_of(r), ticket_id, message});
        } else {
          failed.push_back(ticket_id + " m-" + std::to_string(message) + ": " +
                           std::to_string(r.status) + " " + r.body + " " + r.error);
        }
      }
      std::lock_guard lock(mutex);
      accepted.insert(accepted.end(), mine.begin(), mine.end());
      failures.insert(failures.end(), failed.begin(), failed.end());
    });
  }
  for (auto& s : senders) s.join();
  return accepted;
}
}  // namespace

TEST_CASE("crash safety: kill -9 after 1,000 acks, restart, every event processed exactly once") {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 250;
  constexpr int kTickets = 100;
  RpmwServer server(with_env({{"RPMW_QUEUE_VISIBILITY_TIMEOUT_S", "2"},
                              {"RPMW_INGRESS_RATE", "0"},
                              {"RPMW_INGRESS_SOURCE_RATE", "0"}}));

  std::vector<std::string> failures;
  const std::vector<Accepted> accepted =
      send_load(server, kThreads, kPerThread, kTickets, failures);
  server.kill9();  // right after the last 202, workers still busy
  for (const auto& f : failures) FAIL_CHECK(f);
  REQUIRE(accepted.size() == kThreads * kPerThread);

  std::set<std::string> accepted_ids;
  for (const auto& a : accepted) accepted_ids.insert(a.event_id);
  REQUIRE(accepted_ids.size() == accepted.size());  // event ids are unique
  {
    SqliteReader db(server.db_path());
    MESSAGE("decisions at kill time: " << db.scalar("SELECT count(*) FROM state_decisions")
                                       << " of " << accepted.size());
  }

  server.start();
  auto processed_all = [&] {
    SqliteReader db(server.db_path());
    const auto rows = db.query("SELECT DISTINCT event_id FROM state_decisions");
    std::set<std::string> seen;
    for (const auto& row : rows) seen.insert(row[0]);
    for (const auto& id : accepted_ids) {
      if (!seen.count(id)) return false;
    }
    const auto depth = server.metric("rpmw_queue_depth");
    return depth && *depth == 0;
  };
  REQUIRE(poll_until(deadline_in(std::chrono::seconds(90)), processed_all,
                     std::chrono::milliseconds(200)));

  SqliteReader db(server.db_path());
  const auto rows =
      db.query("SELECT event_id, ticket_id, event_key FROM state_decisions ORDER BY id");
  std::map<std::string, int> times;
  std::vector<std::string> unknown;
  for (const auto& row : rows) {
    ++times[row[0]];
    if (!accepted_ids.count(row[0])) unknown.push_back(row[0] + " " + row[2]);
  }
  int twice = 0;
  for (const auto& [id, n] : times) twice += n > 1 ? 1 : 0;
  CHECK(twice == 0);
  CHECK(unknown.empty());
  for (std::size_t i = 0; i < unknown.size() && i < 5; ++i) MESSAGE("unknown: " << unknown[i]);
  CHECK(rows.size() == accepted.size());

  // Per-ticket order survives the crash and the redeliveries.
  std::map<std::string, int> last_message;
  int out_of_order = 0;
  for (const auto& row : rows) {
    const int message = std::stoi(row[2].substr(row[2].rfind("-m-") + 3));
    int& last = last_message[row[1]];
    if (message <= last) ++out_of_order;
    last = message;
  }
  CHECK(out_of_order == 0);
}

}  // namespace rpmw::itest
