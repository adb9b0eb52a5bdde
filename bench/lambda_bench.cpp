// Lambda figures (`make bench`; prints, asserts nothing): the size of the zip, the cold start of
// the bundled binary in a chroot (process start → its first `next` request), and the CPU time per
// invocation of both handlers against the in-process fake Runtime API.
//   rpmw_lambda_bench --zip build/release/rpmw-lambda.zip [--invocations N] [--cold-runs N]
// Goals (issue 5): cold start < 50 ms, warm ingress < 2 ms CPU per invocation, zip < 15 MB.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fakes/fake_lambda_runtime.h"

extern char** environ;

namespace {
namespace fs = std::filesystem;
namespace json = boost::json;
using Steady = std::chrono::steady_clock;

constexpr const char* kToken = "bench-webhook-token-0123456789";

struct Options {
  std::string zip = "build/release/rpmw-lambda.zip";
  int invocations = 2000;
  int cold_runs = 7;
};

// The unzipped package under <root>/var/task, with an empty /tmp next to it.
struct Sandbox {
  fs::path root;
  bool chroot = false;
  explicit Sandbox(const std::string& zip) {
    char pattern[] = "/tmp/rpmw-lambda-bench.XXXXXX";
    root = ::mkdtemp(pattern);
    fs::create_directories(root / "var/task");
    fs::create_directories(root / "tmp");
    const std::string cmd = "unzip -q '" + zip + "' -d '" + (root / "var/task").string() + "'";
    if (std::system(cmd.c_str()) != 0) {
      std::fprintf(stderr, "lambda_bench: cannot unzip %s (run `make lambda-zip`)\n", zip.c_str());
      std::exit(2);
    }
    chroot = ::geteuid() == 0;
  }
  ~Sandbox() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};

struct Child {
  pid_t pid = -1;
  Child() = default;
  Child(Child&& other) noexcept : pid(other.pid) { other.pid = -1; }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  void stop() {
    if (pid <= 0) return;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    pid = -1;
  }
  ~Child() { stop(); }
};

// The bootstrap's command: in a chroot as root (no host library at all), else from the directory.
Child spawn(const Sandbox& box, const std::string& handler, const std::string& api) {
  const std::string task = box.chroot ? "/var/task" : (box.root / "var/task").string();
  std::vector<std::string> args;
  if (box.chroot) args = {"/usr/sbin/chroot", box.root.string()};
  for (const std::string& a : {task + "/lib/ld-linux-x86-64.so.2", std::string("--library-path"),
                               task + "/lib", task + "/bin/rpmw", std::string("lambda")}) {
    args.push_back(a);
  }
  std::vector<std::string> env = {
      "LAMBDA_TASK_ROOT=" + task,
      "AWS_LAMBDA_RUNTIME_API=" + api,
      "_HANDLER=" + handler,
      "RPMW_WEBHOOK_TOKENS=" + std::string(kToken),
      "RPMW_LOG_LEVEL=error",
      "RPMW_DATA_DIR=" +
          (box.chroot ? std::string("/tmp/rpmw") : (box.root / "tmp/rpmw").string())};
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  Child child;
  if (posix_spawn(&child.pid, argv[0], &actions, nullptr, argv.data(), envp.data()) != 0) {
    std::perror("posix_spawn");
    std::exit(1);
  }
  posix_spawn_file_actions_destroy(&actions);
  return child;
}

// utime + stime of a live process, in microseconds (clock-tick resolution).
double cpu_us(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);
  }
  return ticks * 1e6 / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::string apigw(int i) {
  const std::string body = "{\"ticket_id\":\"bench-" + std::to_string(i) + "\"}";
  return json::serialize(json::object{
      {"version", "2.0"},
      {"rawPath", "/webhooks/richpanel"},
      {"rawQueryString", ""},
      {"headers", {{"content-type", "application/json"}, {"x-middleware-token", kToken}}},
      {"requestContext", {{"http", {{"method", "POST"}, {"sourceIp", "203.0.113.1"}}}}},
      {"body", body},
      {"isBase64Encoded", false}});
}

