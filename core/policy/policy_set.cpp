#include "core/policy/policy_set.h"

#include <algorithm>
#include <set>

namespace rpmw::core::policy {

const IntentPolicy* PolicySet::intent(const std::string& id) const {
  for (const IntentPolicy& candidate : intents) {
    if (candidate.id == id) return &candidate;
  }
  return nullptr;
}

const TeamPolicy* PolicySet::team(const std::string& name) const {
  for (const TeamPolicy& candidate : teams) {
    if (candidate.name == name) return &candidate;
  }
  return nullptr;
}

const TemplatePolicy* PolicySet::template_policy(const std::string& id) const {
  for (const TemplatePolicy& candidate : templates) {
    if (candidate.id == id) return &candidate;
  }
  return nullptr;
}

bool PolicySet::is_tier0(const std::string& intent_id) const {
  const IntentPolicy* found = intent(intent_id);
  return found != nullptr && found->tier == TierPolicy::tier0;
}

decision::Vocabulary PolicySet::vocabulary() const {
  decision::Vocabulary out;
  for (const IntentPolicy& i : intents) out.intents.push_back(i.id);
  for (const TeamPolicy& t : teams) out.teams.push_back(t.name);
  for (const TemplatePolicy& t : templates) out.templates.push_back(t.id);
  return out;
}

std::vector<std::string> PolicySet::validate() const {
  std::vector<std::string> problems;
  auto check_team = [&](const std::string& where, const std::string& name) {
    if (team(name) == nullptr) problems.push_back(where + ": unknown team '" + name + "'");
  };
  auto check_template = [&](const std::string& where, const std::string& id) {
    if (template_policy(id) == nullptr) {
      problems.push_back(where + ": unknown template '" + id + "'");
    }
  };
  auto check_intent = [&](const std::string& where, const std::string& id) {
    if (intent(id) == nullptr) problems.push_back(where + ": unknown intent '" + id + "'");
  };
  if (version.empty()) problems.push_back("policy: version is missing");
  if (intents.empty()) problems.push_back("policy: no intents");
  if (teams.empty()) problems.push_back("policy: no teams");
  check_team("default_team", default_team);
  check_team("fallback_team", fallback_team);
  std::set<std::string> seen;
  for (const IntentPolicy& i : intents) {
    const std::string where = "intent " + i.id;
    if (!seen.insert(i.id).second) problems.push_back(where + ": defined twice");
    if (i.priority < 0 || i.priority > 7) problems.push_back(where + ": priority must be 0..7");
    check_team(where, i.team);
    if (!i.tier1_template.empty()) check_template(where, i.tier1_template);
    for (const std::string& t : i.tier2_templates) check_template(where, t);
    if (i.tag.empty()) problems.push_back(where + ": tag is missing");
    if (i.tier == TierPolicy::tier0 && i.risk_flag.empty()) {
      problems.push_back(where + ": a Tier 0 intent needs a risk_flag");
    }
    if (i.tier == TierPolicy::tier2 && i.tier2_templates.empty()) {
      problems.push_back(where + ": a Tier 2 intent needs tier2_templates");
    }
    if (i.reply_threshold && (*i.reply_threshold < 0 || *i.reply_threshold > 1)) {
      problems.push_back(where + ": reply_threshold must be within 0..1");
    }
  }
  std::set<std::string> route_tags;
  for (const TeamPolicy& t : teams) {
    if (t.route_tag.rfind("route-", 0) != 0) {
      problems.push_back("team " + t.name + ": route_tag must start with route-");
    }
    if (!route_tags.insert(t.route_tag).second) {
      problems.push_back("team " + t.name + ": route_tag used twice");
    }
  }
  if (const TeamPolicy* fallback = team(fallback_team);
      fallback != nullptr && !fallback->available) {
    problems.push_back("fallback_team: must be available");
  }
  // The engine falls back to the general intent when nothing else is found: there must be one.
  const auto generals = std::count_if(intents.begin(), intents.end(),
                                      [](const IntentPolicy& i) { return i.general; });
  if (generals != 1) problems.push_back("policy: exactly one intent must be marked general: true");
  for (const auto& [channel, id] : channel_first) check_intent("channel_first " + channel, id);
  for (const std::string& id : specialist_over) check_intent("specialist_over", id);
  for (const Tier0Category& c : tier0) {
    if (!is_tier0(c.intent)) {
      problems.push_back("tier0 lexicon: '" + c.intent + "' is not a Tier 0 intent");
    }
    if (c.terms.empty()) problems.push_back("tier0 lexicon " + c.intent + ": no terms");
  }
  for (const IntentPolicy& i : intents) {
    if (i.tier != TierPolicy::tier0) continue;
    const bool covered = std::any_of(tier0.begin(), tier0.end(),
                                     [&](const Tier0Category& c) { return c.intent == i.id; });
    if (!covered) problems.push_back("tier0 lexicon: no terms for " + i.id);
  }
  for (const RuleIntent& r : rules) {
    check_intent("rules", r.intent);
    for (const std::string& s : r.suppresses) check_intent("rules " + r.intent + " suppresses", s);
  }
  const auto thresholds_ok = thresholds.uncertain <= thresholds.route && thresholds.route <= 1 &&
                             thresholds.uncertain >= 0 && thresholds.margin >= 0 &&
                             thresholds.penalty >= 0 && thresholds.tier2_routing <= 1 &&
                             thresholds.tier2_verifier <= 1;
  if (!thresholds_ok)
    problems.push_back("thresholds: values must satisfy 0 ≤ uncertain ≤ route ≤ 1");
  for (std::string& p : orders::validate_order_status(order_status))
    problems.push_back(std::move(p));
  return problems;
}

}  // namespace rpmw::core::policy
