#include "tests/support/rpmw_server.h"

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <system_error>

#include "tests/support/http_client.h"
#include "tests/support/support.h"

namespace rpmw::testing {

namespace {
std::mutex registry_mutex;
std::vector<LogFile>& registry() {
  static std::vector<LogFile> logs;
  return logs;
}

const std::filesystem::path& suite_log_dir() {
  static TempDir dir("rpmw-itest-logs");
  return dir.path();
}

std::atomic<int> next_server_id{1};

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// "127.0.0.1:PORT" with a numeric port; anything else is not ready yet.
bool valid_listen_addr(const std::string& addr) {
  const auto colon = addr.rfind(':');
  if (colon == std::string::npos || colon + 1 >= addr.size() || colon == 0) return false;
  for (std::size_t i = colon + 1; i < addr.size(); ++i) {
    if (addr[i] < '0' || addr[i] > '9') return false;
  }
  const int port = std::atoi(addr.c_str() + colon + 1);
  return port > 0 && port < 65536;
}
}  // namespace

std::vector<LogFile> all_server_logs() {
  std::lock_guard lock(registry_mutex);
  return registry();
}

ProcessLogPaths register_process_logs(const std::string& name) {
  static std::atomic<int> next_id{1};
  const std::string stem = name + "-" + std::to_string(next_id++);
  ProcessLogPaths paths{suite_log_dir() / (stem + ".stdout.log"),
                        suite_log_dir() / (stem + ".stderr.log")};
  std::lock_guard lock(registry_mutex);
  registry().push_back(LogFile{paths.stdout_path, true, false});
  registry().push_back(LogFile{paths.stderr_path, false, false});
  return paths;
}

std::string RpmwServer::binary() {
  const char* bin = std::getenv("RPMW_BIN");
  if (bin == nullptr || *bin == '\0') {
    throw std::runtime_error("RPMW_BIN is not set (run through ctest, or export the rpmw path)");
  }
  return bin;
}

RpmwServer::RpmwServer(RpmwServerOptions options)
    : options_(std::move(options)), dir_("rpmw-itest"), id_(next_server_id++) {
  data_dir_ = dir_.path() / "data";
  std::filesystem::create_directories(data_dir_);
  start();
}

RpmwServer::~RpmwServer() {
  if (process_) process_->stop();
}

std::vector<std::pair<std::string, std::string>> RpmwServer::effective_env() const {
  std::map<std::string, std::string> env{
      {"RPMW_LISTEN", "127.0.0.1:0"},
      {"RPMW_DATA_DIR", data_dir_.string()},
      {"RPMW_WEBHOOK_TOKENS", kWebhookToken},
      {"RPMW_LOG_LEVEL", "debug"},
  };
  for (const auto& [key, value] : options_.env) env[key] = value;
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, value] : env) {
    if (!value.empty()) out.emplace_back(key, value);
  }
  return out;
}

bool RpmwServer::running() const {
  return process_ && process_->running();
}

std::string RpmwServer::log_tail() const {
  auto tail = [](const std::filesystem::path& p) {
    std::string text = read_file(p);
    if (text.size() > 3000) text = "..." + text.substr(text.size() - 3000);
    return text;
  };
  return "\n--- stdout (" + stdout_log_.string() + ") ---\n" + tail(stdout_log_) +
         "\n--- stderr (" + stderr_log_.string() + ") ---\n" + tail(stderr_log_);
}

void RpmwServer::start() {
  if (running()) throw std::logic_error("RpmwServer::start: already running");
  ++runs_;
  const std::string stem = "server-" + std::to_string(id_) + "-run" + std::to_string(runs_);
  stdout_log_ = suite_log_dir() / (stem + ".stdout.log");
  stderr_log_ = suite_log_dir() / (stem + ".stderr.log");
  {
    std::lock_guard lock(registry_mutex);
    registry().push_back(LogFile{stdout_log_, true, false});
    registry().push_back(LogFile{stderr_log_, false, false});
  }
  // A stale file from the previous run would point at the old port.
  std::error_code ec;
  std::filesystem::remove(listen_addr_path(), ec);
  base_url_.clear();

  ProcessOptions po;
  po.program = binary();
  po.args = {"serve"};
  po.args.insert(po.args.end(), options_.extra_args.begin(), options_.extra_args.end());
  po.env = effective_env();
  po.stdout_path = stdout_log_;
  po.stderr_path = stderr_log_;
  process_ = std::make_unique<Process>(po);

  const Deadline deadline = deadline_in(options_.ready_timeout);
  std::string addr;
  const bool bound = poll_until(deadline, [&] {
    if (!process_->running()) return true;  // fail fast below
    addr = trim(read_file(listen_addr_path()));
    return valid_listen_addr(addr);
  });
  if (!process_->running()) {
    throw std::runtime_error("rpmw serve exited early with code " +
                             std::to_string(process_->exit_code().value_or(-1)) + log_tail());
  }
  if (!bound) {
    throw std::runtime_error("rpmw serve did not write a valid " + listen_addr_path().string() +
                             " (content: '" + addr + "')" + log_tail());
  }
  base_url_ = "http://" + addr;
  HttpClient client;
  long last_status = 0;
  const bool healthy = poll_until(deadline, [&] {
    if (!process_->running()) return true;
    HttpRequest r;
    r.url = base_url_ + "/healthz";
    r.timeout = std::chrono::seconds(2);
    last_status = client.send(r).status;
    return last_status == 200;
  });
  if (!healthy || !process_->running()) {
    throw std::runtime_error("rpmw serve at " + base_url_ +
                             " is not healthy (last /healthz status " +
                             std::to_string(last_status) + ")" + log_tail());
  }
}

std::optional<int> RpmwServer::stop(std::chrono::milliseconds timeout) {
  if (!process_) return std::nullopt;
  process_->terminate();
  auto code = process_->wait_exit(deadline_in(timeout));
  if (!code) kill9();
  return code;
}

void RpmwServer::kill9() {
  if (!process_) return;
  process_->kill9();
  process_->wait_exit(deadline_in(std::chrono::seconds(10)));
  std::lock_guard lock(registry_mutex);
  for (auto& log : registry()) {
    if (log.path == stdout_log_ || log.path == stderr_log_) log.killed = true;
  }
}

void RpmwServer::restart(const std::map<std::string, std::string>& env) {
  for (const auto& [key, value] : env) options_.env[key] = value;
  if (running()) stop();
  start();
}

std::string RpmwServer::metrics_text() const {
  HttpClient client;
  const HttpResponse r = client.get(url("/metrics"));
  return r.status == 200 ? r.body : std::string();
}

std::optional<double> RpmwServer::metric(const std::string& series) const {
  return metric_value(metrics_text(), series);
}

}  // namespace rpmw::testing
