#include <doctest/doctest.h>

#include "app/policy/policy_loader.h"
#include "core/policy/lexicon_matcher.h"
#include "core/policy/tier0_screen.h"

using rpmw::core::policy::LexiconEntry;
using rpmw::core::policy::LexiconMatcher;
using rpmw::core::policy::LexiconTerm;
using rpmw::core::policy::Tier0Screen;

namespace {

std::unique_ptr<LexiconMatcher> matcher(std::vector<std::string> phrases) {
  std::vector<LexiconEntry> entries;
  for (auto& p : phrases) {
    LexiconTerm term;
    term.regex = p.rfind("re:", 0) == 0;
    term.text = term.regex ? p.substr(3) : p;
    entries.push_back({static_cast<int>(entries.size()), term});
  }
  auto built = LexiconMatcher::build(std::move(entries));
  REQUIRE(built.has_value());
  return std::move(*built);
}

std::vector<std::string> screen(const std::string& text) {
  static const auto set = rpmw::app::load_policies({}).set;
  static const auto built = Tier0Screen::build(set);
  REQUIRE(built.has_value());
  std::vector<std::string> intents;
  for (const auto& hit : (*built)->screen(text).hits) intents.push_back(hit.intent);
  return intents;
}

}  // namespace

TEST_CASE("core/policy: lexicon phrases match whole words, any case and spacing") {
  auto m = matcher({"sue", "charge back", "where's my order", "demandaré", "wi-fi"});
  CHECK(m->match("I will SUE you").size() == 1);
  CHECK(m->match("I will sue.").size() == 1);
  CHECK(m->match("pursue it").empty());  // not inside a word
  CHECK(m->match("Suez canal").empty());
  CHECK(m->match("I'll do a charge\n  back").size() == 1);
  CHECK(m->match("wheres my order").size() == 1);        // apostrophe optional
  CHECK(m->match("where\u2019s my order").size() == 1);  // typographic apostrophe
  CHECK(m->match("LOS DEMANDARÉ").size() == 1);          // Unicode case folding
  CHECK(m->match("los demandaré mañana").size() == 1);
  CHECK(m->match("demandaréis").empty());  // accented letters are word characters too
  CHECK(m->match("my wi-fi is down").size() == 1);
  const auto hits = m->match("sue them, or a charge back");
  REQUIRE(hits.size() == 2);
  CHECK(hits[0].entry == 0);
  CHECK(hits[1].entry == 1);
}

TEST_CASE("core/policy: regex lexicon terms and invalid patterns") {
  auto m = matcher({"re:\\bcall(ing)? my bank\\b"});
  CHECK(m->match("I am calling my bank now").size() == 1);
  CHECK(m->match("I called a bank").empty());
  LexiconTerm bad;
  bad.regex = true;
  bad.text = "(unclosed";
  auto built = LexiconMatcher::build({{0, bad}});
  REQUIRE_FALSE(built.has_value());
  CHECK(built.error().code == "lexicon_pattern_invalid:0");
  // Linear time on hostile input: a pathological-for-backtracking pattern returns quickly.
  auto evil = matcher({"re:(a+)+b"});
  CHECK(evil->match(std::string(100000, 'a')).empty());
}

TEST_CASE("core/policy: the Tier 0 screen finds each category in English and Spanish") {
  struct Case {
    const char* text;
    const char* intent;
  };
  for (const Case& c : {
           Case{"I will file a chargeback with my bank", "chargeback_dispute"},
           Case{"I'm disputing the charge with Visa", "chargeback_dispute"},
           Case{"my credit card company will reverse this", "chargeback_dispute"},
           Case{"Voy a pedir un contracargo", "chargeback_dispute"},
           Case{"You will hear from my attorney", "legal_threat"},
           Case{"I've reported this to the BBB", "legal_threat"},
           Case{"Hablaré con mi abogado", "legal_threat"},
           Case{"There is an unauthorized charge on my card", "fraud_suspected"},
           Case{"I never placed this order", "fraud_suspected"},
           Case{"someone used my card to buy this", "fraud_suspected"},
           Case{"alguien usó mi tarjeta", "fraud_suspected"},
           Case{"I know where you live", "harassment_threats"},
           Case{"you will regret this", "harassment_threats"},
           Case{"I'll post your address online", "harassment_threats"},
           Case{"te vas a arrepentir", "harassment_threats"},
       }) {
    CAPTURE(c.text);
    const auto hits = screen(c.text);
    CHECK(std::find(hits.begin(), hits.end(), c.intent) != hits.end());
  }
}

TEST_CASE("core/policy: the Tier 0 screen has no negation handling and ignores plain text") {
  // A false positive is acceptable; a false negative is not.
  CHECK_FALSE(screen("I do not want to file a chargeback").empty());
  CHECK(screen("Where is my order 1042? It has been a week.").empty());
  CHECK(screen("Can I return these shoes for a smaller size?").empty());
  const auto several = screen("This is fraud and my lawyer will sue");
  CHECK(several.size() == 2);
}
