#include <doctest/doctest.h>

#include <algorithm>

#include "app/policy/policy_loader.h"
#include "app/templates/catalog_loader.h"
#include "core/templates/catalog.h"

using rpmw::core::templates::Catalog;
using rpmw::core::templates::lint;
using rpmw::core::templates::TemplateDef;

namespace {

TemplateDef def(std::string id, std::map<std::string, std::string> variants,
                std::vector<std::string> required = {}) {
  TemplateDef t;
  t.id = std::move(id);
  t.required_vars = std::move(required);
  t.optional_vars = {"first_name"};
  t.variants = std::move(variants);
  return t;
}

bool has(const std::vector<std::string>& problems, const std::string& needle) {
  return std::any_of(problems.begin(), problems.end(),
                     [&](const std::string& p) { return p.find(needle) != std::string::npos; });
}

}  // namespace

TEST_CASE("core/templates: lint accepts a sound catalog") {
  Catalog c;
  c.templates.push_back(
      def("t_a",
          {{"default", "{{#first_name}}Hi {{first_name}}{{/first_name}} {{order_id}}"},
           {"email", "{{order_id}}\n\n{{support_signature}}\n"}},
          {"order_id"}));
  CHECK(lint(c, {"t_a"}).empty());
}

TEST_CASE("core/templates: lint reports every kind of problem") {
  Catalog c;
  c.templates.push_back(def("t_dup", {{"default", "x"}}));
  c.templates.push_back(def("t_dup", {{"default", "x"}}));
  c.templates.push_back(def("t_no_default", {{"email", "x {{support_signature}}"}}));
  c.templates.push_back(def("t_unbalanced", {{"default", "{{#first_name}}x"}}));
  c.templates.push_back(def("t_unknown", {{"default", "{{customer_text}}"}}));
  c.templates.push_back(def("t_undeclared", {{"default", "{{tracking_url}}"}}));
  c.templates.push_back(
      def("t_required", {{"default", "{{order_id}}"}, {"livechat", "no id"}}, {"order_id"}));
  c.templates.push_back(def("t_sig", {{"default", "x"}, {"email", "no signature"}}));
  c.templates.push_back(def("t_variant", {{"default", "x"}, {"sms", "x"}}));
  TemplateDef bad_decl = def("t_decl", {{"default", "x"}});
  bad_decl.optional_vars.push_back("email_address");
  c.templates.push_back(bad_decl);
  const auto problems = lint(c, {"t_dup", "t_missing"});
  CHECK(has(problems, "t_dup: duplicate id"));
  CHECK(has(problems, "t_no_default: no default variant"));
  CHECK(has(problems, "t_unbalanced (default): template_error:unclosed_block:first_name"));
  CHECK(has(problems, "t_unknown (default): unknown variable 'customer_text'"));
  CHECK(has(problems, "t_undeclared (default): variable 'tracking_url' is not declared"));
  CHECK(has(problems, "t_required (livechat): required variable 'order_id' is not referenced"));
  CHECK_FALSE(has(problems, "t_required (default)"));
  CHECK(has(problems, "t_sig (email): email variant must end with {{support_signature}}"));
  CHECK(has(problems, "t_variant (sms): unknown variant"));
  CHECK(has(problems, "t_decl: declares unknown variable 'email_address'"));
  CHECK(has(problems, "t_missing: used by the policy but missing from the catalog"));
  CHECK(problems.size() == 10);
}

TEST_CASE("core/templates: the embedded catalog lints clean against the embedded policy") {
  const auto policies = rpmw::app::load_policies({});
  REQUIRE(policies.ok());
  const auto load = rpmw::app::load_template_catalog("");
  REQUIRE(load.ok());
  CHECK(load.catalog.templates.size() == policies.set.templates.size());
  CHECK(load.catalog.brand.support_signature == "Customer Support");
  const auto problems = lint(load.catalog, rpmw::app::policy_template_ids(policies.set));
  for (const auto& p : problems) INFO(p);
  CHECK(problems.empty());
  CHECK(rpmw::app::lint_templates("", "").empty());
  // The copy and the decision engine's allow-list agree on the fields both read.
  for (const auto& tp : policies.set.templates) {
    const TemplateDef* t = load.catalog.find(tp.id);
    REQUIRE(t != nullptr);
    CHECK(t->tier == tp.tier);
    CHECK(t->enabled_by_default == tp.enabled_by_default);
    CHECK(t->auto_close == tp.auto_close);
  }
}

TEST_CASE("core/templates: every embedded template renders on every channel with sample vars") {
  const auto load = rpmw::app::load_template_catalog("");
  REQUIRE(load.ok());
  const std::map<std::string, std::string> sample = {
      {"first_name", "Ana"},
      {"order_id", "#1001"},
      {"order_status", "paid"},
      {"fulfillment_status", "unfulfilled"},
      {"tracking_url", "https://www.ups.com/track?tracknum=1Z999"},
      {"tracking_number", "1Z999"},
      {"tracking_company", "UPS"},
      {"status_url", "https://shop.test/orders/1001"},
      {"shipping_bucket", "standard"},
      {"eta_remaining_human", "2-4 business days"},
      {"order_created_date_human", "Monday, Nov 30"},
  };
  for (const TemplateDef& t : load.catalog.templates) {
    for (const char* channel : {"email", "livechat", "facebook_message"}) {
      // Only the variables the template declares, as the pipeline will pass them.
      std::map<std::string, std::string> vars;
      for (const auto* list : {&t.required_vars, &t.optional_vars}) {
        for (const auto& name : *list) vars[name] = sample.at(name);
      }
      auto reply = rpmw::core::templates::render(t, channel, vars, load.catalog.brand);
      INFO(t.id << " on " << std::string(channel));
      REQUIRE(reply.has_value());
      CHECK_FALSE(reply->text.empty());
      CHECK(reply->text.find("{{") == std::string::npos);
      CHECK(reply->text.find("\n\n\n") == std::string::npos);
      if (std::string(channel) == "email" && t.variants.count("email")) {
        CHECK(reply->text.size() >= 16);
        CHECK(reply->text.substr(reply->text.size() - 16) == "Customer Support");
      }
      if (t.tier == 0 || t.id == "t_unknown_ack")
        CHECK(reply->text.find("Ana") == std::string::npos);
      // Never a promise the team may not keep.
      CHECK(reply->text.find("we will refund") == std::string::npos);
      CHECK(reply->text.find("your card number") == std::string::npos);
      if (reply->text.find("card number") != std::string::npos) {
        const bool warns = reply->text.find("n't send full card numbers") != std::string::npos ||
                           reply->text.find("Never send full card numbers") != std::string::npos;
        CHECK(warns);
      }
    }
    // Without any variables a template with required ones refuses; one without renders.
    auto bare = rpmw::core::templates::render(t, "email", {}, load.catalog.brand);
    CHECK(bare.has_value() == t.required_vars.empty());
  }
}
