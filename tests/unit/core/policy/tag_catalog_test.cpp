#include "core/policy/tag_catalog.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "app/policy/policy_loader.h"
#include "core/policy/policy_engine.h"

using rpmw::core::ClassifierDecision;
using rpmw::core::VerifierResult;
using rpmw::core::policy::ClassifierOutcome;
using rpmw::core::policy::DecisionContext;
using rpmw::core::policy::PolicyDecision;
using rpmw::core::policy::PolicyEngine;
using rpmw::core::policy::PolicySet;
using rpmw::core::policy::tag_catalog;
using rpmw::core::policy::tag_names;
using rpmw::core::policy::TagKind;
using rpmw::core::policy::Tier0Hit;
using rpmw::core::policy::Tier2Evidence;

namespace {

const PolicySet& policies() {
  static const PolicySet set = rpmw::app::load_policies({}).set;
  return set;
}

ClassifierOutcome answer(const std::string& primary, double confidence,
                         const std::vector<std::string>& secondaries) {
  ClassifierDecision d;
  d.primary_intent = primary;
  d.routing.confidence = confidence;
  d.scores.push_back({primary, confidence});
  for (const std::string& s : secondaries) {
    d.secondary_intents.push_back(s);
    d.scores.push_back({s, confidence / 2});
  }
  ClassifierOutcome outcome;
  outcome.decision = d;
  outcome.classifier = "rules";
  return outcome;
}

rpmw::core::Order order(bool tracking) {
  rpmw::core::Order o;
  o.order_id = "1001";
  o.created_at_ms = 1'767'000'000'000;
  o.shipping_method = tracking ? "Standard" : "";
  if (tracking) {
    rpmw::core::Fulfillment f;
    f.tracking.push_back({"1Z999", "UPS", "", ""});
    o.fulfillments.push_back(f);
  }
  return o;
}

// Every tag a sweep of decisions (each intent, confidence, channel, guard and Tier 2 outcome)
// makes the engine write.
std::set<std::string> emitted(const PolicySet& set) {
  const PolicyEngine engine(set);
  std::set<std::string> tags;
  const auto collect = [&](const PolicyDecision& d) {
    tags.insert(d.tags.begin(), d.tags.end());
    tags.insert(d.reply_tags.begin(), d.reply_tags.end());
  };
  const std::int64_t now = 1'767'225'600'000;
  std::vector<std::string> ordinary;  // intents a secondary may be without escalating
  for (const auto& intent : set.intents) {
    if (!set.is_tier0(intent.id)) ordinary.push_back(intent.id);
  }
  for (std::size_t i = 0; i < set.intents.size(); ++i) {
    const auto& intent = set.intents[i];
    const std::vector<std::string> secondary =
        i % 2 == 0 ? std::vector<std::string>{}
                   : std::vector<std::string>{ordinary[i % ordinary.size()]};
    for (const double confidence : {0.3, 0.55, 0.75, 0.97}) {
      for (const char* channel : {"email", "livechat", "tiktok", "social"}) {
        for (int guard = 0; guard < 6; ++guard) {
          DecisionContext c;
          c.flags.shadow_mode = false;
          c.flags.safe_mode = false;
          c.flags.automation_enabled = guard != 5;
          c.channel = channel;
          c.word_count = guard == 1 ? 2 : 12;
          c.now = rpmw::core::from_epoch_ms(now);
          c.attachment_only = guard == 2;
          if (guard == 3) c.tier0.hits.push_back(Tier0Hit{"legal_threat", "LEGAL_THREAT", 1, 1});
          if (guard == 4) {
            c.conversation = rpmw::core::ConversationRecord{};
            c.conversation->auto_reply_epoch_ms = {now - 3'600'000, now - 7'200'000,
                                                   now - 10'800'000};
          }
          if (guard == 5) c.tier0.failed = true;
          const PolicyDecision d = engine.decide(answer(intent.id, confidence, secondary), c);
          collect(d);
          if (!d.tier2_candidate) continue;
          collect(engine.finish_tier2(d, Tier2Evidence{}, c));
          collect(engine.finish_tier2(d, Tier2Evidence{0, true, std::nullopt, std::nullopt}, c));
          for (const bool tracking : {true, false}) {
            VerifierResult v;
            v.allow_tier2 = true;
            v.confidence = 0.95;
            collect(engine.finish_tier2(d, Tier2Evidence{1, false, order(tracking), v}, c));
            collect(engine.finish_tier2(d, Tier2Evidence{1, false, order(tracking), {}}, c));
          }
        }
      }
    }
  }
  collect(engine.decide(ClassifierOutcome{ClassifierOutcome::Kind::unavailable, {}, "x", "none"},
                        DecisionContext{}));
  return tags;
}

}  // namespace

