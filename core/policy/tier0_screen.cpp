#include "core/policy/tier0_screen.h"

#include <algorithm>

namespace rpmw::core::policy {

Result<std::unique_ptr<Tier0Screen>> Tier0Screen::build(const PolicySet& policies) {
  std::vector<Tier0Hit> categories;
  std::vector<LexiconEntry> entries;
  for (const Tier0Category& category : policies.tier0) {
    const IntentPolicy* intent = policies.intent(category.intent);
    if (intent == nullptr || intent->tier != TierPolicy::tier0) {
      return fail(ErrorKind::invalid_input, "tier0_category_unknown");
    }
    const int group = static_cast<int>(categories.size());
    categories.push_back(Tier0Hit{intent->id, intent->risk_flag, 0, 0});
    for (const LexiconTerm& term : category.terms) entries.push_back(LexiconEntry{group, term});
  }
  auto matcher = LexiconMatcher::build(std::move(entries));
  if (!matcher) return tl::unexpected(matcher.error());
  return std::unique_ptr<Tier0Screen>(new Tier0Screen(std::move(categories), std::move(*matcher)));
}

Tier0Result Tier0Screen::screen(std::string_view normalized_text) const {
  std::vector<Tier0Hit> scored = categories_;
  bool complete = true;
  const std::vector<LexiconHit> hits = matcher_->match(normalized_text, &complete);
  for (const LexiconHit& hit : hits) {
    Tier0Hit& category = scored[static_cast<std::size_t>(hit.group)];
    category.weight += matcher_->entry(hit.entry).term.weight;
    ++category.terms;
  }
  Tier0Result result;
  result.failed = !complete;
  for (Tier0Hit& category : scored) {
    if (category.terms > 0) result.hits.push_back(std::move(category));
  }
  std::stable_sort(result.hits.begin(), result.hits.end(),
                   [](const Tier0Hit& a, const Tier0Hit& b) { return a.weight > b.weight; });
  return result;
}

}  // namespace rpmw::core::policy