std::string sqs(int i, bool empty) {
  json::array records;
  if (!empty) {
    const std::string ticket = "bench-w-" + std::to_string(i);
    const std::string envelope = json::serialize(
        json::object{{"v", 1},
                     {"trace_id", "trc_01JBENCH00000000000000000"},
                     {"received_at_ms", 1767225600000},
                     {"ticket_id", ticket},
                     {"message_id", "<" + ticket + "@mail>"},
                     {"channel", "email"},
                     {"customer_message", "Where is my order? It was due last week."}});
    records.push_back(json::object{
        {"messageId", "m-" + std::to_string(i)},
        {"receiptHandle", "rh"},
        {"body", envelope},
        {"attributes", {{"ApproximateReceiveCount", "1"}, {"MessageGroupId", ticket}}}});
  }
  return json::serialize(json::object{{"Records", std::move(records)}});
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

void cold_start(const Sandbox& box, const std::string& handler, int runs) {
  std::vector<double> ms;
  for (int r = 0; r < runs; ++r) {
    rpmw::fakes::FakeLambdaRuntime api;
    const auto started = Steady::now();
    Child child = spawn(box, handler, api.address());
    if (!api.wait_next_calls(1, std::chrono::seconds(20))) {
      std::printf("lambda cold start %-8s  no `next` request within 20 s\n", handler.c_str());
      return;
    }
    ms.push_back(std::chrono::duration<double, std::milli>(*api.first_next_at() - started).count());
    child.stop();
  }
  std::printf(
      "lambda cold start %-8s  median %.1f ms  min %.1f  max %.1f  (%d runs%s; goal < 50 ms)\n",
      handler.c_str(), median(ms), *std::min_element(ms.begin(), ms.end()),
      *std::max_element(ms.begin(), ms.end()), runs,
      box.chroot ? ", chroot" : ", no chroot: not root");
}

void warm(const Sandbox& box, const std::string& label, const std::string& handler, int n,
          const std::function<std::string(int)>& event) {
  rpmw::fakes::FakeLambdaRuntime api;
  Child child = spawn(box, handler, api.address());
  // One invocation first: connection set up, caches warm, as on a warm sandbox.
  api.wait_outcome(api.enqueue(event(-1)), std::chrono::seconds(20));
  if (!api.wait_next_calls(2, std::chrono::seconds(20))) {
    std::printf("lambda warm %-14s  the runtime did not come back for more\n", label.c_str());
    return;
  }
  const double cpu_before = cpu_us(child.pid);
  const auto started = Steady::now();
  std::string last;
  for (int i = 0; i < n; ++i) last = api.enqueue(event(i));
  const auto outcome = api.wait_outcome(last, std::chrono::seconds(300));
  const double wall_us =
      std::chrono::duration<double, std::micro>(Steady::now() - started).count() / n;
  const double cpu = (cpu_us(child.pid) - cpu_before) / n;
  int errors = 0;
  for (const auto& o : api.outcomes()) errors += o.kind == "error" ? 1 : 0;
  std::printf("lambda warm %-14s  %.0f us CPU / invocation  %.0f us wall  (%d invocations%s)\n",
              label.c_str(), cpu, wall_us, n,
              !outcome     ? ", TIMED OUT"
              : errors > 0 ? ", with errors"
                           : "");
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--zip")
      options.zip = argv[i + 1];
    else if (arg == "--invocations")
      options.invocations = std::max(1, std::atoi(argv[i + 1]));
    else if (arg == "--cold-runs")
      options.cold_runs = std::max(1, std::atoi(argv[i + 1]));
  }
  struct stat st {};
  if (::stat(options.zip.c_str(), &st) != 0) {
    std::fprintf(stderr, "lambda_bench: no zip at %s (run `make lambda-zip`)\n",
                 options.zip.c_str());
    return 2;
  }
  std::printf("lambda zip size        %.1f MB (goal < 15 MB)\n",
              static_cast<double>(st.st_size) / (1024.0 * 1024.0));
  Sandbox box(options.zip);
  cold_start(box, "ingress", options.cold_runs);
  cold_start(box, "worker", options.cold_runs);
  warm(box, "ingress 202", "ingress", options.invocations, apigw);
  warm(box, "worker empty", "worker", options.invocations, [](int i) { return sqs(i, true); });
  warm(box, "worker 1 record", "worker", std::max(1, options.invocations / 4),
       [](int i) { return sqs(i, false); });
  return 0;
}
