#include "app/policy/policy_loader.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "app/policy/embedded_files.h"
#include "app/policy/order_status_loader.h"

namespace rpmw::app {
namespace policy = core::policy;
namespace {

std::optional<std::string> read_source(const std::string& dir, std::string_view embedded_prefix,
                                       std::string_view name) {
  if (dir.empty()) {
    auto text = embedded_file(std::string(embedded_prefix) + "/" + std::string(name));
    if (!text) return std::nullopt;
    return std::string(*text);
  }
  std::ifstream in(dir + "/" + std::string(name), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Collects problems with the file name in front; yaml-cpp exceptions stay in here.
class Reader {
 public:
  Reader(std::string file, std::vector<std::string>& errors)
      : file_(std::move(file)), errors_(errors) {}

  std::optional<YAML::Node> parse(const std::optional<std::string>& text) {
    if (!text) {
      error("file not found");
      return std::nullopt;
    }
    try {
      YAML::Node root = YAML::Load(*text);
      if (!root.IsMap()) {
        error("expected a mapping at the top level");
        return std::nullopt;
      }
      return root;
    } catch (const YAML::Exception& e) {
      error(std::string("invalid YAML: ") + e.what());
      return std::nullopt;
    }
  }

  std::string str(const YAML::Node& node, const char* key, const std::string& where,
                  bool required = true, std::string fallback = {}) {
    const YAML::Node value = node[key];
    if (!value) {
      if (required) error(where + ": '" + key + "' is missing");
      return fallback;
    }
    if (!value.IsScalar()) {
      error(where + ": '" + key + "' must be a string");
      return fallback;
    }
    return value.as<std::string>();
  }

  template <class T>
  T number(const YAML::Node& node, const char* key, const std::string& where, T fallback) {
    const YAML::Node value = node[key];
    if (!value) return fallback;
    try {
      return value.as<T>();
    } catch (const YAML::Exception&) {
      error(where + ": '" + key + "' must be a number");
      return fallback;
    }
  }

  bool boolean(const YAML::Node& node, const char* key, const std::string& where, bool fallback) {
    const YAML::Node value = node[key];
    if (!value) return fallback;
    try {
      return value.as<bool>();
    } catch (const YAML::Exception&) {
      error(where + ": '" + key + "' must be true or false");
      return fallback;
    }
  }

  std::vector<std::string> strings(const YAML::Node& node, const char* key,
                                   const std::string& where) {
    std::vector<std::string> out;
    const YAML::Node value = node[key];
    if (!value) return out;
    if (!value.IsSequence()) {
      error(where + ": '" + key + "' must be a list");
      return out;
    }
    for (const YAML::Node& item : value) {
      if (!item.IsScalar()) {
        error(where + ": '" + key + "' must hold strings");
        continue;
      }
      out.push_back(item.as<std::string>());
    }
    return out;
  }

  void error(const std::string& message) { errors_.push_back(file_ + ": " + message); }

 private:
  std::string file_;
  std::vector<std::string>& errors_;
};

std::optional<policy::TierPolicy> parse_tier(const std::string& text) {
  if (text == "tier0") return policy::TierPolicy::tier0;
  if (text == "tier1") return policy::TierPolicy::tier1;
  if (text == "tier2") return policy::TierPolicy::tier2;
  if (text == "route_only") return policy::TierPolicy::route_only;
  return std::nullopt;
}

std::string slug_of(const std::string& team_name) {
  std::string slug;
  for (char c : team_name) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      slug += static_cast<char>(std::tolower(u));
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

void load_policy(Reader& r, const YAML::Node& root, policy::PolicySet& set) {
  set.version = r.str(root, "version", "policy");
  set.default_team = r.str(root, "default_team", "policy", false, set.default_team);
  set.fallback_team = r.str(root, "fallback_team", "policy", false, set.fallback_team);
  for (const YAML::Node& t : root["teams"]) {
    policy::TeamPolicy team;
    team.name = r.str(t, "name", "team");
    team.route_tag = r.str(t, "route_tag", "team " + team.name);
    team.available = r.boolean(t, "available", "team " + team.name, true);
    // mw-needs-<team> follows the route tag: route-chargebacks-disputes →
    // mw-needs-chargebacks-disputes.
    team.needs_tag =
        "mw-needs-" +
        (team.route_tag.rfind("route-", 0) == 0 ? team.route_tag.substr(6) : slug_of(team.name));
    set.teams.push_back(std::move(team));
  }
  for (const YAML::Node& i : root["intents"]) {
    policy::IntentPolicy intent;
    intent.id = r.str(i, "id", "intent");
    const std::string where = "intent " + intent.id;
    intent.priority = r.number<int>(i, "priority", where, 7);
    intent.team = r.str(i, "team", where);
    const std::string tier = r.str(i, "tier", where);
    if (auto parsed = parse_tier(tier)) {
      intent.tier = *parsed;
    } else {
      r.error(where + ": tier must be tier0, tier1, tier2 or route_only");
    }
    intent.tier1_template = r.str(i, "tier1_template", where, false);
    intent.tier2_templates = r.strings(i, "tier2_templates", where);
    intent.tag = r.str(i, "tag", where);
    intent.secondary_tag = r.str(i, "secondary_tag", where, false);
    if (intent.secondary_tag.empty() && intent.tag.rfind("mw-intent-", 0) == 0) {
      intent.secondary_tag = "mw-secondary-" + intent.tag.substr(10);
    }
    intent.extra_tags = r.strings(i, "extra_tags", where);
    intent.risk_flag = r.str(i, "risk_flag", where, false);
    intent.root_cause = r.boolean(i, "root_cause", where, false);
    intent.specialist = r.boolean(i, "specialist", where, false);
    intent.general = r.boolean(i, "general", where, false);
    if (i["reply_threshold"])
      intent.reply_threshold = r.number<double>(i, "reply_threshold", where, 0.6);
    set.intents.push_back(std::move(intent));
  }
  if (const YAML::Node t = root["thresholds"]) {
    policy::Thresholds& th = set.thresholds;
    th.route = r.number(t, "route", "thresholds", th.route);
    th.uncertain = r.number(t, "uncertain", "thresholds", th.uncertain);
    th.tier1_reply = r.number(t, "tier1_reply", "thresholds", th.tier1_reply);
    th.margin = r.number(t, "margin", "thresholds", th.margin);
    th.tier2_routing = r.number(t, "tier2_routing", "thresholds", th.tier2_routing);
    th.tier2_verifier = r.number(t, "tier2_verifier", "thresholds", th.tier2_verifier);
    th.penalty = r.number(t, "penalty", "thresholds", th.penalty);
    th.short_message_words =
        r.number(t, "short_message_words", "thresholds", th.short_message_words);
    th.multi_intent = r.number(t, "multi_intent", "thresholds", th.multi_intent);
  }
  if (const YAML::Node c = root["cooldown"]) {
    set.cooldown.min_interval_s = r.number(c, "min_interval_s", "cooldown", 600);
    set.cooldown.max_per_day = r.number(c, "max_per_day", "cooldown", 3);
  }
  if (const YAML::Node c = root["channel_first"]) {
    for (const auto& entry : c) {
      set.channel_first[entry.first.as<std::string>()] = entry.second.as<std::string>();
    }
  }
  set.specialist_over = r.strings(root, "specialist_over", "policy");
  std::vector<std::string> problems;
  load_order_status(root["order_status"], set.order_status, problems);
  for (const std::string& p : problems) r.error(p);
}

// Lexicon lists: a language (tier0) or strength (rules) key → phrases.
void load_terms(Reader& r, const YAML::Node& node, const std::string& where, double weight,
                const std::string& language, std::vector<policy::LexiconTerm>& out) {
  if (!node) return;
  if (!node.IsSequence()) {
    r.error(where + ": expected a list of phrases");
    return;
  }
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) {
      r.error(where + ": phrases must be strings");
      continue;
    }
    policy::LexiconTerm term;
    std::string text = item.as<std::string>();
    if (text.rfind("re:", 0) == 0) {
      term.regex = true;
      text = text.substr(3);
    }
    if (text.empty()) {
      r.error(where + ": empty phrase");
      continue;
    }
    term.text = std::move(text);
    term.weight = weight;
    term.language = language;
    out.push_back(std::move(term));
  }
}

void load_tier0(Reader& r, const YAML::Node& root, policy::PolicySet& set) {
  set.lexicon_version = r.str(root, "version", "tier0 lexicon");
  for (const auto& category : root["categories"]) {
    policy::Tier0Category c;
    c.intent = category.first.as<std::string>();
    const double weight = r.number<double>(category.second, "weight", c.intent, 1.0);
    load_terms(r, category.second["en"], c.intent + ".en", weight, "en", c.terms);
    load_terms(r, category.second["es"], c.intent + ".es", weight, "es", c.terms);
    load_terms(r, category.second["any"], c.intent + ".any", weight, "any", c.terms);
    set.tier0.push_back(std::move(c));
  }
}

void load_rules(Reader& r, const YAML::Node& root, policy::PolicySet& set) {
  set.rules_version = r.str(root, "version", "rules");
  for (const auto& entry : root["intents"]) {
    policy::RuleIntent rule;
    rule.intent = entry.first.as<std::string>();
    load_terms(r, entry.second["strong"], rule.intent + ".strong", 1.0, "any", rule.terms);
    load_terms(r, entry.second["medium"], rule.intent + ".medium", 0.6, "any", rule.terms);
    load_terms(r, entry.second["weak"], rule.intent + ".weak", 0.3, "any", rule.terms);
    rule.suppresses = r.strings(entry.second, "suppresses", rule.intent);
    set.rules.push_back(std::move(rule));
  }
}

void load_catalog(Reader& r, const YAML::Node& root, policy::PolicySet& set) {
  set.templates_version = r.str(root, "version", "catalog");
  for (const YAML::Node& t : root["templates"]) {
    policy::TemplatePolicy tp;
    tp.id = r.str(t, "id", "template");
    tp.tier = r.number<int>(t, "tier", "template " + tp.id, 1);
    tp.enabled_by_default = r.boolean(t, "enabled_by_default", "template " + tp.id, true);
    tp.auto_close = r.boolean(t, "auto_close", "template " + tp.id, false);
    set.templates.push_back(std::move(tp));
  }
}

}  // namespace

std::optional<std::string> read_policy_file(const PolicySources& sources, std::string_view name) {
  return read_source(sources.policies_dir, "policies", name);
}

PolicyLoad load_policies(const PolicySources& sources) {
  PolicyLoad load;
  struct Part {
    std::string file;
    std::optional<std::string> text;
    void (*apply)(Reader&, const YAML::Node&, policy::PolicySet&);
  };
  const std::string pdir = sources.policies_dir.empty() ? "policies" : sources.policies_dir;
  const std::string tdir = sources.templates_dir.empty() ? "templates" : sources.templates_dir;
  const Part parts[] = {
      {pdir + "/policy.yaml", read_policy_file(sources, "policy.yaml"), &load_policy},
      {pdir + "/tier0_lexicon.yaml", read_policy_file(sources, "tier0_lexicon.yaml"), &load_tier0},
      {pdir + "/rules.yaml", read_policy_file(sources, "rules.yaml"), &load_rules},
      {tdir + "/catalog.yaml", read_source(sources.templates_dir, "templates", "catalog.yaml"),
       &load_catalog},
  };
  for (const Part& part : parts) {
    Reader reader(part.file, load.errors);
    auto root = reader.parse(part.text);
    if (!root) continue;
    try {
      part.apply(reader, *root, load.set);
    } catch (const YAML::Exception& e) {
      reader.error(std::string("unexpected shape: ") + e.what());
    }
  }
  if (load.errors.empty()) {
    for (std::string& problem : load.set.validate()) load.errors.push_back(std::move(problem));
  }
  return load;
}

}  // namespace rpmw::app
