#include "bench/soak/scenarios.h"

#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>

namespace rpmw::soak {

namespace {

using fakes::FakeLlmMode;
using fakes::FakeRichpanelFault;

// The production mix: mostly intake questions and order status, some Tier 0.
const std::map<Kind, int> kMix = {
    {Kind::tier1, 5}, {Kind::order_linked, 3}, {Kind::order_unlinked, 1}, {Kind::tier0, 1}};
// Richpanel calls per event of that mix (2 for route-only, 4-5 Tier 1, 6-7 Tier 2), rounded up.
constexpr double kCallsPerEvent = 5;
constexpr double kBudgetPerSecond = 1.6;  // rpmw's shared Richpanel bucket before compression

// Wall seconds to wait for a queue of `events` to drain at the compressed budget, with room.
Seconds drain_timeout(double events, double k, double calls_per_event = kCallsPerEvent) {
  const double bound = events * calls_per_event / (kBudgetPerSecond * k);
  return Seconds(std::max(60.0, 3 * bound + 30));
}

// One load profile: `per_hour` events for `minutes` of real time, compressed k times.
RunResult profile(const SuiteOptions& o, const std::string& name, double k, double per_hour,
                  double minutes) {
  Harness h(o, name, k);
  const auto events = static_cast<std::size_t>(std::lround(per_hour * minutes / 60));
  const auto tickets = h.add_tickets(events, kMix);
  h.start();
  h.mark_start();
  const double rate = per_hour * k / 3600;
  h.send_open_loop(tickets, rate, 8);
  if (!h.wait_processed(drain_timeout(static_cast<double>(events), k))) {
    h.result().notes.push_back("drain timed out");
  }
  char note[96];
  std::snprintf(note, sizeof note, "%zu events at %.2f/s wall", events, rate);
  h.result().notes.push_back(note);
  RunResult r = h.finish();
  // Under load nothing may end in the dead-letter queue (faults may park an event there).
  if (r.dead_letter > 0) r.failures.push_back(std::to_string(r.dead_letter) + " dead-lettered");
  return r;
}

// 10,000 (CI: 2,000) events queued while no worker runs, then drained by 4 workers at the
// compressed budget. Route-only (automation off): 2 calls per event.
RunResult backlog(const SuiteOptions& o) {
  // 60x: at 100x the fixed 300 ms window meets bunched sends of descheduled workers on a busy
  // box and every 429 costs a whole second of Retry-After (100 s of real time).
  const double k = 60;
  const std::size_t events = o.short_run ? 2000 : 10000;
  Harness h(o, "backlog", k);
  const auto tickets = h.add_tickets(events, {{Kind::tier1, 1}});
  h.set_env("RPMW_FLAGS", "automation_enabled=false");
  h.set_env("RPMW_WORKERS", "0");
  // Burst 1: at 96 % of the vendor's rate a burst of 5 overshoots a fixed window now and then,
  // and each 429 costs a whole second of Retry-After (k seconds of real time).
  h.set_env("RPMW_RICHPANEL_BURST", "1");
  h.start();
  h.send_open_loop(tickets, 800, 8);  // under the per-source ingress throttle (1,000/s)
  h.stop();
  h.richpanel().clear_calls();
  h.set_env("RPMW_WORKERS", "4");
  h.start();
  h.mark_start();
  const bool drained = h.wait_processed(drain_timeout(static_cast<double>(events), k, 2));
  RunResult& r = h.result();
  if (!drained) r.notes.push_back("drain timed out");
  // The physical limit: every successful call paid for at rpmw's budget (the burst aside).
  const auto calls = h.richpanel().calls();
  double ok = 0;
  for (const auto& c : calls) ok += c.status == 429 ? 0 : 1;
  const double bound = ok / (kBudgetPerSecond * k);
  char note[160];
  std::snprintf(note, sizeof note,
                "drain %.1f s wall vs budget bound %.1f s (%.0f%% of the limit), %.2f calls/event",
                r.drain_s, bound, r.drain_s > 0 ? 100 * bound / r.drain_s : 0.0,
                ok / static_cast<double>(events));
  r.notes.push_back(note);
  RunResult out = h.finish(false);
  if (out.dead_letter > 0)
    out.failures.push_back(std::to_string(out.dead_letter) + " dead-lettered");
  if (drained && out.drain_s > 1.5 * bound + 5) {
    out.notes.push_back("drain slower than 1.5x the budget bound");
  }
  return out;
}

// The steady soak: the peak profile compressed 60x for a fixed wall time (RSS and queue age
// must stay flat).
RunResult soak(const SuiteOptions& o) {
  const double k = 60;
  const double wall_s = o.short_run ? 45 : 600;
  const double per_hour = 430;
  RunResult r = profile(o, "soak", k, per_hour, wall_s * k / 60);
  if (r.rss_max_mib > 0 && r.rss_series_mib.size() >= 5) {
    const double early = r.rss_series_mib[2];
    const double growth = r.rss_end_mib - early;
    char note[120];
    std::snprintf(note, sizeof note, "RSS %.1f MiB at 20%% of the run, %.1f MiB at the end", early,
                  r.rss_end_mib);
    r.notes.push_back(note);
    if (growth > std::max(16.0, early * 0.5)) r.failures.push_back("RSS grew during the soak");
  }
  return r;
}

// A fault run: `events` of the mix at k, with `setup` before rpmw starts and `during(n)` after
// the n-th send.
RunResult fault_run(const SuiteOptions& o, const std::string& name, std::size_t events, double k,
                    const std::function<void(Harness&)>& setup,
                    const std::function<void(Harness&, std::size_t)>& during = {},
                    const std::map<Kind, int>& mix = kMix, bool automation_expected = true,
                    double rate = 0) {
  Harness h(o, name, k);
  const auto tickets = h.add_tickets(events, mix);
  if (setup) setup(h);
  h.start();
  h.mark_start();
  // Peak-like arrivals, compressed: about 4 events per wall second at k = 30.
  const double wall_rate = rate > 0 ? rate : 430.0 * k / 3600;
  std::function<void(std::size_t)> hook;
  if (during) hook = [&](std::size_t n) { during(h, n); };
  h.send_open_loop(tickets, wall_rate, 4, true, Seconds(60), hook);
  if (!h.wait_processed(drain_timeout(static_cast<double>(events), k) + Seconds(60))) {
    h.result().notes.push_back("drain timed out");
  }
  return h.finish(automation_expected);
}

RunResult llm_run(const SuiteOptions& o, const std::string& name, std::size_t events,
                  const std::vector<FakeLlmMode>& modes, const std::map<Kind, int>& mix = kMix) {
  return fault_run(
      o, name, events, 30, [&](Harness& h) { h.llm().set_mode(modes.front()); },
      [modes, events](Harness& h, std::size_t n) {
        // Cycle through the modes in equal slices of the run.
        const std::size_t slice = std::max<std::size_t>(1, events / modes.size());
        h.llm().set_mode(modes[std::min(modes.size() - 1, (n + 1) / slice)]);
      },
      mix);
}

// kill -9 of rpmw three times while webhooks keep coming; the sender retries what got no
// answer, as Richpanel would. Every accepted event must be decided, with no duplicate write.
RunResult kill9(const SuiteOptions& o) {
  const double k = 30;
  const std::size_t events = o.short_run ? 150 : 300;
  Harness h(o, "kill9_x3", k);
  h.set_env("RPMW_QUEUE_VISIBILITY_TIMEOUT_S", "10");
  const auto tickets = h.add_tickets(events, kMix);
  h.start();
  h.mark_start();
  const double rate = 10;  // events per wall second
  const auto t0 = std::chrono::steady_clock::now();
  std::thread sender([&] { h.send_open_loop(tickets, rate, 4, true, Seconds(90)); });
  const double send_s = static_cast<double>(events) / rate;
  for (int kill = 1; kill <= 3; ++kill) {
    std::this_thread::sleep_until(t0 +
                                  std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                      Seconds(send_s * kill / 4.0)));
    h.kill9();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    h.start();
  }
  sender.join();
  if (!h.wait_processed(drain_timeout(static_cast<double>(events), k) + Seconds(60))) {
    h.result().notes.push_back("drain timed out");
  }
  RunResult r = h.finish();
  r.notes.push_back("3 x kill -9, restarts on the same data dir");
  return r;
}

// The checks themselves must be able to fail: a small run, then one violation of each kind
// planted by hand (a reply on a Tier 0 ticket, a second reply, an accepted event with no
// decision, PII in the log). Passes only when every one is caught.
RunResult self_check(const SuiteOptions& o) {
  Harness h(o, "self_check", 30);
  const auto tickets = h.add_tickets(10, kMix);
  const std::size_t ghost = h.add_tickets(1, kMix).front();
  h.start();
  h.mark_start();
  h.send_open_loop(tickets, 20, 2);
  h.wait_processed(Seconds(60));
  const auto add_reply = [&](std::size_t i) {
    auto stored = h.richpanel().ticket(h.ticket(i).id);
    if (!stored) return;
    (*stored)["comments"].as_array().push_back(
        boost::json::object{{"id", "planted"}, {"is_operator", true}, {"body", "planted reply"}});
    h.richpanel().put_ticket(*stored);
  };
  bool planted_tier0 = false, planted_dup = false;
  for (std::size_t i : tickets) {
    if (!planted_tier0 && h.ticket(i).kind == Kind::tier0) {
      add_reply(i);
      planted_tier0 = true;
    } else if (!planted_dup && h.ticket(i).kind == Kind::tier1) {
      add_reply(i);
      planted_dup = true;
    }
  }
  h.ticket(ghost).attempts = 1;
  h.ticket(ghost).status = 202;
  h.ticket(ghost).acked_ms = 1;
  h.append_log_line(R"({"event":"planted","email":"soak.jane+0@example.com"})");
  RunResult r = h.finish();
  std::vector<std::string> missed;
  if (!planted_tier0 || !planted_dup) missed.push_back("could not plant the replies");
  if (r.unsafe == 0) missed.push_back("the Tier 0 reply was not flagged unsafe");
  if (r.duplicates == 0) missed.push_back("the second reply was not flagged duplicate");
  if (r.lost == 0) missed.push_back("the accepted event without a decision was not flagged lost");
  if (r.pii_hits == 0) missed.push_back("the PII log line was not found");
  r.notes.push_back("planted: 1 unsafe, 1 duplicate, 1 lost, 1 PII line; caught " +
                    std::to_string(r.failures.size()) + " kinds");
  r.failures = missed;
  return r;
}

std::string g_mount_problem = "not prepared";

// Webhooks while the SQLite data dir sits on a full 8 MiB tmpfs: rpmw must answer 503 with
// Retry-After and a JSON error (never 202 without storing), then accept again once space frees.
RunResult disk_full(const SuiteOptions& o) {
  if (!g_mount_problem.empty()) {
    RunResult r;
    r.name = "disk_full";
    r.skipped = true;
    r.notes.push_back("skipped: " + g_mount_problem);
    return r;
  }
  testing::TempDir mount_dir("rpmw-soak-tmpfs");
  const std::filesystem::path mnt = mount_dir.path();
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=8m") != 0) {
    RunResult r;
    r.name = "disk_full";
    r.failures.push_back(std::string("mount tmpfs: ") + std::strerror(errno));
    return r;
  }
  RunResult r;
  {
    const double k = 30;
    Harness h(o, "disk_full", k, mnt / "data");
    h.set_env("RPMW_QUEUE_VISIBILITY_TIMEOUT_S", "10");
    const auto before = h.add_tickets(20, kMix);
    const auto during = h.add_tickets(200, kMix);
    const auto after = h.add_tickets(20, kMix);
    h.start();
    h.mark_start();
    h.send_open_loop(before, 20, 2, false);
    // Fill every free byte with a filler file.
    const std::filesystem::path filler = mnt / "filler";
    {
      std::ofstream out(filler, std::ios::binary);
      const std::string block(64 * 1024, 'x');
      while (out.write(block.data(), static_cast<std::streamsize>(block.size()))) {
      }
    }
    testing::HttpClient client;
    std::size_t unavailable = 0, accepted_full = 0, bad = 0;
    for (std::size_t i : during) {
      const int status = h.send_one(i, client, false, Seconds(0));
      if (status == 503) {
        ++unavailable;
      } else if (status == 202 || status == 200) {
        ++accepted_full;
      } else {
        ++bad;
      }
      if (unavailable >= 20) break;
    }
    // One explicit request to check the 503's shape.
    {
      testing::HttpRequest req;
      req.method = "POST";
      req.url = h.base_url() + "/webhooks/richpanel";
      req.headers = {{"Content-Type", "application/json"},
                     {"X-Middleware-Token", "soak-webhook-token-0123456789"}};
      req.body = R"({"ticket_id":"disk-full-probe","message_id":"probe-1"})";
      const testing::HttpResponse probe = client.send(req);
      if (probe.status != 503 || probe.header("retry-after").empty() ||
          probe.body.find("\"error\"") == std::string::npos) {
        h.fail("full disk: probe answered " + std::to_string(probe.status) + " retry-after='" +
               probe.header("retry-after") + "' body=" + probe.body.substr(0, 120));
      } else {
        h.result().notes.push_back("full-disk answer: 503 Retry-After " +
                                   probe.header("retry-after") + " " + probe.body);
      }
    }
    if (unavailable == 0) h.fail("the disk filled up but no webhook got 503");
    if (bad > 0) h.fail(std::to_string(bad) + " answer(s) other than 202/503 on a full disk");
    std::filesystem::remove(filler);
    // Space is back: the refused events are sent again (Richpanel's retry), then new ones.
    std::vector<std::size_t> again;
    for (std::size_t i : during) {
      if (h.ticket(i).attempts > 0 && h.ticket(i).acked_ms == 0) again.push_back(i);
    }
    again.insert(again.end(), after.begin(), after.end());
    h.send_open_loop(again, 20, 2, true, Seconds(30));
    std::size_t refused_after = 0;
    for (std::size_t i : again) refused_after += h.ticket(i).acked_ms == 0 ? 1 : 0;
    if (refused_after > 0) {
      h.fail(std::to_string(refused_after) + " webhook(s) still refused after space freed up");
    }
    if (!h.wait_processed(Seconds(90))) h.result().notes.push_back("drain timed out");
    char note[160];
    std::snprintf(note, sizeof note, "while full: %zu x 503, %zu x 202; resent %zu after freeing",
                  unavailable, accepted_full, again.size());
    h.result().notes.push_back(note);
    r = h.finish();
  }
  ::umount2(mnt.c_str(), MNT_DETACH);
  return r;
}

}  // namespace

