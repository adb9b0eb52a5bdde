#include "tests/support/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace rpmw::testing {

namespace {
std::vector<std::string> build_env(const ProcessOptions& options) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    const std::string_view name = entry.substr(0, entry.find('='));
    bool drop = false;
    for (const auto& prefix : options.env_drop_prefixes) drop |= name.starts_with(prefix);
    for (const auto& [key, value] : options.env) drop |= name == key;
    if (!drop) out.emplace_back(entry);
  }
  for (const auto& [key, value] : options.env) out.push_back(key + "=" + value);
  return out;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}
}  // namespace

Process::Process(ProcessOptions options) : options_(std::move(options)) {
  std::vector<std::string> argv_strings{options_.program};
  argv_strings.insert(argv_strings.end(), options_.args.begin(), options_.args.end());
  std::vector<std::string> env_strings = build_env(options_);
  std::vector<char*> argv = c_strings(argv_strings);
  std::vector<char*> envp = c_strings(env_strings);
  const std::string out_path = options_.stdout_path.string();
  const std::string err_path = options_.stderr_path.string();

  // exec errors travel back through a close-on-exec pipe: EOF means exec succeeded.
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
  }
  if (pid == 0) {
    // Child: async-signal-safe calls only.
    ::close(pipe_fds[0]);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    const int in = ::open("/dev/null", O_RDONLY);
    if (out < 0 || err < 0 || in < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 ||
        ::dup2(err, 2) < 0) {
      const int e = errno;
      (void)!::write(pipe_fds[1], &e, sizeof e);
      ::_exit(127);
    }
    ::execve(argv[0], argv.data(), envp.data());
    const int e = errno;
    (void)!::write(pipe_fds[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(pipe_fds[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  ::close(pipe_fds[0]);
  pid_ = pid;
  if (n > 0) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    pid_ = -1;
    throw std::runtime_error("cannot start " + options_.program + ": " +
                             std::strerror(child_errno));
  }
}

Process::~Process() {
  if (pid_ > 0 && !exit_code_) stop();
}

bool Process::try_reap() {
  if (exit_code_) return true;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_code_ = decode_status(status);
    return true;
  }
  return false;
}

bool Process::running() {
  return pid_ > 0 && !try_reap();
}

void Process::terminate() {
  if (running()) ::kill(pid_, SIGTERM);
}

void Process::kill9() {
  if (running()) {
    killed_ = true;
    ::kill(pid_, SIGKILL);
  }
}

std::optional<int> Process::wait_exit(Deadline deadline) {
  if (pid_ <= 0) return exit_code_;
  while (!try_reap()) {
    if (SteadyClock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return exit_code_;
}

int Process::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return exit_code_.value_or(-1);
  terminate();
  if (auto code = wait_exit(deadline_in(grace))) return *code;
  kill9();
  int status = 0;
  ::waitpid(pid_, &status, 0);
  exit_code_ = decode_status(status);
  return *exit_code_;
}

}  // namespace rpmw::testing
