#include <doctest/doctest.h>

#include <filesystem>

#include "app/templates/catalog_loader.h"
#include "tests/unit/app/unit_temp_dir.h"

using rpmw::app::lint_templates;
using rpmw::app::load_template_catalog;
using rpmw::unit::UnitTempDir;

namespace {

bool has(const std::vector<std::string>& lines, const std::string& needle) {
  for (const auto& l : lines) {
    if (l.find(needle) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("core/templates: a templates_dir override is loaded with its brand constants") {
  UnitTempDir dir;
  dir.file(
      "catalog.yaml",
      "version: v-test\n"
      "templates:\n"
      "  - id: t_a\n"
      "    tier: 2\n"
      "    auto_close: true\n"
      "    required_vars: [order_id]\n"
      "    variants:\n"
      "      default: \"Order {{order_id}}{{#returns_url}} {{returns_url}}{{/returns_url}}\"\n");
  dir.file("brand.yaml",
           "brand_name: Acme\nsupport_signature: \"\"\nlinks:\n  returns_url: https://r.test\n");
  const auto load = load_template_catalog(dir.path());
  REQUIRE(load.ok());
  CHECK(load.catalog.version == "v-test");
  REQUIRE(load.catalog.templates.size() == 1);
  const auto& t = load.catalog.templates[0];
  CHECK(t.tier == 2);
  CHECK(t.auto_close);
  CHECK(t.enabled_by_default);
  CHECK(load.catalog.brand.brand_name == "Acme");
  CHECK(load.catalog.brand.support_signature == "Customer Support");  // empty keeps the default
  auto reply = rpmw::core::templates::render(t, "email", {{"order_id", "#7"}}, load.catalog.brand);
  REQUIRE(reply);
  CHECK(reply->text == "Order #7 https://r.test");
}

TEST_CASE("core/templates: loader errors are readable and name the file") {
  UnitTempDir dir;
  SUBCASE("missing catalog") {
    const auto load = load_template_catalog(dir.path());
    CHECK(has(load.errors, dir.path() + "/catalog.yaml: file not found"));
  }
  SUBCASE("invalid YAML") {
    dir.file("catalog.yaml", "version: [\n");
    CHECK(has(load_template_catalog(dir.path()).errors, "catalog.yaml: invalid YAML"));
  }
  SUBCASE("bad shapes") {
    dir.file("catalog.yaml",
             "version: v\ntemplates:\n  - id: t_a\n    tier: high\n    variants: nope\n"
             "  - tier: 1\n    variants: {default: x}\n    required_vars: order_id\n");
    dir.file("brand.yaml", "links:\n  blog_url: https://b.test\n");
    const auto errors = load_template_catalog(dir.path()).errors;
    CHECK(has(errors, "template t_a: tier must be a number"));
    CHECK(has(errors, "template t_a: 'variants' must be a mapping"));
    CHECK(has(errors, "template (no id): 'id' is missing"));
    CHECK(has(errors, "'required_vars' must be a list"));
    CHECK(has(errors, "brand.yaml: links: unknown link 'blog_url'"));
  }
}

TEST_CASE("core/templates: lint_templates reports a policy id missing from an override") {
  UnitTempDir dir;
  dir.file("catalog.yaml",
           "version: v\ntemplates:\n  - id: t_unknown_ack\n    variants: {default: Thanks.}\n");
  const auto problems = lint_templates("", dir.path());
  CHECK(has(problems, "t_order_status_verified"));
}
