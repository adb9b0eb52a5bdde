#pragma once
// One run of the load / soak / fault suite: the in-process fake Richpanel (with its rate limit)
// and fake LLM, a real `rpmw serve` child process, an open-loop webhook sender, a sampler of RSS
// and queue age, and the checks that decide the run (duplicates, lost events, unsafe replies,
// PII in logs). Loopback only; every wait has a deadline.
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/fakes/fake_llm_server.h"
#include "tests/fakes/fake_richpanel_server.h"
#include "tests/support/support.h"

namespace rpmw::soak {

using Seconds = std::chrono::duration<double>;

struct SuiteOptions {
  std::string rpmw_bin;
  std::filesystem::path out_dir;  // results; rpmw logs of failed runs go to out_dir/soak-logs
  bool short_run = false;         // the CI sizes
  bool keep = false;              // keep run directories
};

// What a ticket is and so what rpmw may do with it.
enum class Kind {
  tier1,           // an intake question: a Tier 1 reply is fine with automation on
  tier0,           // chargeback, legal, fraud, threat: never a reply
  order_linked,    // "where is my order" with a linked order: a verified reply may quote it
  order_unlinked,  // the same question with no linked order: never any order data
};

struct Ticket {
  std::string id;
  Kind kind = Kind::tier1;
  std::string tracking;  // the linked order's tracking number (order_linked only)
  // Filled by the sender.
  int status = 0;             // last HTTP status (0: none)
  std::int64_t acked_ms = 0;  // epoch ms of the first 202 (or 200 duplicate)
  int attempts = 0;
};

// The outcome of one run: the figures of the table and the hard failures.
struct RunResult {
  std::string name;
  double time_scale = 1;
  std::size_t events = 0;    // tickets sent
  std::size_t accepted = 0;  // answered 202 (or 200 duplicate of an earlier commit)
  std::map<int, std::size_t> statuses;
  double ack_p50_ms = 0, ack_p95_ms = 0, ack_p99_ms = 0;
  double e2e_p95_s = 0;          // wall seconds, accepted → first decision recorded
  double oldest_age_max_s = 0;   // wall seconds, max rpmw_queue_oldest_age_seconds seen
  std::size_t rate_limited = 0;  // 429s the fake Richpanel answered
  std::size_t richpanel_calls = 0;
  std::size_t duplicates = 0;   // tickets with more than one reply or tag write
  std::size_t lost = 0;         // accepted, no decision, not dead-lettered
  std::size_t dead_letter = 0;  // accepted and dead-lettered (visible, redrivable)
  std::size_t reprocessed = 0;  // tickets with more than one decision record (informational)
  std::size_t unsafe = 0;
  std::size_t pii_hits = 0;
  std::size_t replies = 0;
  double rss_start_mib = 0, rss_max_mib = 0, rss_end_mib = 0;
  std::vector<double> rss_series_mib;  // ~10 evenly spaced samples over the run
  double wall_s = 0;
  double drain_s = 0;  // first send → every accepted event decided
  std::vector<std::string> notes;
  std::vector<std::string> failures;  // hard fails; the run fails when not empty
  bool skipped = false;
};

class Harness {
 public:
  // `time_scale` k compresses time: the Richpanel budget (vendor window and rpmw's rate) runs k
  // times faster, so a load of r events per hour is sent at r*k per hour of wall time.
  Harness(const SuiteOptions& options, std::string name, double time_scale,
          std::optional<std::filesystem::path> data_dir = std::nullopt);
  ~Harness();
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  fakes::FakeRichpanelServer& richpanel() { return richpanel_; }
  fakes::FakeLlmServer& llm();  // started on first use; rpmw then classifies with it
  void set_env(const std::string& key, const std::string& value) { env_[key] = value; }
  double time_scale() const { return k_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  RunResult& result() { return result_; }

  // Restarts the run clock (drain time counts from here).
  void mark_start() { started_ = std::chrono::steady_clock::now(); }
  // Copies rpmw's logs of this run into `dir` (kept for failed runs).
  void save_logs(const std::filesystem::path& dir) const;

  // rpmw serve: start (waits for /healthz), SIGTERM, SIGKILL. Spawn from the main thread.
  void start();
  void stop();
  void kill9();
  bool running();
  std::string base_url();

  // Creates `count` tickets in the fake Richpanel with the given mix (weights per kind).
  std::vector<std::size_t> add_tickets(std::size_t count, const std::map<Kind, int>& mix);
  Ticket& ticket(std::size_t index) { return tickets_[index]; }
  std::size_t ticket_count() const { return tickets_.size(); }

  // Sends the tickets' webhooks open loop at `rate` per wall second over `threads` senders.
  // Latency counts from the scheduled time. Transport errors (and 503 / 429 when `retry`) are
  // retried until `give_up` after the scheduled time, as a sender that wants delivery would.
  // `on_sent(n)` runs after the n-th scheduled send (for fault schedules).
  void send_open_loop(const std::vector<std::size_t>& indices, double rate, int threads,
                      bool retry = true, Seconds give_up = Seconds(60),
                      const std::function<void(std::size_t)>& on_sent = {});
  // One webhook for ticket `index`; returns the HTTP status (0: no answer).
  int send_one(std::size_t index, testing::HttpClient& client, bool retry, Seconds give_up,
               std::optional<std::chrono::steady_clock::time_point> scheduled = std::nullopt);

  // Polls until every accepted ticket has a decision or a dead letter, or `timeout`.
  bool wait_processed(Seconds timeout);
  // Stops the sampler and rpmw, then computes the result and runs the checks.
  RunResult finish(bool automation_expected = true);
  // For the suite's self-check: a line added to rpmw's first log file.
  void append_log_line(const std::string& line);
  // Adds a hard failure.
  void fail(const std::string& why) { result_.failures.push_back(why); }

 private:
  void sample_loop();
  void record_ack(double ms);
  void check_richpanel(bool automation_expected);
  void check_decisions();
  void scan_logs();

  SuiteOptions options_;
  std::string name_;
  double k_;
  testing::TempDir dir_;
  std::filesystem::path data_dir_;
  fakes::FakeRichpanelServer richpanel_;
  std::unique_ptr<fakes::FakeLlmServer> llm_;
  std::map<std::string, std::string> env_;
  std::unique_ptr<testing::Process> process_;
  std::vector<std::filesystem::path> logs_;
  std::mutex url_mutex_;
  std::string base_url_;
  std::atomic<pid_t> pid_{0};
  std::vector<Ticket> tickets_;
  std::mutex ack_mutex_;
  std::vector<double> ack_ms_;
  std::atomic<bool> sampling_{false};
  std::thread sampler_;
  std::mutex sample_mutex_;
  std::vector<std::pair<double, double>> rss_samples_;  // (seconds since start, MiB)
  double oldest_age_max_ = 0;
  std::chrono::steady_clock::time_point started_;
  RunResult result_;
};

// Percentile (0..1) of unsorted samples; 0 when empty.
double percentile(std::vector<double> samples, double q);

}  // namespace rpmw::soak
