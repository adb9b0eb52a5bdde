#pragma once
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace rpmw::testing {

// Values every test server starts with (tests refer to them when they authenticate).
inline constexpr const char* kWebhookToken =
    "test-token-integration";  // the server wants >= 16 chars

struct RpmwServerOptions {
  // Overrides on top of the defaults (RPMW_LISTEN=127.0.0.1:0, RPMW_DATA_DIR=<tmp>/data,
  // RPMW_WEBHOOK_TOKENS=kWebhookToken, RPMW_LOG_LEVEL=debug). An empty value removes a default.
  std::map<std::string, std::string> env;
  std::vector<std::string> extra_args;  // after "serve"
  std::chrono::milliseconds ready_timeout{20000};
};

inline RpmwServerOptions with_env(std::map<std::string, std::string> env) {
  RpmwServerOptions options;
  options.env = std::move(env);
  return options;
}

// One log file written by an rpmw process (stdout = JSON log lines, stderr = anything else).
struct LogFile {
  std::filesystem::path path;
  bool is_stdout = true;
  bool killed = false;  // ended by SIGKILL: a last line without '\n' may be cut short
};

// Every log file any RpmwServer (or process registered with register_process_logs) of this test
// binary has written so far; the files live in one suite-wide directory that outlasts the
// individual tests (for the PII scan).
std::vector<LogFile> all_server_logs();

// Fresh stdout/stderr paths in that suite-wide directory for an rpmw process that is not an
// RpmwServer (`rpmw lambda`), registered so all_server_logs() and the PII scan include them.
// `name` is made unique per call.
struct ProcessLogPaths {
  std::filesystem::path stdout_path;
  std::filesystem::path stderr_path;
};
ProcessLogPaths register_process_logs(const std::string& name);

// `$RPMW_BIN serve` on 127.0.0.1 with a private data dir. The constructor starts it and waits
// until it is ready; the destructor always stops it.
class RpmwServer {
 public:
  explicit RpmwServer(RpmwServerOptions options = {});
  ~RpmwServer();
  RpmwServer(const RpmwServer&) = delete;
  RpmwServer& operator=(const RpmwServer&) = delete;

  // Path of the binary under test ($RPMW_BIN); throws when unset.
  static std::string binary();

  // Starts a new process on the same data dir and waits until listen.addr exists and /healthz
  // answers 200 (throws with the log tail otherwise). The port may differ from the last run.
  void start();
  // SIGTERM and wait; returns the exit code (nullopt if it did not exit in time, then SIGKILL).
  std::optional<int> stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  void kill9();  // SIGKILL and reap
  // Stop (SIGTERM) if running, then start; `env` entries override the options for this and later
  // runs.
  void restart(const std::map<std::string, std::string>& env = {});
  void set_env(const std::string& key, const std::string& value) { options_.env[key] = value; }

  bool running() const;
  Process& process() { return *process_; }
  std::string base_url() const { return base_url_; }
  std::string url(const std::string& path) const { return base_url_ + path; }
  std::string webhook_url() const { return url("/webhooks/richpanel"); }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  std::filesystem::path db_path() const { return data_dir_ / "rpmw.sqlite3"; }
  std::filesystem::path listen_addr_path() const { return data_dir_ / "listen.addr"; }
  const std::filesystem::path& stdout_log() const { return stdout_log_; }
  const std::filesystem::path& stderr_log() const { return stderr_log_; }
  int run_count() const { return runs_; }

  // GET /metrics body ("" on failure) and one value from it.
  std::string metrics_text() const;
  std::optional<double> metric(const std::string& series) const;

 private:
  std::vector<std::pair<std::string, std::string>> effective_env() const;
  std::string log_tail() const;

  RpmwServerOptions options_;
  TempDir dir_;
  std::filesystem::path data_dir_;
  std::filesystem::path stdout_log_;
  std::filesystem::path stderr_log_;
  std::unique_ptr<Process> process_;
  std::string base_url_;
  int id_ = 0;
  int runs_ = 0;
};

}  // namespace rpmw::testing
