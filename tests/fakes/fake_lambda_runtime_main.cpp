// The fake Lambda Runtime API as a process, for process-level tests and the Lambda benchmark:
//   fake_lambda_runtime [--port N] [--events FILE]
// Prints "port=<n>" once listening; stops on SIGTERM or SIGINT. --events queues one invocation per
// non-empty line of FILE (JSON events) before serving. Control API: see fake_lambda_runtime.h
// (queue invocations, read outcomes and the init error).
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include "tests/fakes/fake_http_server.h"
#include "tests/fakes/fake_lambda_runtime.h"

int main(int argc, char** argv) {
  long port = 0;
  std::string events;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--events" && i + 1 < argc) {
      events = argv[++i];
    } else if (arg == "--port" && i + 1 < argc) {
      char* end = nullptr;
      port = std::strtol(argv[++i], &end, 10);
      if (*end != '\0' || port < 0 || port > 65535) port = -1;
    } else {
      port = -1;
    }
    if (port < 0) {
      std::cerr << "usage: fake_lambda_runtime [--port N] [--events FILE]\n";
      return 2;
    }
  }
  const sigset_t signals = rpmw::fakes::block_shutdown_signals();
  std::unique_ptr<rpmw::fakes::FakeLambdaRuntime> runtime;
  try {
    runtime = std::make_unique<rpmw::fakes::FakeLambdaRuntime>(static_cast<std::uint16_t>(port));
  } catch (const std::exception& e) {
    std::cerr << "fake_lambda_runtime: " << e.what() << "\n";
    return 1;
  }
  if (!events.empty()) {
    std::ifstream in(events);
    if (!in) {
      std::cerr << "fake_lambda_runtime: cannot read " << events << "\n";
      return 1;
    }
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) runtime->enqueue(line);
    }
  }
  std::cout << "port=" << runtime->port() << std::endl;
  rpmw::fakes::wait_for_shutdown_signal(signals);
  runtime->stop();
  return 0;
}