TEST_CASE("core/policy: the tag catalog holds every tag the policy engine writes") {
  const auto catalog = tag_catalog(policies());
  const auto names = tag_names(catalog);
  const std::set<std::string> known(names.begin(), names.end());
  CHECK(known.size() == names.size());  // unique

  const std::set<std::string> tags = emitted(policies());
  CHECK(tags.size() > 40);
  for (const std::string& tag : tags) {
    CAPTURE(tag);
    CHECK(known.count(tag) == 1);
  }
  // The sweep reached the families it is meant to cover.
  const auto reached = [&](const std::string& prefix) {
    return std::any_of(tags.begin(), tags.end(),
                       [&](const std::string& t) { return t.rfind(prefix, 0) == 0; });
  };
  for (const std::string prefix :
       {"route-", "mw-intent-", "mw-secondary-", "mw-template-", "mw-tier-", "mw-order-lookup-",
        "mw-auto-", "mw-escalated-human"}) {
    CAPTURE(prefix);
    CHECK(reached(prefix));
  }
}

TEST_CASE("core/policy: teams the tenant lacks add mw-needs-* tags, all in the catalog") {
  PolicySet set = policies();
  for (auto& team : set.teams) team.available = team.name == set.fallback_team;
  const auto names = tag_names(tag_catalog(set));
  const std::set<std::string> known(names.begin(), names.end());
  bool needs = false;
  for (const std::string& tag : emitted(set)) {
    CAPTURE(tag);
    CHECK(known.count(tag) == 1);
    needs = needs || (tag.rfind("mw-needs-", 0) == 0 && tag != "mw-needs-manual-triage");
  }
  CHECK(needs);
}

TEST_CASE(
    "core/policy: the catalog has spec/03's fixed tags, one route tag per team, feedback "
    "last") {
  const auto catalog = tag_catalog(policies());
  const auto names = tag_names(catalog);
  const auto has = [&](const std::string& n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  for (const char* fixed : {"mw-routing-applied",
                            "mw-processed",
                            "mw-auto-replied",
                            "mw-escalated-human",
                            "mw-tier-0",
                            "mw-tier-1",
                            "mw-tier-2",
                            "mw-model-failure",
                            "mw-uncertain",
                            "mw-needs-manual-triage",
                            "mw-order-lookup-needed",
                            "mw-order-lookup-failed",
                            "mw-order-status-suppressed",
                            "mw-auto-rate-limited",
                            "mw-send-failed",
                            "mw-attachment-only",
                            "mw-security-sensitive",
                            "mw-fraud-suspected",
                            "mw-auto-closed",
                            "mw_feedback_misroute",
                            "mw_feedback_auto_reply_wrong",
                            "mw_feedback_auto_reply_helpful",
                            "mw_feedback_new_intent_candidate",
                            "mw-template-t_order_eta_no_tracking_verified",
                            "mw-intent-dnr",
                            "mw-secondary-dnr",
                            "route-returns-admin"}) {
    CAPTURE(fixed);
    CHECK(has(fixed));
  }
  const auto routes = std::count_if(catalog.begin(), catalog.end(),
                                    [](const auto& t) { return t.kind == TagKind::route; });
  CHECK(static_cast<std::size_t>(routes) == policies().teams.size());
  CHECK(catalog.back().kind == TagKind::feedback);
  CHECK(catalog.front().kind == TagKind::route);
  for (const auto& t : catalog) CHECK_FALSE(t.description.empty());
}
