// The fake LLM server as a process, for process-level tests:
//   fake_llm_server [--port N] [--mode NAME] [--hold-ms N] [--retry-after VALUE]
// Prints "port=<n>" once listening; stops on SIGTERM or SIGINT.
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tests/fakes/fake_http_server.h"
#include "tests/fakes/fake_llm_server.h"

namespace {

int usage(const char* why) {
  std::cerr << "fake_llm_server: " << why
            << "\nusage: fake_llm_server [--port N] [--mode NAME] [--hold-ms N] "
               "[--retry-after VALUE]\n";
  return 2;
}

bool parse_number(std::string_view text, long max, long& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  const std::string copy(text);
  out = std::strtol(copy.c_str(), &end, 10);
  return *end == '\0' && out >= 0 && out <= max;
}

}  // namespace

int main(int argc, char** argv) {
  long port = 0;
  long hold_ms = -1;
  rpmw::fakes::FakeLlmMode mode = rpmw::fakes::FakeLlmMode::valid;
  std::optional<std::string> retry_after;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) return usage("missing value");
    const std::string_view value = argv[++i];
    if (arg == "--port") {
      if (!parse_number(value, 65535, port)) return usage("bad --port");
    } else if (arg == "--mode") {
      const auto parsed = rpmw::fakes::parse_fake_llm_mode(value);
      if (!parsed) return usage("unknown --mode");
      mode = *parsed;
    } else if (arg == "--hold-ms") {
      if (!parse_number(value, 3'600'000, hold_ms)) return usage("bad --hold-ms");
    } else if (arg == "--retry-after") {
      retry_after = std::string(value);
    } else {
      return usage("unknown option");
    }
  }

  const sigset_t signals = rpmw::fakes::block_shutdown_signals();

  std::unique_ptr<rpmw::fakes::FakeLlmServer> server;
  try {
    server = std::make_unique<rpmw::fakes::FakeLlmServer>(static_cast<std::uint16_t>(port));
  } catch (const std::exception& e) {
    std::cerr << "fake_llm_server: cannot listen: " << e.what() << "\n";
    return 1;
  }
  server->set_mode(mode);
  if (hold_ms >= 0) server->set_hold(std::chrono::milliseconds(hold_ms));
  server->set_retry_after(retry_after);
  std::cout << "port=" << server->port() << std::endl;

  rpmw::fakes::wait_for_shutdown_signal(signals);
  server->stop();
  return 0;
}
