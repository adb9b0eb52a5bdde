#include "core/policy/lexicon_matcher.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>

namespace rpmw::core::policy {
namespace {

// A letter (ASCII or accented Latin), digit or underscore must not touch either end of a phrase.
// Small ranges, not \\p{L}: hundreds of phrases share one RE2::Set and each class is compiled
// into every one of them.
constexpr std::string_view kBefore = "(?:^|[^0-9A-Za-z_\\x{00C0}-\\x{024F}])";
constexpr std::string_view kAfter = "(?:$|[^0-9A-Za-z_\\x{00C0}-\\x{024F}])";

RE2::Options set_options() {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingUTF8);
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  options.set_max_mem(std::int64_t{16} << 20);  // per group set
  return options;
}

}  // namespace

bool ascii_word(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x80 && (std::isalnum(u) || c == '_');
}

std::string phrase_pattern(std::string_view phrase) {
  // An ASCII end takes RE2's cheap \b; only an accented end needs the class (\b is ASCII-only
  // and would never match after "é").
  const bool ascii_start = !phrase.empty() && ascii_word(phrase.front());
  const bool ascii_end = !phrase.empty() && ascii_word(phrase.back());
  std::string out(ascii_start ? std::string_view("\\b") : kBefore);
  const std::size_t prefix = out.size();
  bool pending_space = false;
  for (char c : phrase) {
    if (c == ' ' || c == '\t' || c == '\n') {
      pending_space = true;
      continue;
    }
    if (pending_space && out.size() > prefix) out += "\\s+";
    pending_space = false;
    if (c == '\'') {
      out += "['\u2019]?";
      continue;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80 && !std::isalnum(u)) out += '\\';
    out += c;
  }
  out += ascii_end ? std::string_view("\\b") : kAfter;
  return out;
}

// Several small RE2::Sets instead of one: a set's lazily built DFA has a state space that grows
// with the number of patterns in it, and on ever-new customer text one set of hundreds of
// patterns keeps building states (milliseconds per message). Sets of kPatternsPerSet converge
// quickly; more sets cost more scans of warm text, so the size balances first-sight against
// steady-state cost (bench/decision_bench.cpp prints both; 32, 64 and 128 were measured).
constexpr std::size_t kPatternsPerSet = 64;

struct LexiconMatcher::Impl {
  struct Chunk {
    Chunk() : set(set_options(), RE2::UNANCHORED) {}
    std::vector<int> entries;  // set index → entry index
    RE2::Set set;
  };
  std::vector<std::unique_ptr<Chunk>> chunks;
};

LexiconMatcher::LexiconMatcher(std::vector<LexiconEntry> entries, std::unique_ptr<Impl> impl)
    : entries_(std::move(entries)), impl_(std::move(impl)) {}
LexiconMatcher::~LexiconMatcher() = default;

Result<std::unique_ptr<LexiconMatcher>> LexiconMatcher::build(std::vector<LexiconEntry> entries) {
  auto impl = std::make_unique<Impl>();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (impl->chunks.empty() || impl->chunks.back()->entries.size() >= kPatternsPerSet) {
      impl->chunks.push_back(std::make_unique<Impl::Chunk>());
    }
    Impl::Chunk& chunk = *impl->chunks.back();
    const LexiconTerm& term = entries[i].term;
    const std::string pattern = term.regex ? term.text : phrase_pattern(term.text);
    std::string error;
    if (chunk.set.Add(pattern, &error) != static_cast<int>(chunk.entries.size())) {
      return fail(ErrorKind::invalid_input, "lexicon_pattern_invalid:" + std::to_string(i));
    }
    chunk.entries.push_back(static_cast<int>(i));
  }
  for (auto& chunk : impl->chunks) {
    if (!chunk->set.Compile()) return fail(ErrorKind::invalid_input, "lexicon_too_large");
  }
  return std::unique_ptr<LexiconMatcher>(new LexiconMatcher(std::move(entries), std::move(impl)));
}

std::vector<LexiconHit> LexiconMatcher::match(std::string_view text, bool* complete) const {
  std::vector<LexiconHit> hits;
  if (complete != nullptr) *complete = true;
  std::vector<int> matched;
  const re2::StringPiece piece(text.data(), text.size());
  for (const auto& chunk : impl_->chunks) {  // chunks hold consecutive entries: hits stay sorted
    matched.clear();
    RE2::Set::ErrorInfo error{RE2::Set::kNoError};
    const bool any = chunk->set.Match(piece, &matched, &error);
    if (!any && error.kind != RE2::Set::kNoError && complete != nullptr) *complete = false;
    std::sort(matched.begin(), matched.end());
    for (int index : matched) {
      const int entry = chunk->entries[static_cast<std::size_t>(index)];
      hits.push_back(LexiconHit{entries_[static_cast<std::size_t>(entry)].group, entry});
    }
  }
  return hits;
}

}  // namespace rpmw::core::policy
