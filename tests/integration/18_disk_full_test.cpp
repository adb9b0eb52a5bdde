// A real full disk under the SQLite file (spec/06 faults): rpmw runs in a private mount namespace
// with its data dir on a 1 MiB tmpfs, and webhooks with large bodies fill it. Every answer must
// be a 202 (stored) or a 503 with Retry-After and a JSON error; never a 202 for an event that was
// not stored, never a crash. Needs root (unshare + mount); skipped otherwise. The recovery after
// space frees up is covered by `make faults` (bench/soak, run disk_full).
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>

#include "tests/integration/helpers.h"

namespace rpmw::itest {
namespace {

// A port that was free a moment ago (the server must know it up front: its listen.addr file is
// inside the private tmpfs, out of our sight).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

TEST_CASE("disk full: a webhook that cannot be stored gets 503 with Retry-After, never a 202") {
  if (::geteuid() != 0 || ::access("/usr/bin/unshare", X_OK) != 0) {
    MESSAGE("skipped: needs root and /usr/bin/unshare for a private tmpfs");
    return;
  }
  TempDir dir("rpmw-disk-full");
  const std::filesystem::path data = dir / "data";
  std::filesystem::create_directories(data);
  const std::string base = "http://127.0.0.1:" + std::to_string(free_port());
  ProcessOptions po;
  po.program = "/usr/bin/unshare";
  po.args = {
      "-m",      "--propagation",
      "private", "/bin/sh",
      "-c",      "mount -t tmpfs -o size=1m tmpfs \"$RPMW_DATA_DIR\" && exec \"$SERVE_BIN\" serve"};
  po.env = {{"SERVE_BIN", RpmwServer::binary()},
            {"RPMW_DATA_DIR", data.string()},
            {"RPMW_LISTEN", base.substr(7)},
            {"RPMW_WEBHOOK_TOKENS", kWebhookToken},
            {"RPMW_WORKERS", "0"}};
  po.stdout_path = dir / "rpmw.stdout.log";
  po.stderr_path = dir / "rpmw.stderr.log";
  Process server(po);
  HttpClient client;
  REQUIRE_MESSAGE(poll_until(deadline_in(std::chrono::seconds(20)),
                             [&] { return client.get(base + "/healthz").status == 200; }),
                  read_file(po.stderr_path));

  const std::string filler(16 * 1024, 'a');
  std::set<long> statuses;
  HttpResponse full;
  int accepted = 0;
  for (int i = 0; i < 400 && full.status == 0; ++i) {
    const HttpResponse r =
        client.request("POST", base + "/webhooks/richpanel", webhook_headers(),
                       webhook_body("full-" + std::to_string(i), "m-" + std::to_string(i),
                                    json::object{{"customer_message", filler}}));
    statuses.insert(r.status);
    if (r.status == 202) ++accepted;
    if (r.status == 503) full = r;
  }
  CHECK(accepted > 0);  // the first ones fit
  REQUIRE(full.status == 503);
  CHECK(statuses == std::set<long>{202, 503});
  CHECK_FALSE(full.header("retry-after").empty());
  const json::object body = parse_object(full.body);
  CHECK(body.at("error").as_string() == "enqueue_failed");
  CHECK(body.contains("detail"));
  // Still up and answering while the disk stays full.
  CHECK(server.running());
  CHECK(client.get(base + "/healthz").status == 200);
  const std::string log = read_file(po.stdout_path);
  CHECK(log.find("\"result\":\"sqlite_full\"") != std::string::npos);
  CHECK(server.stop() == 0);
}

}  // namespace rpmw::itest
