// Per-ticket FIFO: concurrent senders, 4 workers, decisions stay in message order per ticket.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "tests/integration/helpers.h"

namespace rpmw::itest {

TEST_CASE("ordering: 50 tickets x 6 messages from 8 threads are processed in order per ticket") {
  constexpr int kTickets = 50;
  constexpr int kMessages = 6;
  constexpr int kThreads = 8;
  RpmwServer server(with_env(
      {{"RPMW_WORKERS", "4"}, {"RPMW_INGRESS_RATE", "0"}, {"RPMW_INGRESS_SOURCE_RATE", "0"}}));

  auto ticket_name = [](int t) { return "ord-" + std::to_string(t); };
  std::atomic<int> accepted{0};
  std::mutex failures_mutex;
  std::vector<std::string> failures;

  // Thread k owns tickets k, k+8, ...; it walks message 1 for all its tickets, then message 2, ...
  // so each ticket's messages go out in order and tickets interleave across threads.
  std::vector<std::thread> senders;
  for (int k = 0; k < kThreads; ++k) {
    senders.emplace_back([&, k] {
      HttpClient client;
      for (int m = 1; m <= kMessages; ++m) {
        for (int t = k; t < kTickets; t += kThreads) {
          const HttpResponse r = post_webhook(
              client, server,
              webhook_body(ticket_name(t), ticket_name(t) + "-m-" + std::to_string(m)));
          if (r.status == 202) {
            ++accepted;
          } else {
            std::lock_guard lock(failures_mutex);
            failures.push_back(ticket_name(t) + " m-" + std::to_string(m) + ": " +
                               std::to_string(r.status) + " " + r.body + " " + r.error);
          }
        }
      }
    });
  }
  for (auto& s : senders) s.join();
  for (const auto& f : failures) FAIL_CHECK(f);
  REQUIRE(accepted == kTickets * kMessages);

  REQUIRE(wait_for_decisions(server, kTickets * kMessages, std::chrono::seconds(60)));
  SqliteReader db(server.db_path());
  const auto rows = db.query("SELECT ticket_id, event_key FROM state_decisions ORDER BY id");
  CHECK(rows.size() == kTickets * kMessages);

  std::map<std::string, std::vector<std::string>> keys_by_ticket;
  for (const auto& row : rows) keys_by_ticket[row[0]].push_back(row[1]);
  CHECK(keys_by_ticket.size() == kTickets);
  auto join = [](const std::vector<std::string>& keys) {
    std::string out;
    for (const auto& k : keys) out += k + " ";
    return out;
  };
  for (int t = 0; t < kTickets; ++t) {
    std::vector<std::string> expected;
    for (int m = 1; m <= kMessages; ++m)
      expected.push_back(ticket_name(t) + ":" + ticket_name(t) + "-m-" + std::to_string(m));
    CHECK(join(keys_by_ticket[ticket_name(t)]) == join(expected));
  }
}

}  // namespace rpmw::itest
