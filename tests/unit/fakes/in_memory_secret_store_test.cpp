#include "tests/fakes/in_memory_secret_store.h"

#include <doctest/doctest.h>

TEST_CASE("fakes: InMemorySecretStore returns stored secrets and not_found otherwise") {
  rpmw::fakes::InMemorySecretStore secrets(
      std::map<std::string, std::string>{{"richpanel_api_key", "k1"}});
  CHECK(secrets.get("richpanel_api_key").value() == "k1");
  secrets.put("richpanel_api_key", "k2");
  CHECK(secrets.get("richpanel_api_key").value() == "k2");

  secrets.erase("richpanel_api_key");
  const auto missing = secrets.get("richpanel_api_key");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().kind == rpmw::core::ErrorKind::not_found);
  CHECK(missing.error().code == "secret_not_found");
}
