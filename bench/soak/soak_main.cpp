// rpmw_soak: the load, soak and fault suite (issue 6, spec/06 "Test and proof profiles").
//   rpmw_soak [--suite load|faults|all] [--short] [--only NAME,NAME] [--rpmw PATH]
//             [--out DIR] [--max-minutes M] [--list]
// Runs real `rpmw serve` processes against the in-process fake Richpanel (50 requests / 30 s,
// compressed) and fake LLM on 127.0.0.1, prints one table row per run and exits 1 on any hard
// fail: a duplicate write, a lost accepted event, an unsafe reply, seeded PII in rpmw's logs,
// a crash, or a fault run's own expectation. Everything is bounded: each wait has a deadline and
// the whole suite stops starting runs after --max-minutes.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "bench/soak/scenarios.h"

namespace {

using namespace rpmw::soak;
namespace json = boost::json;

int usage(const std::string& why) {
  std::cerr << "rpmw_soak: " << why
            << "\nusage: rpmw_soak [--suite load|faults|all] [--short] [--only NAME,NAME]\n"
               "                 [--rpmw PATH] [--out DIR] [--max-minutes M] [--list]\n";
  return 2;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one;
}

std::string fmt(const char* format, double a, double b = 0, double c = 0) {
  char text[64];
  std::snprintf(text, sizeof text, format, a, b, c);
  return text;
}

void print_header() {
  std::printf("%-22s %5s %6s %6s %-17s %-13s %-13s %5s %4s %4s %4s %6s %4s %7s %6s  %s\n", "run",
              "k", "events", "acc", "ACK p50/95/99 ms", "e2e p95 s(eq)", "oldest s(eq)", "429",
              "dup", "lost", "dlq", "unsafe", "pii", "RSS MiB", "wall s", "result");
}

void print_row(const RunResult& r) {
  if (r.skipped) {
    std::printf("%-22s %s\n", r.name.c_str(), "SKIP");
    std::fflush(stdout);
    return;
  }
  const std::string ack = fmt("%.1f/%.1f/%.1f", r.ack_p50_ms, r.ack_p95_ms, r.ack_p99_ms);
  const std::string e2e = fmt("%.2f(%.0f)", r.e2e_p95_s, r.e2e_p95_s * r.time_scale);
  const std::string age = fmt("%.2f(%.0f)", r.oldest_age_max_s, r.oldest_age_max_s * r.time_scale);
  std::printf(
      "%-22s %5.0f %6zu %6zu %-17s %-13s %-13s %5zu %4zu %4zu %4zu %6zu %4zu %7.1f %6.0f  %s\n",
      r.name.c_str(), r.time_scale, r.events, r.accepted, ack.c_str(), e2e.c_str(), age.c_str(),
      r.rate_limited, r.duplicates, r.lost, r.dead_letter, r.unsafe, r.pii_hits, r.rss_max_mib,
      r.wall_s, r.failures.empty() ? "PASS" : "FAIL");
  std::fflush(stdout);
}

json::object to_json(const RunResult& r) {
  json::object statuses;
  for (const auto& [status, count] : r.statuses) statuses[std::to_string(status)] = count;
  json::array rss(r.rss_series_mib.begin(), r.rss_series_mib.end());
  return {{"name", r.name},
          {"skipped", r.skipped},
          {"time_scale", r.time_scale},
          {"events", r.events},
          {"accepted", r.accepted},
          {"statuses", statuses},
          {"ack_ms", {{"p50", r.ack_p50_ms}, {"p95", r.ack_p95_ms}, {"p99", r.ack_p99_ms}}},
          {"e2e_p95_s", r.e2e_p95_s},
          {"e2e_p95_s_equivalent", r.e2e_p95_s * r.time_scale},
          {"oldest_age_max_s", r.oldest_age_max_s},
          {"oldest_age_max_s_equivalent", r.oldest_age_max_s * r.time_scale},
          {"richpanel_calls", r.richpanel_calls},
          {"rate_limited_429", r.rate_limited},
          {"duplicates", r.duplicates},
          {"lost", r.lost},
          {"dead_letter", r.dead_letter},
          {"reprocessed", r.reprocessed},
          {"unsafe", r.unsafe},
          {"pii_hits", r.pii_hits},
          {"replies", r.replies},
          {"rss_mib", {{"start", r.rss_start_mib}, {"max", r.rss_max_mib}, {"end", r.rss_end_mib}}},
          {"rss_series_mib", rss},
          {"drain_s", r.drain_s},
          {"wall_s", r.wall_s},
          {"notes", json::array(r.notes.begin(), r.notes.end())},
          {"failures", json::array(r.failures.begin(), r.failures.end())}};
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread exists: the mount namespace is per thread until the process forks.
  const std::string mount_problem = prepare_mount_namespace();

  SuiteOptions options;
  std::string suite = "all";
  std::vector<std::string> only;
  std::string out_dir = "bench/out";
  double max_minutes = 25;
  bool list = false;
  if (const char* bin = std::getenv("RPMW_BIN")) options.rpmw_bin = bin;
  if (options.rpmw_bin.empty()) options.rpmw_bin = "build/release/app/rpmw";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
      return argv[++i];
    };
    try {
      if (arg == "--suite") {
        suite = value();
      } else if (arg == "--short") {
        options.short_run = true;
      } else if (arg == "--only") {
        std::stringstream names(value());
        for (std::string name; std::getline(names, name, ',');) only.push_back(name);
      } else if (arg == "--rpmw") {
        options.rpmw_bin = value();
      } else if (arg == "--out") {
        out_dir = value();
      } else if (arg == "--max-minutes") {
        max_minutes = std::stod(value());
      } else if (arg == "--list") {
        list = true;
      } else {
        return usage("unknown option " + arg);
      }
    } catch (const std::exception& e) {
      return usage(e.what());
    }
  }
  if (suite != "load" && suite != "faults" && suite != "all") return usage("bad --suite");

  std::vector<Scenario> scenarios;
  if (suite != "faults") {
    for (auto& s : load_scenarios()) scenarios.push_back(std::move(s));
  }
  if (suite != "load") {
    for (auto& s : fault_scenarios()) scenarios.push_back(std::move(s));
  }
  if (!only.empty()) {
    std::vector<Scenario> picked;
    for (auto& s : scenarios) {
      if (std::find(only.begin(), only.end(), s.name) != only.end()) picked.push_back(s);
    }
    if (picked.size() != only.size()) return usage("unknown name in --only (see --list)");
    scenarios = std::move(picked);
  }
  if (list) {
    for (const auto& s : scenarios)
      std::printf("%-22s %-7s %s\n", s.name.c_str(), s.suite.c_str(), s.what.c_str());
    return 0;
  }
  if (::access(options.rpmw_bin.c_str(), X_OK) != 0) {
    return usage(options.rpmw_bin + " is not executable (build rpmw or pass --rpmw)");
  }

  options.out_dir = out_dir;
  const auto started = std::chrono::steady_clock::now();
  const std::string load_before = load_average();
  std::printf("rpmw_soak: suite %s%s, %u CPUs, load average %s, rpmw %s\n", suite.c_str(),
              options.short_run ? " (short)" : "", std::thread::hardware_concurrency(),
              load_before.c_str(), options.rpmw_bin.c_str());
  if (!mount_problem.empty())
    std::printf("note: disk_full will be skipped: %s\n", mount_problem.c_str());
  print_header();
  std::vector<RunResult> results;
  for (const Scenario& s : scenarios) {
    const double elapsed_min =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() / 60;
    RunResult r;
    if (elapsed_min > max_minutes) {
      r.name = s.name;
      r.failures.push_back("not run: the suite's time budget of " + std::to_string(max_minutes) +
                           " min is spent");
    } else {
      try {
        r = s.run(options);
      } catch (const std::exception& e) {
        r.name = s.name;
        r.failures.push_back(std::string("run aborted: ") + e.what());
      }
    }
    print_row(r);
    results.push_back(std::move(r));
  }

  std::printf(
      "\nk = time compression (Richpanel budget and arrivals k times faster); (eq) = the "
      "wall figure times k, i.e. real-time equivalent.\n");
  bool failed = false;
  json::array runs;
  for (const RunResult& r : results) {
    for (const auto& note : r.notes) std::printf("  %s: %s\n", r.name.c_str(), note.c_str());
    if (!r.rss_series_mib.empty()) {
      std::string series;
      for (double v : r.rss_series_mib) series += fmt(" %.1f", v);
      std::printf("  %s: RSS over time (MiB):%s\n", r.name.c_str(), series.c_str());
    }
    for (const auto& f : r.failures) {
      std::printf("  %s: HARD FAIL: %s\n", r.name.c_str(), f.c_str());
      failed = true;
    }
    runs.push_back(to_json(r));
  }
  const double total_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("suite %s: %s in %.0f s (load average %s before, %s after)\n", suite.c_str(),
              failed ? "FAIL" : "PASS", total_s, load_before.c_str(), load_average().c_str());

  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  const std::string file =
      out_dir + "/soak_" + suite + (options.short_run ? "_short" : "") + ".json";
  std::ofstream(file) << json::serialize(json::object{{"suite", suite},
                                                      {"short", options.short_run},
                                                      {"cpus", std::thread::hardware_concurrency()},
                                                      {"load_average_before", load_before},
                                                      {"total_s", total_s},
                                                      {"passed", !failed},
                                                      {"runs", runs}})
                      << "\n";
  std::printf("results: %s\n", file.c_str());
  return failed ? 1 : 0;
}
