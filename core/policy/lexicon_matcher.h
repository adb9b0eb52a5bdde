#pragma once
// Many lexicon terms matched in one pass (RE2::Set: linear time, no backtracking). Phrases match
// on Unicode word boundaries, case-insensitively, with any whitespace between words and an
// optional apostrophe where the phrase has one; regex terms are RE2 patterns used as written.
// Immutable after construction and safe to share between threads.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"
#include "core/policy/policy_set.h"

namespace rpmw::core::policy {

struct LexiconEntry {
  int group = 0;  // caller's index (category or intent)
  LexiconTerm term;
};

struct LexiconHit {
  int group = 0;
  int entry = 0;  // index into the entries given at build time
};

class LexiconMatcher {
 public:
  // Fails with invalid_input "lexicon_pattern_invalid:<n>" for the first term RE2 rejects.
  static Result<std::unique_ptr<LexiconMatcher>> build(std::vector<LexiconEntry> entries);
  ~LexiconMatcher();

  // Every entry that matches somewhere in `text`, in entry order. `complete` is false when RE2
  // could not finish (its DFA ran out of memory on a hostile input): the caller must then fail
  // closed instead of trusting an empty result.
  std::vector<LexiconHit> match(std::string_view text, bool* complete = nullptr) const;
  const LexiconEntry& entry(int index) const { return entries_[static_cast<std::size_t>(index)]; }
  std::size_t size() const { return entries_.size(); }

 private:
  struct Impl;
  LexiconMatcher(std::vector<LexiconEntry> entries, std::unique_ptr<Impl> impl);
  std::vector<LexiconEntry> entries_;
  std::unique_ptr<Impl> impl_;
};

// The RE2 pattern a phrase compiles to (exposed for tests and `config check`).
std::string phrase_pattern(std::string_view phrase);

}  // namespace rpmw::core::policy
