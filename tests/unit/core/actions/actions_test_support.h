#pragma once
// Shared by the action-layer tests: the embedded template catalog and a membership check.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "app/templates/catalog_loader.h"

namespace rpmw::actions_test {

inline const core::templates::Catalog& catalog() {
  static const app::CatalogLoad load = app::load_template_catalog("");
  REQUIRE(load.ok());
  return load.catalog;
}

inline bool has(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

}  // namespace rpmw::actions_test
