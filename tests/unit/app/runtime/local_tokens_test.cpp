#include "app/runtime/local_tokens.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/fakes/fake_clock.h"
#include "tests/unit/app/unit_temp_dir.h"

using rpmw::app::resolve_local_tokens;
using rpmw::app::write_file_atomically;
using rpmw::fakes::SeededRandom;
using rpmw::unit::UnitTempDir;

namespace {

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool is_hex64(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

TEST_CASE("app/runtime: generated tokens are persisted with mode 0600 and reused") {
  UnitTempDir dir;
  SeededRandom random(1);
  auto first = resolve_local_tokens({}, "", dir.path(), random);
  REQUIRE(first.has_value());
  REQUIRE(first->webhook_tokens.size() == 1);
  const std::string webhook = first->webhook_tokens.front();
  CHECK(is_hex64(webhook));
  CHECK(is_hex64(first->admin_token));
  CHECK(webhook != first->admin_token);
  CHECK(first->webhook_generated_now);
  CHECK(first->webhook_token_file == dir.path() + "/secrets/webhook_token");

  const std::string secrets = dir.path() + "/secrets";
  CHECK(mode_of(secrets) == 0700);
  CHECK(mode_of(secrets + "/webhook_token") == 0600);
  CHECK(mode_of(secrets + "/admin_token") == 0600);
  CHECK(read_all(secrets + "/webhook_token") == webhook + "\n");
  CHECK(read_all(secrets + "/admin_token") == first->admin_token + "\n");
  CHECK_FALSE(std::filesystem::exists(secrets + "/webhook_token.tmp"));

  // Another start (another random stream) finds the same tokens.
  SeededRandom other(2);
  auto second = resolve_local_tokens({}, "", dir.path(), other);
  REQUIRE(second.has_value());
  CHECK(second->webhook_tokens == first->webhook_tokens);
  CHECK(second->admin_token == first->admin_token);
  CHECK_FALSE(second->webhook_generated_now);
}

TEST_CASE("app/runtime: configured tokens win and nothing is written") {
  UnitTempDir dir;
  SeededRandom random(1);
  const std::vector<std::string> configured = {"configured-token-0001", "configured-token-0002"};
  auto resolved = resolve_local_tokens(configured, "configured-admin-0001", dir.path(), random);
  REQUIRE(resolved.has_value());
  CHECK(resolved->webhook_tokens == configured);
  CHECK(resolved->admin_token == "configured-admin-0001");
  CHECK_FALSE(resolved->webhook_generated_now);
  CHECK(resolved->webhook_token_file.empty());
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/secrets"));
}

TEST_CASE("app/runtime: configured webhook tokens win even over a stored one") {
  UnitTempDir dir;
  SeededRandom random(1);
  REQUIRE(resolve_local_tokens({}, "", dir.path(), random).has_value());
  auto resolved = resolve_local_tokens({"configured-token-0001"}, "", dir.path(), random);
  REQUIRE(resolved.has_value());
  CHECK(resolved->webhook_tokens == std::vector<std::string>{"configured-token-0001"});
  CHECK(is_hex64(resolved->admin_token));  // still generated: only the webhook one is configured
}

TEST_CASE("app/runtime: a too-short stored token is replaced") {
  UnitTempDir dir;
  std::filesystem::create_directories(dir.path() + "/secrets");
  dir.file("secrets/webhook_token", "short\n");
  SeededRandom random(1);
  auto resolved = resolve_local_tokens({}, "", dir.path(), random);
  REQUIRE(resolved.has_value());
  CHECK(is_hex64(resolved->webhook_tokens.front()));
  CHECK(resolved->webhook_generated_now);
  CHECK(read_all(dir.path() + "/secrets/webhook_token") == resolved->webhook_tokens.front() + "\n");
}

TEST_CASE("app/runtime: an unwritable data dir is an error value") {
  UnitTempDir dir;
  SeededRandom random(1);
  SUBCASE("data dir is a file") {
    const std::string file = dir.file("not-a-dir", "x");
    auto resolved = resolve_local_tokens({}, "", file, random);
    REQUIRE_FALSE(resolved.has_value());
    CHECK(resolved.error().kind == rpmw::core::ErrorKind::unavailable);
    CHECK(resolved.error().code == "secrets_dir_unwritable");
  }
  SUBCASE("token file cannot be created") {
    // A directory where the temp file must go: open() fails even for root.
    std::filesystem::create_directories(dir.path() + "/secrets/webhook_token.tmp");
    auto resolved = resolve_local_tokens({}, "", dir.path(), random);
    REQUIRE_FALSE(resolved.has_value());
    CHECK(resolved.error().kind == rpmw::core::ErrorKind::unavailable);
    CHECK(resolved.error().code == "token_file_unwritable");
  }
}

TEST_CASE("app/runtime: write_file_atomically replaces the file with the given mode") {
  UnitTempDir dir;
  const std::string path = dir.path() + "/f";
  REQUIRE(write_file_atomically(path, "one", 0600));
  CHECK(read_all(path) == "one");
  CHECK(mode_of(path) == 0600);
  REQUIRE(write_file_atomically(path, "two", 0600));
  CHECK(read_all(path) == "two");
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
  CHECK_FALSE(write_file_atomically(dir.path() + "/missing/f", "x", 0600));
}
