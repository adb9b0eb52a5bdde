#include "app/templates/catalog_loader.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <optional>
#include <sstream>

#include "app/policy/embedded_files.h"
#include "app/policy/policy_loader.h"

namespace rpmw::app {
namespace tpl = core::templates;
namespace {

std::optional<std::string> read_template_file(const std::string& dir, const std::string& name) {
  if (dir.empty()) {
    auto text = embedded_file("templates/" + name);
    if (!text) return std::nullopt;
    return std::string(*text);
  }
  std::ifstream in(dir + "/" + name, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Problems are collected, never thrown: a broken file yields every readable complaint at once.
class Errors {
 public:
  Errors(std::string file, std::vector<std::string>& out) : file_(std::move(file)), out_(out) {}
  void add(const std::string& message) { out_.push_back(file_ + ": " + message); }

  std::string scalar(const YAML::Node& node, const char* key, const std::string& where,
                     std::string fallback = {}) {
    const YAML::Node value = node[key];
    if (!value || value.IsNull()) return fallback;
    if (!value.IsScalar()) {
      add(where + ": '" + key + "' must be a string");
      return fallback;
    }
    return value.as<std::string>();
  }

  std::vector<std::string> list(const YAML::Node& node, const char* key, const std::string& where) {
    std::vector<std::string> out;
    const YAML::Node value = node[key];
    if (!value || value.IsNull()) return out;
    if (!value.IsSequence()) {
      add(where + ": '" + key + "' must be a list");
      return out;
    }
    for (const YAML::Node& item : value) {
      if (item.IsScalar()) {
        out.push_back(item.as<std::string>());
      } else {
        add(where + ": '" + key + "' entries must be strings");
      }
    }
    return out;
  }

 private:
  std::string file_;
  std::vector<std::string>& out_;
};

std::optional<YAML::Node> parse(Errors& errors, const std::optional<std::string>& text) {
  if (!text) {
    errors.add("file not found");
    return std::nullopt;
  }
  try {
    YAML::Node root = YAML::Load(*text);
    if (!root.IsMap()) {
      errors.add("expected a mapping at the top level");
      return std::nullopt;
    }
    return root;
  } catch (const YAML::Exception& e) {
    errors.add(std::string("invalid YAML: ") + e.what());
    return std::nullopt;
  }
}

void load_templates(Errors& errors, const YAML::Node& root, tpl::Catalog& catalog) {
  catalog.version = errors.scalar(root, "version", "catalog");
  if (catalog.version.empty()) errors.add("'version' is missing");
  const YAML::Node list = root["templates"];
  if (!list || !list.IsSequence()) {
    errors.add("'templates' must be a list");
    return;
  }
  for (const YAML::Node& t : list) {
    tpl::TemplateDef def;
    def.id = errors.scalar(t, "id", "template");
    const std::string where = "template " + (def.id.empty() ? std::string("(no id)") : def.id);
    if (def.id.empty()) errors.add(where + ": 'id' is missing");
    try {
      if (t["tier"]) def.tier = t["tier"].as<int>();
      if (t["enabled_by_default"]) def.enabled_by_default = t["enabled_by_default"].as<bool>();
      if (t["auto_close"]) def.auto_close = t["auto_close"].as<bool>();
    } catch (const YAML::Exception&) {
      errors.add(where + ": tier must be a number, enabled_by_default/auto_close booleans");
    }
    def.purpose = errors.scalar(t, "purpose", where);
    def.required_vars = errors.list(t, "required_vars", where);
    def.optional_vars = errors.list(t, "optional_vars", where);
    const YAML::Node variants = t["variants"];
    if (!variants || !variants.IsMap()) {
      errors.add(where + ": 'variants' must be a mapping (default, livechat, email)");
    } else {
      for (const auto& v : variants) {
        const std::string name = v.first.as<std::string>();
        if (!v.second.IsScalar()) {
          errors.add(where + ": variant '" + name + "' must be text");
          continue;
        }
        def.variants[name] = v.second.as<std::string>();
      }
    }
    catalog.templates.push_back(std::move(def));
  }
}

void load_brand(Errors& errors, const YAML::Node& root, tpl::Brand& brand) {
  brand.brand_name = errors.scalar(root, "brand_name", "brand");
  brand.support_signature = errors.scalar(root, "support_signature", "brand", "Customer Support");
  if (brand.support_signature.empty()) brand.support_signature = "Customer Support";
  brand.support_hours_text = errors.scalar(root, "support_hours_text", "brand");
  const YAML::Node links = root["links"];
  if (!links) return;
  if (!links.IsMap()) {
    errors.add("'links' must be a mapping");
    return;
  }
  const std::pair<const char*, std::string*> fields[] = {
      {"help_center_url", &brand.help_center_url}, {"order_status_url", &brand.order_status_url},
      {"returns_url", &brand.returns_url},         {"shipping_url", &brand.shipping_url},
      {"warranty_url", &brand.warranty_url},       {"privacy_url", &brand.privacy_url},
  };
  for (const auto& link : links) {
    const std::string key = link.first.as<std::string>();
    bool known = false;
    for (const auto& [name, target] : fields) {
      if (key == name) {
        *target = errors.scalar(links, name, "links");
        known = true;
      }
    }
    if (!known) errors.add("links: unknown link '" + key + "'");
  }
}

}  // namespace

CatalogLoad load_template_catalog(const std::string& templates_dir) {
  CatalogLoad load;
  const std::string dir = templates_dir.empty() ? "templates" : templates_dir;
  {
    Errors errors(dir + "/catalog.yaml", load.errors);
    if (auto root = parse(errors, read_template_file(templates_dir, "catalog.yaml"))) {
      try {
        load_templates(errors, *root, load.catalog);
      } catch (const YAML::Exception& e) {
        errors.add(std::string("unexpected shape: ") + e.what());
      }
    }
  }
  if (auto text = read_template_file(templates_dir, "brand.yaml")) {
    Errors errors(dir + "/brand.yaml", load.errors);
    if (auto root = parse(errors, text)) {
      try {
        load_brand(errors, *root, load.catalog.brand);
      } catch (const YAML::Exception& e) {
        errors.add(std::string("unexpected shape: ") + e.what());
      }
    }
  }
  return load;
}

std::vector<std::string> policy_template_ids(const core::policy::PolicySet& set) {
  std::vector<std::string> ids;
  for (const auto& intent : set.intents) {
    if (!intent.tier1_template.empty()) ids.push_back(intent.tier1_template);
    for (const std::string& id : intent.tier2_templates) ids.push_back(id);
  }
  for (const auto& t : set.templates) ids.push_back(t.id);
  return ids;
}

std::vector<std::string> lint_templates(const std::string& policies_dir,
                                        const std::string& templates_dir, size_t* template_count) {
  const PolicyLoad policies = load_policies(PolicySources{policies_dir, templates_dir});
  std::vector<std::string> problems = policies.errors;
  const CatalogLoad catalog = load_template_catalog(templates_dir);
  problems.insert(problems.end(), catalog.errors.begin(), catalog.errors.end());
  if (template_count) *template_count = catalog.catalog.templates.size();
  if (!problems.empty()) return problems;
  return core::templates::lint(catalog.catalog, policy_template_ids(policies.set));
}

}  // namespace rpmw::app
