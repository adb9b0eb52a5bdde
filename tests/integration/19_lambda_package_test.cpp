// The Lambda zip is self-contained: unzipped into an empty directory and run under chroot (no
// host library, no /bin/sh, no /etc) against the fake Runtime API, both handlers answer. Runs as
// its own CTest entry (lambda_package) after the packager (lambda_zip); needs root for chroot.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "tests/integration/helpers.h"
#include "tests/integration/lambda_helpers.h"

namespace rpmw::itest {
namespace {

constexpr const char* kTaskRoot = "/var/task";

// The bootstrap's exec line as argv, with $LAMBDA_TASK_ROOT substituted: exactly what Lambda
// would run (the chroot has no shell to run the script itself).
std::vector<std::string> bootstrap_argv(const std::filesystem::path& bootstrap) {
  const std::string text = read_file(bootstrap);
  REQUIRE(text.rfind("#!/bin/sh\n", 0) == 0);
  const auto at = text.find("\nexec ");
  REQUIRE(at != std::string::npos);
  std::string line = text.substr(at + 6, text.find('\n', at + 1) - at - 6);
  std::vector<std::string> argv;
  std::istringstream words(line);
  for (std::string word; words >> word;) {
    std::erase(word, '"');
    if (word.rfind("$LAMBDA_TASK_ROOT", 0) == 0) word = kTaskRoot + word.substr(17);
    argv.push_back(word);
  }
  return argv;
}

struct Sandbox {
  Sandbox() : dir("lambda-chroot"), root(dir / "root") {
    const char* zip = std::getenv("RPMW_LAMBDA_ZIP");
    REQUIRE_MESSAGE(zip != nullptr, "RPMW_LAMBDA_ZIP is not set (ctest -R lambda_package)");
    REQUIRE_MESSAGE(::geteuid() == 0, "chroot needs root");
    std::filesystem::create_directories(root / "var" / "task");
    std::filesystem::create_directories(root / "tmp");
    const std::string unzip =
        "unzip -q '" + std::string(zip) + "' -d '" + (root / "var" / "task").string() + "'";
    REQUIRE(std::system(unzip.c_str()) == 0);
  }
  std::filesystem::path task() const { return root / "var" / "task"; }

  // Runs the bootstrap's command inside the chroot: the loader and libraries of the zip only.
  std::unique_ptr<Process> start(const std::string& handler, const std::string& api,
                                 const std::map<std::string, std::string>& env) {
    std::vector<std::string> args = {root.string()};
    for (std::string& a : bootstrap_argv(task() / "bootstrap")) args.push_back(std::move(a));
    std::map<std::string, std::string> full = env;
    full["LAMBDA_TASK_ROOT"] = kTaskRoot;
    return start_lambda(handler, api, "chroot-" + handler, full, "/usr/sbin/chroot", args);
  }

  TempDir dir;
  std::filesystem::path root;
};

Headers token_headers(const std::string& token = kWebhookToken) {
  return {{"Content-Type", "application/json"}, {"X-Middleware-Token", token}};
}

}  // namespace

TEST_SUITE("lambda-package") {
  TEST_CASE("lambda zip: layout") {
    Sandbox box;
    namespace fs = std::filesystem;
    for (const char* file : {"bootstrap", "bin/rpmw", "lib/ld-linux-x86-64.so.2", "lib/libc.so.6",
                             "lib/libstdc++.so.6", "lib/libcurl.so.4", "certs/ca-bundle.pem"}) {
      CAPTURE(file);
      CHECK(fs::is_regular_file(box.task() / file));
    }
    const auto perms = fs::status(box.task() / "bootstrap").permissions();
    CHECK((perms & fs::perms::owner_exec) != fs::perms::none);
    CHECK(bootstrap_argv(box.task() / "bootstrap") ==
          std::vector<std::string>{"/var/task/lib/ld-linux-x86-64.so.2", "--library-path",
                                   "/var/task/lib", "/var/task/bin/rpmw", "lambda"});
    CHECK(read_file(box.task() / "certs" / "ca-bundle.pem").find("BEGIN CERTIFICATE") !=
          std::string::npos);
  }

  TEST_CASE("lambda zip: ingress handler in a chroot with no host libraries") {
    Sandbox box;
    FakeLambdaRuntimeProcess api(box.dir);
    // No RPMW_DATA_DIR: on Lambda the local profile defaults to /tmp/rpmw.
    auto rpmw = box.start("ingress", api.address(), {{"RPMW_WEBHOOK_TOKENS", kWebhookToken}});
    const json::object accepted = apigw_response(api.outcome(api.invoke(apigw_event(
        "POST", "/webhooks/richpanel", token_headers(), webhook_body("chroot-t-1"), true))));
    CHECK(accepted.at("statusCode").as_int64() == 202);
    const json::object denied = apigw_response(api.outcome(api.invoke(
        apigw_event("POST", "/webhooks/richpanel", token_headers("bad-token-0000000000"), "{}"))));
    CHECK(denied.at("statusCode").as_int64() == 401);
    SqliteReader db(box.root / "tmp" / "rpmw" / "rpmw.sqlite3");
    CHECK(db.scalar("SELECT count(*) FROM queue_messages") == 1);
    CHECK(rpmw->running());
  }

  TEST_CASE("lambda zip: worker handler in a chroot with the local profile under /tmp") {
    Sandbox box;
    FakeLambdaRuntimeProcess api(box.dir);
    auto rpmw = box.start("worker", api.address(), {{"RPMW_DATA_DIR", "/tmp/rpmw-worker"}});
    const json::object outcome = api.outcome(
        api.invoke(sqs_event({{"c1", "cw-a", envelope("cw-a", "<c-1@mail>", "Where is my parcel?")},
                              {"c2", "cw-b", "{}"}}),
                   60000));
    CHECK(failed_items(outcome) == std::vector<std::string>{"c2"});
    SqliteReader db(box.root / "tmp" / "rpmw-worker" / "rpmw.sqlite3");
    CHECK(db.scalar("SELECT count(*) FROM state_decisions") == 1);
    CHECK(rpmw->running());
  }

  TEST_CASE("lambda zip: the bootstrap script itself starts the runtime") {
    Sandbox box;
    FakeLambdaRuntimeProcess api(box.dir);
    // Outside the chroot (it needs /bin/sh); the loader still loads the zip's libraries only.
    const std::string task = box.task().string();
    auto rpmw = start_lambda("ingress", api.address(), "bootstrap",
                             {{"LAMBDA_TASK_ROOT", task},
                              {"RPMW_DATA_DIR", (box.dir / "data").string()},
                              {"RPMW_WEBHOOK_TOKENS", kWebhookToken}},
                             task + "/bootstrap", {});
    const json::object accepted = apigw_response(api.outcome(api.invoke(
        apigw_event("POST", "/webhooks/richpanel", token_headers(), webhook_body("boot-t-1")))));
    CHECK(accepted.at("statusCode").as_int64() == 202);
    const std::string maps = read_file("/proc/" + std::to_string(rpmw->pid()) + "/maps");
    CHECK(maps.find(task + "/lib/libc.so.6") != std::string::npos);
    CHECK(maps.find("/lib/x86_64-linux-gnu/libc.so.6") == std::string::npos);
  }
}

}  // namespace rpmw::itest
