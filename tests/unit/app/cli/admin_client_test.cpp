// Helpers of the admin CLI: URL encoding, table layout, token lookup.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/cli/admin_client.h"
#include "app/cli/table.h"
#include "tests/unit/app/unit_temp_dir.h"

TEST_CASE("app/cli: url_encode keeps unreserved characters and escapes the rest") {
  CHECK(rpmw::app::url_encode("evt_01J-a.b~") == "evt_01J-a.b~");
  CHECK(rpmw::app::url_encode("a b/c?&=") == "a%20b%2Fc%3F%26%3D");
}

TEST_CASE("app/cli: a table aligns columns to their widest cell") {
  rpmw::app::Table table({"A", "LONGER"});
  table.add({"wide cell", "x"});
  std::ostringstream out;
  table.print(out);
  CHECK(out.str() == "A          LONGER\nwide cell  x\n");
}

TEST_CASE("app/cli: the admin token comes from --token, then config, then the secrets file") {
  rpmw::app::Config config;
  CHECK(rpmw::app::resolve_admin_token("given-token", config) == "given-token");
  config.admin_token = "configured-token";
  CHECK(rpmw::app::resolve_admin_token("", config) == "configured-token");
  config.admin_token.clear();
  rpmw::unit::UnitTempDir dir;
  config.data_dir = dir.path();
  CHECK(rpmw::app::resolve_admin_token("", config).empty());
  std::filesystem::create_directories(dir.path() + "/secrets");
  dir.file("secrets/admin_token", "file-token-0123456789\n");
  CHECK(rpmw::app::resolve_admin_token("", config) == "file-token-0123456789");
}
