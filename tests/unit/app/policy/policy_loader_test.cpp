#include "app/policy/policy_loader.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "app/policy/embedded_files.h"
#include "app/runtime/engine_kit.h"
#include "tests/unit/app/unit_temp_dir.h"

using rpmw::app::load_policies;
using rpmw::app::PolicySources;

namespace {

bool any_contains(const std::vector<std::string>& lines, const std::string& needle) {
  for (const auto& l : lines) {
    if (l.find(needle) != std::string::npos) return true;
  }
  return false;
}

// A writable copy of the embedded files, to break one at a time.
void copy_embedded(const std::string& dir) {
  std::filesystem::create_directories(dir + "/policies/prompts");
  std::filesystem::create_directories(dir + "/templates");
  for (const auto& file : rpmw::app::embedded_files()) {
    std::ofstream(dir + "/" + std::string(file.path)) << file.text;
  }
}

void write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

}  // namespace

TEST_CASE("app/policy: the embedded policies load and validate") {
  const auto load = load_policies(PolicySources{});
  for (const auto& e : load.errors) MESSAGE(e);
  REQUIRE(load.ok());
  const auto& set = load.set;
  CHECK(set.intents.size() == 25);
  CHECK(set.teams.size() == 11);
  CHECK(set.templates.size() == 24);
  CHECK_FALSE(set.version.empty());
  CHECK_FALSE(set.lexicon_version.empty());
  CHECK_FALSE(set.rules_version.empty());
  CHECK_FALSE(set.templates_version.empty());
  const auto* chargeback = set.intent("chargeback_dispute");
  REQUIRE(chargeback != nullptr);
  CHECK(chargeback->team == "Chargebacks / Disputes Team");
  CHECK(chargeback->risk_flag == "CHARGEBACK_DISPUTE");
  CHECK(set.team("Chargebacks / Disputes Team")->route_tag == "route-chargebacks-disputes");
  CHECK(set.team("Chargebacks / Disputes Team")->needs_tag == "mw-needs-chargebacks-disputes");
  CHECK(set.intent("refund_request")->secondary_tag == "mw-secondary-refund");
  CHECK(set.intent("technical_support")->reply_threshold == doctest::Approx(0.70));
  CHECK(set.thresholds.tier2_verifier == doctest::Approx(0.80));
  CHECK_FALSE(set.template_policy("t_unknown_ack")->enabled_by_default);
  CHECK(set.template_policy("t_order_eta_no_tracking_verified")->auto_close);
  for (const char* intent :
       {"chargeback_dispute", "legal_threat", "harassment_threats", "fraud_suspected"}) {
    CHECK(set.is_tier0(intent));
  }
  const auto vocabulary = set.vocabulary();
  CHECK(vocabulary.intents.size() == 25);
  CHECK(std::find(vocabulary.templates.begin(), vocabulary.templates.end(),
                  "t_order_eta_no_tracking_verified") != vocabulary.templates.end());
}

TEST_CASE("app/policy: broken policy files give one readable line per problem") {
  rpmw::unit::UnitTempDir tmp;
  const std::string dir = tmp.path();
  copy_embedded(dir);
  PolicySources sources{dir + "/policies", dir + "/templates"};
  REQUIRE(load_policies(sources).ok());

  SUBCASE("invalid YAML") {
    write(dir + "/policies/policy.yaml", "version: [unclosed\n");
    const auto load = load_policies(sources);
    CHECK_FALSE(load.ok());
    CHECK(any_contains(load.errors, "policy.yaml: invalid YAML"));
  }
  SUBCASE("missing file") {
    std::filesystem::remove(dir + "/policies/rules.yaml");
    const auto load = load_policies(sources);
    CHECK(any_contains(load.errors, "rules.yaml: file not found"));
  }
  SUBCASE("unknown team, template and tier") {
    write(dir + "/policies/policy.yaml",
          "version: x\nteams:\n  - {name: Email Support Team, route_tag: route-email}\n"
          "intents:\n"
          "  - {id: unknown_other, priority: 7, team: Nobody, tier: route_only, tag: t, "
          "general: true}\n"
          "  - {id: cancel_order, priority: 1, team: Email Support Team, tier: tier9, tag: t2,"
          " tier1_template: t_missing}\n");
    const auto load = load_policies(sources);
    CHECK(any_contains(load.errors, "tier must be tier0, tier1, tier2 or route_only"));
  }
  SUBCASE("cross references") {
    write(dir + "/policies/policy.yaml",
          "version: x\nteams:\n  - {name: Email Support Team, route_tag: route-email}\n"
          "intents:\n"
          "  - {id: unknown_other, priority: 7, team: Nobody, tier: route_only, tag: t, "
          "general: true}\n"
          "  - {id: cancel_order, priority: 9, team: Email Support Team, tier: tier1, tag: t2,"
          " tier1_template: t_missing}\n");
    const auto load = load_policies(sources);
    CHECK(any_contains(load.errors, "intent unknown_other: unknown team 'Nobody'"));
    CHECK(any_contains(load.errors, "intent cancel_order: priority must be 0..7"));
    CHECK(any_contains(load.errors, "intent cancel_order: unknown template 't_missing'"));
    CHECK(any_contains(load.errors, "tier0 lexicon: 'chargeback_dispute' is not a Tier 0 intent"));
  }
  SUBCASE("no general intent") {
    write(dir + "/policies/policy.yaml",
          "version: x\nteams:\n  - {name: Email Support Team, route_tag: route-email}\n"
          "intents:\n"
          "  - {id: unknown_other, priority: 7, team: Email Support Team, tier: route_only, "
          "tag: t}\n");
    CHECK(any_contains(load_policies(sources).errors,
                       "exactly one intent must be marked general: true"));
  }
  SUBCASE("a lexicon term RE2 rejects is reported by the engine kit") {
    write(dir + "/policies/tier0_lexicon.yaml",
          "version: v\ncategories:\n  chargeback_dispute:\n    en: ['re:(unclosed']\n"
          "  legal_threat:\n    en: [lawyer]\n  fraud_suspected:\n    en: [fraud]\n"
          "  harassment_threats:\n    en: [threat]\n");
    CHECK(load_policies(sources).ok());  // the YAML is fine; the pattern fails to compile
    std::vector<std::string> errors;
    CHECK(rpmw::app::EngineKit::create(sources, {}, errors) == nullptr);
    CHECK(any_contains(errors, "tier0_lexicon.yaml: lexicon_pattern_invalid:0"));
  }
}
