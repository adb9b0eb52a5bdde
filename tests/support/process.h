#pragma once
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rpmw::testing {

using SteadyClock = std::chrono::steady_clock;
using Deadline = SteadyClock::time_point;

inline Deadline deadline_in(std::chrono::milliseconds d) {
  return SteadyClock::now() + d;
}

struct ProcessOptions {
  std::string program;                                   // path to the executable
  std::vector<std::string> args;                         // argv[1..]
  std::vector<std::pair<std::string, std::string>> env;  // added to / overriding the inherited env
  std::vector<std::string> env_drop_prefixes = {"RPMW_"};  // inherited variables removed first
  std::filesystem::path stdout_path;                       // stdout and stderr go to these files
  std::filesystem::path stderr_path;
};

// A child process. The destructor always stops it (SIGTERM, then SIGKILL after 5 s) so a failed
// assertion never leaks a server. The child also gets SIGKILL if the thread that spawned it dies
// (PR_SET_PDEATHSIG), so spawn from the test's main thread, not from a short-lived worker.
class Process {
 public:
  explicit Process(ProcessOptions options);  // throws std::runtime_error if it cannot start
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  const ProcessOptions& options() const { return options_; }

  // True while the child has not been reaped.
  bool running();
  void terminate();  // SIGTERM
  void kill9();      // SIGKILL
  // Waits until the child exits or the deadline passes. Exit status for a normal exit, 128+signal
  // when a signal ended it, nullopt on timeout.
  std::optional<int> wait_exit(Deadline deadline);
  // SIGTERM, then SIGKILL after `grace`; returns the exit code.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  std::optional<int> exit_code() const { return exit_code_; }
  bool was_killed() const { return killed_; }

 private:
  bool try_reap();
  ProcessOptions options_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  bool killed_ = false;
};

}  // namespace rpmw::testing
