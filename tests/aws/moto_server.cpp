#include "tests/aws/moto_server.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/support.h"

namespace rpmw::testing {
namespace {

std::string find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return {};
  std::string_view rest(path);
  while (!rest.empty()) {
    const auto colon = rest.find(':');
    const std::string dir(rest.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    if (dir.empty()) continue;
    const std::filesystem::path candidate = std::filesystem::path(dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return {};
}

// A port the kernel just handed out; moto binds it a moment later (a race another process could
// win, which the retry in the constructor covers).
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("free_port: socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("free_port: bind failed");
  }
  const std::uint16_t port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

std::string tail(const std::filesystem::path& path, std::size_t max_chars = 2000) {
  const std::string text = read_file(path);
  return text.size() <= max_chars ? text : text.substr(text.size() - max_chars);
}

}  // namespace

MotoServer::MotoServer(MotoServerOptions options) : dir_("rpmw-moto") {
  const std::string program = find_on_path("moto_server");
  if (program.empty()) {
    throw std::runtime_error(
        "moto_server is not on PATH: the AWS adapter tests need it (pip install 'moto[server]'; "
        "the machine image has it in /root/.pyenv/shims)");
  }
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = free_port();
    ProcessOptions process_options;
    process_options.program = program;
    process_options.args = {"-H", "127.0.0.1", "-p", std::to_string(port_)};
    process_options.env_drop_prefixes = {"RPMW_", "AWS_", "INITIAL_NO_AUTH_ACTION_COUNT"};
    if (options.initial_no_auth_action_count) {
      process_options.env.emplace_back("INITIAL_NO_AUTH_ACTION_COUNT",
                                       std::to_string(*options.initial_no_auth_action_count));
    }
    process_options.stdout_path = dir_ / ("moto-" + std::to_string(attempt) + ".out");
    process_options.stderr_path = dir_ / ("moto-" + std::to_string(attempt) + ".err");
    process_ = std::make_unique<Process>(process_options);

    HttpClient client;
    const std::string probe = endpoint_url() + "/moto-api/data.json";
    const bool ready = poll_until(
        deadline_in(options.ready_timeout),
        [&] {
          if (!process_->running()) return true;  // stop waiting; handled below
          return client.request("GET", probe, {}, {}, std::chrono::seconds(2)).status > 0;
        },
        std::chrono::milliseconds(100));
    if (ready && process_->running()) return;
    const std::string log = log_tail();
    process_.reset();
    if (ready) continue;  // it exited (most likely the port was taken): try another port
    throw std::runtime_error("moto_server did not answer within the ready timeout; log:\n" + log);
  }
  throw std::runtime_error("moto_server exited right after start three times; log:\n" +
                           tail(dir_ / "moto-2.err"));
}

MotoServer::~MotoServer() = default;

std::string MotoServer::endpoint_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

adapters::aws::AwsEndpoint MotoServer::endpoint(std::string region) const {
  adapters::aws::AwsEndpoint endpoint;
  endpoint.region = std::move(region);
  endpoint.endpoint_url = endpoint_url();
  endpoint.timeout_ms = 10000;
  return endpoint;
}

void MotoServer::reset() {
  HttpClient client;
  const auto response = client.request("POST", endpoint_url() + "/moto-api/reset");
  if (response.status != 200) {
    throw std::runtime_error("moto reset failed with status " + std::to_string(response.status));
  }
}

std::string MotoServer::log_tail() const {
  if (!process_) return {};
  return tail(process_->options().stderr_path) + tail(process_->options().stdout_path);
}

MotoServer& shared_moto() {
  static MotoServer server;
  return server;
}

adapters::aws::AwsCredentials test_credentials() {
  return {"AKIDTESTMOTO", "test-secret-key", ""};
}

std::string unique_name(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

}  // namespace rpmw::testing
