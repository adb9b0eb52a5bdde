// The fake Richpanel server as a process, for process-level tests:
//   fake_richpanel_server [--port N] [--key KEY]
// Prints "port=<n>" once listening; stops on SIGTERM or SIGINT. Fixtures and the call log go
// through the control API: POST /_control/tickets (a ticket object), GET /_control/calls,
// POST /_control/faults {"fault":"server_error|rate_limited|delay|none","count","status",
// "delay_ms"}.
#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include "tests/fakes/fake_http_server.h"
#include "tests/fakes/fake_richpanel_server.h"

namespace {

int usage(const char* why) {
  std::cerr << "fake_richpanel_server: " << why
            << "\nusage: fake_richpanel_server [--port N] [--key KEY]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  long port = 0;
  std::string key = rpmw::fakes::FakeRichpanelServer::kDefaultKey;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) return usage("missing value");
    const std::string value = argv[++i];
    if (arg == "--port") {
      char* end = nullptr;
      port = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || port < 0 || port > 65535) return usage("bad --port");
    } else if (arg == "--key") {
      key = value;
    } else {
      return usage("unknown option");
    }
  }

  const sigset_t signals = rpmw::fakes::block_shutdown_signals();

  std::unique_ptr<rpmw::fakes::FakeRichpanelServer> server;
  try {
    server =
        std::make_unique<rpmw::fakes::FakeRichpanelServer>(key, static_cast<std::uint16_t>(port));
  } catch (const std::exception& e) {
    std::cerr << "fake_richpanel_server: cannot listen: " << e.what() << "\n";
    return 1;
  }
  std::cout << "port=" << server->port() << std::endl;

  rpmw::fakes::wait_for_shutdown_signal(signals);
  server->stop();
  return 0;
}
