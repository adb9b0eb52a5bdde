#include "core/policy/tag_catalog.h"

#include <algorithm>
#include <set>

namespace rpmw::core::policy {
namespace {

struct Fixed {
  const char* name;
  TagKind kind;
  const char* description;
};

// spec/03 "Tags written by rpmw": the names the engine and the action executor spell out.
constexpr Fixed kFixed[] = {
    {"mw-routing-applied", TagKind::control, "rpmw: a route tag was applied"},
    {"mw-processed", TagKind::control, "rpmw: message processed"},
    {"mw-auto-replied", TagKind::control, "rpmw: a customer-facing reply was sent"},
    {"mw-escalated-human", TagKind::control, "rpmw: escalated to a human"},
    {"mw-tier-0", TagKind::tier, "rpmw: Tier 0 escalation"},
    {"mw-tier-1", TagKind::tier, "rpmw: Tier 1 safe-assist reply"},
    {"mw-tier-2", TagKind::tier, "rpmw: Tier 2 verified reply"},
    {"mw-model-failure", TagKind::outcome, "rpmw: classifier failed, routed only"},
    {"mw-uncertain", TagKind::outcome, "rpmw: low routing confidence"},
    {"mw-needs-manual-triage", TagKind::outcome, "rpmw: needs manual triage"},
    {"mw-order-lookup-needed", TagKind::outcome, "rpmw: no single linked order"},
    {"mw-order-lookup-failed", TagKind::outcome, "rpmw: order lookup failed"},
    {"mw-order-status-suppressed", TagKind::outcome, "rpmw: order status reply withheld"},
    {"mw-auto-rate-limited", TagKind::outcome, "rpmw: auto-reply cooldown active"},
    {"mw-send-failed", TagKind::outcome, "rpmw: the reply could not be sent"},
    {"mw-attachment-only", TagKind::outcome, "rpmw: attachment-only message"},
    {"mw-security-sensitive", TagKind::outcome, "rpmw: security-sensitive request"},
    {"mw-fraud-suspected", TagKind::outcome, "rpmw: fraud suspected"},
    {"mw-auto-closed", TagKind::outcome, "rpmw: closed after the ETA reply"},
    {"mw_feedback_misroute", TagKind::feedback, "agent feedback: routed to the wrong team"},
    {"mw_feedback_auto_reply_wrong", TagKind::feedback, "agent feedback: auto-reply was wrong"},
    {"mw_feedback_auto_reply_helpful", TagKind::feedback, "agent feedback: auto-reply was helpful"},
    {"mw_feedback_new_intent_candidate", TagKind::feedback,
     "agent feedback: a new intent is needed"},
};

bool is_fixed(const std::string& name) {
  return std::any_of(std::begin(kFixed), std::end(kFixed),
                     [&](const Fixed& f) { return name == f.name; });
}

class Builder {
 public:
  void add(const std::string& name, TagKind kind, std::string description) {
    if (name.empty() || !seen_.insert(name).second) return;
    out_.push_back({name, kind, std::move(description)});
  }
  std::vector<TagSpec> take() { return std::move(out_); }

 private:
  std::set<std::string> seen_;
  std::vector<TagSpec> out_;
};

}  // namespace

std::vector<TagSpec> tag_catalog(const PolicySet& set) {
  Builder b;
  for (const TeamPolicy& team : set.teams) {
    b.add(team.route_tag, TagKind::route, "rpmw: route to " + team.name);
  }
  for (const IntentPolicy& intent : set.intents) {
    b.add(intent.tag, TagKind::intent, "rpmw: primary intent " + intent.id);
  }
  for (const IntentPolicy& intent : set.intents) {
    b.add(intent.secondary_tag, TagKind::secondary, "rpmw: secondary intent " + intent.id);
  }
  for (const TeamPolicy& team : set.teams) {
    b.add(team.needs_tag, TagKind::needs, "rpmw: needs " + team.name + " (team missing)");
  }
  for (const IntentPolicy& intent : set.intents) {
    for (const std::string& extra : intent.extra_tags) {
      if (is_fixed(extra)) continue;  // added below with its own wording
      b.add(extra, extra.rfind("mw-needs-", 0) == 0 ? TagKind::needs : TagKind::outcome,
            "rpmw: " + intent.id);
    }
  }
  const auto add_template = [&](const std::string& id) {
    if (!id.empty()) b.add("mw-template-" + id, TagKind::template_used, "rpmw: sent " + id);
  };
  for (const TemplatePolicy& t : set.templates) add_template(t.id);
  for (const IntentPolicy& intent : set.intents) {
    add_template(intent.tier1_template);
    for (const std::string& id : intent.tier2_templates) add_template(id);
  }
  for (const Fixed& f : kFixed) b.add(f.name, f.kind, f.description);
  // Feedback last, after anything a policy might also name.
  std::vector<TagSpec> out = b.take();
  std::stable_partition(out.begin(), out.end(),
                        [](const TagSpec& t) { return t.kind != TagKind::feedback; });
  return out;
}

std::vector<std::string> tag_names(const std::vector<TagSpec>& catalog) {
  std::vector<std::string> names;
  names.reserve(catalog.size());
  for (const TagSpec& t : catalog) names.push_back(t.name);
  return names;
}

std::string_view to_string(TagKind kind) {
  switch (kind) {
    case TagKind::route:
      return "route";
    case TagKind::intent:
      return "intent";
    case TagKind::secondary:
      return "secondary";
    case TagKind::needs:
      return "needs";
    case TagKind::template_used:
      return "template";
    case TagKind::control:
      return "control";
    case TagKind::tier:
      return "tier";
    case TagKind::outcome:
      return "outcome";
    case TagKind::feedback:
      return "feedback";
  }
  return "control";
}

}  // namespace rpmw::core::policy