std::string prepare_mount_namespace() {
  if (::geteuid() != 0) return g_mount_problem = "needs root (mount namespace + tmpfs)";
  if (::unshare(CLONE_NEWNS) != 0) {
    return g_mount_problem = std::string("unshare(CLONE_NEWNS): ") + std::strerror(errno);
  }
  // Private propagation so the tmpfs never shows outside this process tree.
  if (::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return g_mount_problem = std::string("make / private: ") + std::strerror(errno);
  }
  g_mount_problem.clear();
  return {};
}

std::vector<Scenario> load_scenarios() {
  return {
      {"baseline", "load", "211/h for 60 min (CI: 30 min), 60x (CI: 120x)",
       [](const SuiteOptions& o) {
         return o.short_run ? profile(o, "baseline", 120, 211, 30)
                            : profile(o, "baseline", 60, 211, 60);
       }},
      {"peak", "load", "430/h for 60 min (CI: 30 min), 60x (CI: 120x)",
       [](const SuiteOptions& o) {
         return o.short_run ? profile(o, "peak", 120, 430, 30) : profile(o, "peak", 60, 430, 60);
       }},
      {"surge", "load", "4,300/h (10x peak) for 10 min (CI: 5 min), 60x",
       [](const SuiteOptions& o) { return profile(o, "surge", 60, 4300, o.short_run ? 5 : 10); }},
      {"spike", "load", "1,000 messages in 60 s, 60x (CI: 120x)",
       [](const SuiteOptions& o) { return profile(o, "spike", o.short_run ? 120 : 60, 60000, 1); }},
      {"soak", "load", "430/h at 60x for 10 min wall (CI: 45 s)", soak},
      {"backlog", "load", "10,000 (CI: 2,000) queued events drained at the budget, 60x", backlog},
  };
}

