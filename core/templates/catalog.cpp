#include "core/templates/catalog.h"

#include <algorithm>
#include <array>
#include <set>

#include "core/templates/mustache.h"

namespace rpmw::core::templates {
namespace {

constexpr std::array<std::string_view, 9> kBrandVariables = {
    "brand_name",  "support_signature", "support_hours_text", "help_center_url", "order_status_url",
    "returns_url", "shipping_url",      "warranty_url",       "privacy_url",
};

// Order facts only (spec/03): never customer text, addresses or payment data.
constexpr std::array<std::string_view, 11> kOrderVariables = {
    "first_name",
    "order_id",
    "order_status",
    "fulfillment_status",
    "tracking_url",
    "tracking_number",
    "tracking_company",
    "status_url",
    "shipping_bucket",
    "eta_remaining_human",
    "order_created_date_human",
};

constexpr std::array<std::string_view, 3> kVariantNames = {"default", "livechat", "email"};

template <size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

bool contains(const std::vector<std::string>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// True when the variant's last non-blank text is the signature variable.
bool ends_with_signature(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  std::string_view tail = "{{support_signature}}";
  return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

}  // namespace

std::map<std::string, std::string> Brand::vars() const {
  std::map<std::string, std::string> out;
  const std::pair<const char*, const std::string*> fields[] = {
      {"brand_name", &brand_name},
      {"support_signature", &support_signature},
      {"support_hours_text", &support_hours_text},
      {"help_center_url", &help_center_url},
      {"order_status_url", &order_status_url},
      {"returns_url", &returns_url},
      {"shipping_url", &shipping_url},
      {"warranty_url", &warranty_url},
      {"privacy_url", &privacy_url},
  };
  for (const auto& [name, value] : fields) {
    if (!value->empty()) out.emplace(name, *value);
  }
  return out;
}

const TemplateDef* Catalog::find(std::string_view id) const {
  for (const TemplateDef& def : templates) {
    if (def.id == id) return &def;
  }
  return nullptr;
}

bool is_brand_variable(std::string_view name) {
  return contains(kBrandVariables, name);
}

bool is_allowed_variable(std::string_view name) {
  return contains(kOrderVariables, name) || contains(kBrandVariables, name);
}

std::string choose_variant(const TemplateDef& def, std::string_view channel) {
  if ((channel == "email" || channel == "livechat") &&
      def.variants.count(std::string(channel)) > 0) {
    return std::string(channel);
  }
  return "default";
}

Result<RenderedReply> render(const TemplateDef& def, std::string_view channel,
                             const std::map<std::string, std::string>& vars, const Brand& brand) {
  for (const auto& [name, value] : vars) {
    if (!is_allowed_variable(name)) return fail(ErrorKind::invalid_input, "unknown_var:" + name);
  }
  // The caller's values win over brand constants (a tenant may pass its own signature).
  std::map<std::string, std::string> all = brand.vars();
  for (const auto& [name, value] : vars) all[name] = value;
  for (const std::string& name : def.required_vars) {
    auto it = all.find(name);
    if (it == all.end() || strip_control_chars(it->second).empty()) {
      return fail(ErrorKind::invalid_input, "missing_required_var:" + name);
    }
  }
  const std::string variant = choose_variant(def, channel);
  auto text = def.variants.find(variant);
  if (text == def.variants.end()) return fail(ErrorKind::invalid_input, "no_variant");
  auto nodes = parse_mustache(text->second);
  if (!nodes) return tl::unexpected(nodes.error());
  for (const std::string& name : referenced_variables(*nodes)) {
    if (!is_allowed_variable(name)) {
      return fail(ErrorKind::invalid_input, "template_error:unknown_var:" + name);
    }
  }
  return RenderedReply{tidy_text(render_mustache(*nodes, all)), variant};
}

std::vector<std::string> lint(const Catalog& catalog, const std::vector<std::string>& policy_ids) {
  std::vector<std::string> problems;
  std::set<std::string> seen;
  for (const TemplateDef& def : catalog.templates) {
    const std::string where = def.id.empty() ? std::string("(template without id)") : def.id;
    if (!seen.insert(def.id).second) problems.push_back(where + ": duplicate id");
    if (def.variants.count("default") == 0) problems.push_back(where + ": no default variant");
    for (const auto* list : {&def.required_vars, &def.optional_vars}) {
      for (const std::string& name : *list) {
        if (!is_allowed_variable(name)) {
          problems.push_back(where + ": declares unknown variable '" + name + "'");
        }
      }
    }
    for (const auto& [variant, text] : def.variants) {
      const std::string at = where + " (" + variant + ")";
      if (!contains(kVariantNames, variant)) {
        problems.push_back(at + ": unknown variant (default, livechat or email)");
      }
      auto nodes = parse_mustache(text);
      if (!nodes) {
        problems.push_back(at + ": " + nodes.error().code);
        continue;
      }
      const std::vector<std::string> used = referenced_variables(*nodes);
      for (const std::string& name : used) {
        if (!is_allowed_variable(name)) {
          problems.push_back(at + ": unknown variable '" + name + "'");
        } else if (!is_brand_variable(name) && !contains(def.required_vars, name) &&
                   !contains(def.optional_vars, name)) {
          problems.push_back(at + ": variable '" + name + "' is not declared");
        }
      }
      for (const std::string& name : def.required_vars) {
        if (!contains(used, name)) {
          problems.push_back(at + ": required variable '" + name + "' is not referenced");
        }
      }
      if (variant == "email" && !ends_with_signature(text)) {
        problems.push_back(at + ": email variant must end with {{support_signature}}");
      }
    }
  }
  std::set<std::string> reported;
  for (const std::string& id : policy_ids) {
    if (catalog.find(id) == nullptr && reported.insert(id).second) {
      problems.push_back(id + ": used by the policy but missing from the catalog");
    }
  }
  return problems;
}

}  // namespace rpmw::core::templates
