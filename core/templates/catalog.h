#pragma once
// The reply-template catalog as typed values (templates/catalog.yaml + templates/brand.yaml) and
// the safe renderer. Pure: the app loads the YAML, the core only reads it. Immutable after load.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"

namespace rpmw::core::templates {

struct TemplateDef {
  std::string id;
  int tier = 1;
  bool enabled_by_default = true;
  bool auto_close = false;
  std::string purpose;
  std::vector<std::string> required_vars;
  std::vector<std::string> optional_vars;
  std::map<std::string, std::string> variants;  // "default" (always), "livechat", "email"
};

// Brand constants; an empty value means "not set", so `{{#returns_url}}` blocks vanish.
struct Brand {
  std::string brand_name;
  std::string support_signature = "Customer Support";
  std::string support_hours_text;
  std::string help_center_url;
  std::string order_status_url;
  std::string returns_url;
  std::string shipping_url;
  std::string warranty_url;
  std::string privacy_url;

  // The set constants as template variables (empty ones left out).
  std::map<std::string, std::string> vars() const;
};

struct Catalog {
  std::string version;
  std::vector<TemplateDef> templates;
  Brand brand;

  const TemplateDef* find(std::string_view id) const;
};

struct RenderedReply {
  std::string text;
  std::string variant;  // the variant used: "email", "livechat" or "default"
};

// Every variable a template may reference or a caller may pass. Deliberately closed: customer
// text, addresses and payment data can never reach a reply through a variable.
bool is_allowed_variable(std::string_view name);
// The variables the brand supplies (brand_name, support_signature, … policy links).
bool is_brand_variable(std::string_view name);

// The variant for a channel: the channel's own ("email", "livechat") when present, else default.
std::string choose_variant(const TemplateDef& def, std::string_view channel);

// Renders the channel's variant. Errors (kind invalid_input, code):
//   unknown_var:<name>          an input variable outside the allow-list
//   missing_required_var:<name> a required variable missing or empty (the caller downgrades)
//   no_variant, template_error:<detail>  a broken template (lint catches these first)
Result<RenderedReply> render(const TemplateDef& def, std::string_view channel,
                             const std::map<std::string, std::string>& vars, const Brand& brand);

// One readable line per problem; empty when the catalog is sound. `policy_ids` are the template
// ids the policy can choose (every one must exist in the catalog).
std::vector<std::string> lint(const Catalog& catalog, const std::vector<std::string>& policy_ids);

}  // namespace rpmw::core::templates
