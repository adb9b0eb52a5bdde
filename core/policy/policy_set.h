#pragma once
// The policy data of policies/ as typed values: intents, teams, thresholds, channel rules, the
// Tier 0 lexicon, the rules-classifier lexicon and the template allow-list. Loaded (and
// validated) by the app from YAML; the core only reads it. Immutable after load, so one instance
// is shared by every worker thread.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/decision/vocabulary.h"
#include "core/orders/order_status_policy.h"

namespace rpmw::core::policy {

enum class TierPolicy { tier0, tier1, tier2, route_only };

struct IntentPolicy {
  std::string id;
  int priority = 7;  // P0 … P7
  std::string team;
  TierPolicy tier = TierPolicy::route_only;
  std::string tier1_template;                // the Tier 1 template (empty: none)
  std::vector<std::string> tier2_templates;  // Tier 2 verified templates
  std::string tag;                           // mw-intent-*
  std::string secondary_tag;                 // mw-secondary-*
  std::vector<std::string> extra_tags;       // e.g. mw-needs-tech-support
  std::string risk_flag;                     // Tier 0 intents: CHARGEBACK_DISPUTE, …
  bool root_cause = false;                   // wins a same-priority tie (damaged beats refund)
  bool specialist = false;                   // its team wins over general intents' teams
  bool general = false;                      // channel-first applies (unknown_other)
  std::optional<double> reply_threshold;     // Tier 1 reply threshold override
};

struct TeamPolicy {
  std::string name;
  std::string route_tag;
  std::string needs_tag;  // mw-needs-<slug>, added when the tenant lacks the team
  bool available = true;  // false: falls back to the fallback team + needs_tag
};

struct Thresholds {
  double route = 0.60;        // routing ≥ route → the intent's team
  double uncertain = 0.50;    // [uncertain, route) → default team + mw-uncertain
  double tier1_reply = 0.60;  // default Tier 1 reply threshold
  double margin = 0.10;       // top1 − top2 for a reply, and the penalty trigger
  double tier2_routing = 0.70;
  double tier2_verifier = 0.80;
  double penalty = 0.10;        // subtracted per uncertainty signal
  int short_message_words = 5;  // under this many words: penalty
  double multi_intent = 0.55;   // two or more intents above this: penalty
};

struct Cooldown {
  int min_interval_s = 600;  // one auto-reply per 10 min
  int max_per_day = 3;       // three per 24 h
};

struct TemplatePolicy {
  std::string id;
  int tier = 1;
  bool enabled_by_default = true;
  bool auto_close = false;
};

// One lexicon entry: a phrase (matched on word boundaries, case-insensitive, flexible
// whitespace) or, when `regex`, an RE2 pattern.
struct LexiconTerm {
  std::string text;
  bool regex = false;
  double weight = 1.0;
  std::string language;  // en | es | any
};

struct Tier0Category {
  std::string intent;  // chargeback_dispute, legal_threat, harassment_threats, fraud_suspected
  std::vector<LexiconTerm> terms;
};

struct RuleIntent {
  std::string intent;
  std::vector<LexiconTerm> terms;
  std::vector<std::string> suppresses;  // a strong match removes these intents
};

struct PolicySet {
  std::string version;
  std::string lexicon_version;
  std::string rules_version;
  std::string templates_version;
  std::string default_team = "Email Support Team";
  std::string fallback_team = "Email Support Team";  // for teams the tenant lacks
  std::vector<IntentPolicy> intents;                 // in file order
  std::vector<TeamPolicy> teams;
  std::vector<TemplatePolicy> templates;
  Thresholds thresholds;
  Cooldown cooldown;
  std::map<std::string, std::string> channel_first;  // channel → intent (tiktok → …)
  std::vector<std::string> specialist_over;          // intents a specialist team beats
  std::vector<Tier0Category> tier0;
  std::vector<RuleIntent> rules;
  double rules_strong_weight = 1.0;        // score at which the rules classifier reports ~0.95
  orders::OrderStatusPolicy order_status;  // Tier 2 zone, holidays, shipping windows

  const IntentPolicy* intent(const std::string& id) const;
  const TeamPolicy* team(const std::string& name) const;
  const TemplatePolicy* template_policy(const std::string& id) const;
  bool is_tier0(const std::string& intent_id) const;
  decision::Vocabulary vocabulary() const;
  // Cross-reference problems (unknown team, template, duplicate ids, …), one message each.
  std::vector<std::string> validate() const;
};

}  // namespace rpmw::core::policy