std::vector<Scenario> fault_scenarios() {
  const auto n = [](const SuiteOptions& o, std::size_t full) {
    return o.short_run ? full / 2 : full;
  };
  return {
      {"rp_429_retry_after", "faults", "40 injected 429s (Retry-After: 1) on top of the budget",
       [n](const SuiteOptions& o) {
         return fault_run(o, "rp_429_retry_after", n(o, 80), 30, [](Harness& h) {
           h.richpanel().set_fault(FakeRichpanelFault::rate_limited, 40);
         });
       }},
      {"rp_429_no_retry_after", "faults",
       "the observed tenant: 7 requests / 30 s, 429s without Retry-After",
       [n](const SuiteOptions& o) {
         return fault_run(o, "rp_429_no_retry_after", o.short_run ? 12 : 40, 30, [](Harness& h) {
           fakes::FakeRichpanelRateLimit limit;
           limit.limit = 7;
           limit.window = std::chrono::milliseconds(1000);  // 30 s at 30x
           limit.send_retry_after = false;
           h.richpanel().set_rate_limit(limit);
         });
       }},
      {"rp_5xx", "faults", "20 x 503, then 20 x 502 after the write landed",
       [n](const SuiteOptions& o) {
         const std::size_t events = n(o, 80);
         return fault_run(
             o, "rp_5xx", events, 30,
             [](Harness& h) { h.richpanel().set_fault(FakeRichpanelFault::server_error, 20, 503); },
             [events](Harness& h, std::size_t i) {
               if (i == events / 2) {
                 h.richpanel().set_fault_match("", true);
                 h.richpanel().set_fault(FakeRichpanelFault::server_error, 20, 502);
               }
             });
       }},
      {"rp_timeout", "faults", "15 answers held 1.5 s against a 0.5 s client timeout",
       [n](const SuiteOptions& o) {
         return fault_run(o, "rp_timeout", n(o, 60), 30, [](Harness& h) {
           h.set_env("RPMW_RICHPANEL_TIMEOUT_MS", "500");
           h.richpanel().set_fault(FakeRichpanelFault::delay, 15, 500,
                                   std::chrono::milliseconds(1500));
         });
       }},
      {"llm_invalid_json", "faults", "the model answers text that is not JSON",
       [n](const SuiteOptions& o) {
         return llm_run(o, "llm_invalid_json", n(o, 40), {FakeLlmMode::invalid_json});
       }},
      {"llm_schema", "faults", "unknown intent, extra field, confidence > 1 (thirds)",
       [n](const SuiteOptions& o) {
         return llm_run(o, "llm_schema", n(o, 60),
                        {FakeLlmMode::unknown_intent, FakeLlmMode::extra_field,
                         FakeLlmMode::out_of_range_confidence});
       }},
      {"llm_garbage", "faults", "truncated answers, refusals, 500s (thirds)",
       [n](const SuiteOptions& o) {
         return llm_run(o, "llm_garbage", n(o, 60),
                        {FakeLlmMode::truncated, FakeLlmMode::refusal, FakeLlmMode::status_500});
       }},
      {"llm_injected", "faults",
       "schema-valid answers obeying a prompt injection (Tier 0 and unlinked orders)",
       [n](const SuiteOptions& o) {
         return llm_run(o, "llm_injected", n(o, 60), {FakeLlmMode::injected},
                        {{Kind::tier0, 2}, {Kind::order_unlinked, 2}, {Kind::tier1, 1}});
       }},
      {"llm_timeout", "faults", "the model holds every answer past rpmw's 10 s timeout",
       [](const SuiteOptions& o) {
         return fault_run(
             o, "llm_timeout", o.short_run ? 4 : 12, 30,
             [](Harness& h) {
               h.llm().set_mode(FakeLlmMode::timeout);
               h.llm().set_hold(std::chrono::milliseconds(12000));
             },
             {}, kMix, true, 2);
       }},
      {"safe_mode", "faults", "safe_mode on: routing only, no reply may go out",
       [n](const SuiteOptions& o) {
         return fault_run(
             o, "safe_mode", n(o, 40), 30,
             [](Harness& h) { h.set_env("RPMW_FLAGS", "automation_enabled=true,safe_mode=true"); },
             {}, kMix, false);
       }},
      {"kill9_x3", "faults", "kill -9 of rpmw three times mid-load, restart each time", kill9},
      {"disk_full", "faults", "SQLite dir on a full 8 MiB tmpfs, then space freed", disk_full},
      {"self_check", "faults", "planted violations the checks must catch", self_check},
  };
}

}  // namespace rpmw::soak
