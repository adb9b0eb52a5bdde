#include "core/decision/rules_classifier.h"

#include <algorithm>
#include <map>

#include "core/policy/priority.h"

namespace rpmw::core::decision {
namespace {

constexpr double kPresentScore = 0.6;  // a medium phrase, or two weak ones
constexpr double kUnknownConfidence = 0.55;

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

void add_question(std::vector<std::string>& questions, const char* question) {
  if (questions.size() < kMaxClarifyingQuestions && !contains(questions, question)) {
    questions.emplace_back(question);
  }
}

std::vector<std::string> clarifying_questions(const std::string& intent, bool has_order_number) {
  std::vector<std::string> questions;
  static const std::vector<std::string> kNeedsOrder = {
      "order_status_tracking",  "shipping_delay_not_shipped",
      "cancel_order",           "address_change_order_edit",
      "delivered_not_received", "missing_items_in_shipment",
      "wrong_item_received",    "damaged_item",
      "return_request",         "exchange_request",
      "refund_request",         "billing_issue"};
  if (!has_order_number && contains(kNeedsOrder, intent))
    add_question(questions, "ASK_ORDER_NUMBER");
  if (intent == "damaged_item" || intent == "wrong_item_received" ||
      intent == "missing_items_in_shipment") {
    add_question(questions, "ASK_PHOTO_OR_VIDEO");
  }
  if (intent == "technical_support") {
    add_question(questions, "ASK_PRODUCT_MODEL");
    add_question(questions, "ASK_TROUBLESHOOTING_DETAILS");
  }
  if (intent == "cancel_subscription") add_question(questions, "ASK_EMAIL_OR_PHONE");
  return questions;
}

}  // namespace

double rules_confidence(double score) {
  if (score <= 0) return 0;
  const double base = 0.55 + 0.40 * std::min(score, 1.0);
  const double corroboration = score > 1.0 ? 0.01 * std::min(score - 1.0, 2.0) : 0.0;
  return std::min(0.97, base + corroboration);
}

RulesClassifier::RulesClassifier(const policy::PolicySet& policies,
                                 std::unique_ptr<policy::LexiconMatcher> matcher,
                                 std::vector<std::string> group_intents)
    : policies_(policies), matcher_(std::move(matcher)), group_intents_(std::move(group_intents)) {}

Result<std::unique_ptr<RulesClassifier>> RulesClassifier::build(const policy::PolicySet& policies) {
  std::vector<policy::LexiconEntry> entries;
  std::vector<std::string> groups;
  for (const policy::RuleIntent& rule : policies.rules) {
    const int group = static_cast<int>(groups.size());
    groups.push_back(rule.intent);
    for (const policy::LexiconTerm& term : rule.terms) entries.push_back({group, term});
  }
  auto matcher = policy::LexiconMatcher::build(std::move(entries));
  if (!matcher) return tl::unexpected(matcher.error());
  return std::unique_ptr<RulesClassifier>(
      new RulesClassifier(policies, std::move(*matcher), std::move(groups)));
}

namespace {
// Redaction placeholders ("<ADDRESS>", "<PHONE>") are not the customer's words: blank them so
// "address" or "phone" phrases do not fire on them.
std::string without_placeholders(const std::string& text) {
  if (text.find('<') == std::string::npos) return text;
  std::string out = text;
  for (std::size_t open = out.find('<'); open != std::string::npos;
       open = out.find('<', open + 1)) {
    std::size_t close = open + 1;
    while (close < out.size() && ((out[close] >= 'A' && out[close] <= 'Z') || out[close] == '_')) {
      ++close;
    }
    if (close < out.size() && out[close] == '>' && close > open + 1) {
      std::fill(out.begin() + static_cast<std::ptrdiff_t>(open),
                out.begin() + static_cast<std::ptrdiff_t>(close) + 1, ' ');
    }
  }
  return out;
}
}  // namespace

Result<ClassifierDecision> RulesClassifier::classify(const ClassifierInput& input) {
  std::map<std::string, double> score;
  bool complete = true;
  const auto hits = matcher_->match(without_placeholders(input.redacted_text), &complete);
  if (!complete) return fail(ErrorKind::unavailable, "rules_match_incomplete");
  for (const policy::LexiconHit& hit : hits) {
    score[group_intents_[static_cast<std::size_t>(hit.group)]] +=
        matcher_->entry(hit.entry).term.weight;
  }
  for (const std::string& intent : input.tier0_screen_hits) {
    if (policies_.is_tier0(intent)) score[intent] = std::max(score[intent], 1.0);
  }
  for (const policy::RuleIntent& rule : policies_.rules) {
    auto found = score.find(rule.intent);
    if (found == score.end() || found->second < 1.0) continue;
    for (const std::string& suppressed : rule.suppresses) score.erase(suppressed);
  }

  std::vector<IntentScore> all;
  for (const auto& [intent, s] : score) {
    // Tier 0 intents are capped at one level so the policy's order ranks them, not term counts.
    const double confidence =
        policies_.is_tier0(intent) ? std::min(rules_confidence(s), 0.95) : rules_confidence(s);
    all.push_back(IntentScore{intent, confidence});
  }
  std::sort(all.begin(), all.end(), [](const IntentScore& a, const IntentScore& b) {
    return a.confidence != b.confidence ? a.confidence > b.confidence : a.intent < b.intent;
  });
  std::vector<IntentScore> present;
  for (const IntentScore& candidate : all) {
    if (candidate.confidence >= rules_confidence(kPresentScore)) present.push_back(candidate);
  }
  // Only weak evidence: the best weak guess stands alone.
  if (present.empty() && !all.empty()) present.push_back(all.front());
  policy::Ranked ranked = policy::rank_intents(policies_, present, input.channel);

  ClassifierDecision d;
  d.language = input.language.empty() ? "unknown" : input.language;
  d.primary_intent = ranked.primary.intent;
  double primary_confidence = ranked.primary.confidence;
  if (primary_confidence <= 0) primary_confidence = kUnknownConfidence;
  for (const IntentScore& s : ranked.secondary) d.secondary_intents.push_back(s.intent);

  const policy::IntentPolicy* intent = policies_.intent(d.primary_intent);
  d.routing.destination_team = intent != nullptr ? intent->team : policies_.default_team;
  d.routing.confidence = primary_confidence;
  d.routing.needs_manual_triage = primary_confidence < policies_.thresholds.uncertain;
  for (const IntentScore& s : present) {
    if (policies_.is_tier0(s.intent)) {
      const policy::IntentPolicy* p = policies_.intent(s.intent);
      if (d.risk.flags.size() < kMaxRiskFlags && !contains(d.risk.flags, p->risk_flag)) {
        d.risk.flags.push_back(p->risk_flag);
      }
    }
  }
  d.risk.force_human = !d.risk.flags.empty();
  if (intent != nullptr && intent->tier == policy::TierPolicy::tier0) {
    d.automation.tier = "TIER_0_ESCALATION";
  } else if (intent != nullptr && intent->tier == policy::TierPolicy::tier2) {
    d.automation.tier = "TIER_2_VERIFIED";
    d.automation.requires_deterministic_match = true;
  } else {
    d.automation.tier = "TIER_1_SAFE_ASSIST";
  }
  if (intent != nullptr && !intent->tier1_template.empty() &&
      intent->tier != policy::TierPolicy::tier0) {
    d.automation.action = "SEND_TEMPLATE";
    d.automation.template_id = intent->tier1_template;
  }
  d.automation.confidence = primary_confidence;
  d.clarifying_questions = clarifying_questions(d.primary_intent, input.has_order_number);
  d.scores.push_back(IntentScore{d.primary_intent, primary_confidence});
  for (const IntentScore& s : all) {
    if (s.intent != d.primary_intent) d.scores.push_back(s);
  }
  d.model = "rules";
  d.prompt_version.clear();  // no prompt; the record carries the rules version
  return d;
}

}  // namespace rpmw::core::decision
