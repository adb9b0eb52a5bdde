// The fake Richpanel server as a process, for process-level tests:
//   fake_richpanel_server [--port N] [--key KEY] [--extra-user ID[:NAME]]
// Prints "port=<n>" once listening; stops on SIGTERM or SIGINT. /v1/users lists the bot agent
// "fake-operator" (and the extra user). Control API (no key; never recorded, faulted or rate
// limited; answers 200 {} unless noted, 400 {"message"} on a bad body, 404 on unknown paths):
//   POST /_control/tickets     a ticket object, bare or under "ticket" (replaces one by id)
//   GET  /_control/tickets/ID  {"ticket":{…}} as stored now (tags, comments, status); ID
//                              percent-encoded like the REST paths
//   POST /_control/orders      {"ticket_id","order":{…orderId…},"app_client_id"} links an order
//                              (app_client_id defaults to "shopify-app-1")
//   POST /_control/tags        {"names":[…]} preloads tags → {"added":N,"total":N}
//   POST /_control/faults      {"fault":"server_error|rate_limited|delay|none","count","status",
//                              "delay_ms","match","after_apply"}: the next `count` REST calls
//                              (only those whose "METHOD /decoded/path" equals `match` when
//                              given; `after_apply`: a server_error after the call did its work)
//   POST /_control/rate_limit  {"limit":N (0: off),"window_ms","retry_after":true|false,
//                              "retry_after_seconds"} (without retry_after_seconds the 429s
//                              say how long the window has left)
//   POST /_control/reset       clears the call log, faults and the rate limit; fixtures stay
//   GET  /_control/calls       [{"method","path" (decoded),"target","body","status",
//                              "delivered"}] oldest first
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
            << "\nusage: fake_richpanel_server [--port N] [--key KEY] [--extra-user ID[:NAME]]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  long port = 0;
  std::string key = rpmw::fakes::FakeRichpanelServer::kDefaultKey;
  std::string extra_user;
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
    } else if (arg == "--extra-user") {
      if (value.empty()) return usage("bad --extra-user");
      extra_user = value;
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
  if (!extra_user.empty()) {
    const auto colon = extra_user.find(':');
    server->set_extra_user(extra_user.substr(0, colon), colon == std::string::npos
                                                            ? "Extra User"
                                                            : extra_user.substr(colon + 1));
  }
  std::cout << "port=" << server->port() << std::endl;

  rpmw::fakes::wait_for_shutdown_signal(signals);
  server->stop();
  return 0;
}
