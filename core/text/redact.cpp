// Step 4 of spec/02: PII redaction with RE2 (linear time, no backtracking).
//
// Three combined passes, each skipped when a character it needs is absent:
//   1. URLs and emails          (needs '@', "://" or "www.")
//   2. names after greetings    (needs an upper-case letter or a non-ASCII byte)
//   3. everything with digits   (needs a digit): order numbers (kept), tracking numbers, phones,
//                               addresses, card-like runs (Luhn), ZIP codes.
// Names run before digits so the digit pass sees the same text on a second run, which keeps
// redact(redact(x)) == redact(x). Placeholders start with '<', which no pattern can extend across.
// A pass builds a new string only when it replaces something.
#include "core/text/redact.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/text/redact_patterns.h"
#include "core/text/utf8.h"

namespace rpmw::core::text {
namespace {

using namespace redact_patterns;  // NOLINT(google-build-using-namespace): our own data

constexpr std::size_t npos = std::string_view::npos;

// Word lists are kept as "a|b|c" strings: compact, and split once at construction.
std::vector<std::string_view> split_bar(std::string_view list) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i <= list.size();) {
    const std::size_t bar = std::min(list.find('|', i), list.size());
    out.push_back(list.substr(i, bar - i));
    i = bar + 1;
  }
  return out;
}

// Longest first, so "thanks again" is tried before "thanks" (as the regex prefers it).
std::vector<std::string_view> keywords_longest_first() {
  std::vector<std::string_view> k = split_bar(kNameKeywords);
  std::stable_sort(k.begin(), k.end(),
                   [](std::string_view a, std::string_view b) { return a.size() > b.size(); });
  return k;
}

std::string names_pattern() {
  std::string p = "\\b(?i:";
  bool first = true;
  for (std::string_view k : keywords_longest_first()) {
    if (!first) p += '|';
    first = false;
    p += re2::RE2::QuoteMeta(re2::StringPiece(k.data(), k.size()));
  }
  p += ")\\b[ \\t]*(?:";
  first = true;
  for (std::string_view c : kNamePunct) {
    if (!first) p += '|';
    first = false;
    p += re2::RE2::QuoteMeta(re2::StringPiece(c.data(), c.size()));
  }
  p += ")?\\s*(?:(?:";
  first = true;
  for (std::string_view t : kTitles) {
    if (!first) p += '|';
    first = false;
    p += t;
  }
  p += ")\\.?[ \\t]+)?{U}{N}*(?:[ \\t]+{U}{N}*){0,3}";
  return expand(p);
}

std::string combined_digit_pattern() {
  std::string p;
  for (const char* k : kKindPatterns) {
    if (!p.empty()) p += '|';
    p += "(?:" + expand(k) + ")";
  }
  return p;
}

bool is_not_name(std::string_view word) {
  static const std::unordered_set<std::string_view> kSet = [] {
    const auto words = split_bar(kNotNames);
    return std::unordered_set<std::string_view>(words.begin(), words.end());
  }();
  if (word.size() < 2) return true;  // "I", initials
  std::string lower;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (word[i] == '\'' || word.substr(i).starts_with("’")) break;  // "There's", "Team’s"
    lower.push_back(utf8::ascii_lower(word[i]));
  }
  return kSet.count(lower) > 0;
}

// ---- helpers --------------------------------------------------------------------------------

// Copies the input once, on the first replacement only.
class Rewriter {
 public:
  explicit Rewriter(std::string_view in) : in_(in) {}
  void replace(std::size_t begin, std::size_t end, std::string_view token) {
    if (!changed_) out_.reserve(in_.size());
    changed_ = true;
    out_.append(in_.substr(last_, begin - last_));
    out_.append(token);
    last_ = end;
  }
  bool changed() const { return changed_; }
  std::string finish() {
    out_.append(in_.substr(last_));
    return std::move(out_);
  }

 private:
  std::string_view in_;
  std::string out_;
  std::size_t last_ = 0;
  bool changed_ = false;
};

re2::RE2::Options options(std::int64_t max_mem) {
  re2::RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(max_mem);
  return o;
}

bool is_sep(char c) {
  return c == ' ' || c == '.' || c == '-';
}

int count_digits(std::string_view s) {
  int n = 0;
  for (char c : s) n += utf8::ascii_digit(c) ? 1 : 0;
  return n;
}

// Message-level cues for ambiguous digit runs. Whole-message (not a window) so that shrinking
// earlier matches into placeholders cannot change the verdict on a second run. A cue preceded by
// '<' is a placeholder ("<PHONE>", "<TRACKING_NUMBER>") and does not count.
struct Cues {
  bool phone = false;
  bool tracking = false;
  bool dhl = false;
};

bool has_cue(std::string_view s, std::string_view cue, bool whole_word) {
  for (std::size_t p = utf8::find_ci(s, cue); p != npos; p = utf8::find_ci(s, cue, p + 1)) {
    const bool starts = p == 0 || (!utf8::ascii_alpha(s[p - 1]) && s[p - 1] != '<');
    const std::size_t e = p + cue.size();
    const bool ends = !whole_word || e >= s.size() || !utf8::ascii_alpha(s[e]);
    if (starts && ends) return true;
  }
  return false;
}

Cues find_cues(std::string_view s) {
  Cues c;
  for (std::string_view w : {"track", "fedex", "fed ex", "seguimiento", "rastre"}) {
    c.tracking = c.tracking || has_cue(s, w, false);
  }
  c.dhl = has_cue(s, "dhl", false);
  for (std::string_view w : {"phone", "call", "cell", "mobile", "whatsapp", "telef", "teléf",
                             "móvil", "movil", "celular", "llam", "llám", "sms", "text me"}) {
    c.phone = c.phone || has_cue(s, w, false);
  }
  c.phone = c.phone || has_cue(s, "tel", true);
  return c;
}

}  // namespace

bool luhn_valid(std::string_view digits) {
  int sum = 0;
  int n = 0;
  for (std::size_t i = digits.size(); i-- > 0;) {
    if (!utf8::ascii_digit(digits[i])) continue;
    int d = digits[i] - '0';
    if (n % 2 == 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    ++n;
  }
  return n >= 13 && sum % 10 == 0;
}

struct Redactor::Patterns {
  re2::RE2 url_email{kUrlEmail, options(8 << 20)};
  re2::RE2 names{names_pattern(), options(8 << 20)};
  std::vector<std::string_view> keywords = keywords_longest_first();
  re2::RE2 digits{combined_digit_pattern(), options(32 << 20)};
  std::array<std::unique_ptr<re2::RE2>, kKinds> kinds;  // each kind alone, to classify a span

  Patterns() {
    for (std::size_t k = 0; k < kinds.size(); ++k) {
      kinds[k] = std::make_unique<re2::RE2>(expand(kKindPatterns[k]), options(8 << 20));
    }
  }

  // Which kind the combined pattern matched at [b, e). Kinds before the chosen one cannot match
  // at b at all (leftmost-first), so the first kind that matches exactly [b, e) is it. The first
  // byte rules most kinds out; each test is a capture-free anchored DFA run.
  Kind classify(const re2::StringPiece& text, std::size_t b, std::size_t e) const {
    static constexpr Kind kAfterLetter[] = {kProtect, kTrackCtx, kPostal, kTrackFixed, kAddress};
    static constexpr Kind kAfterDigit[] = {kTrackFixed, kAddress, kFixedPhone, kNationalPhone,
                                           kDigitRun};
    const char c = text[b];
    if (c == '+') return kIntlPhone;
    if (c == '#') return kProtect;
    if (c == '(') return kFixedPhone;
    for (Kind k : utf8::ascii_digit(c) ? std::span<const Kind>(kAfterDigit)
                                       : std::span<const Kind>(kAfterLetter)) {
      if (kinds[k]->Match(text, b, e, re2::RE2::ANCHOR_BOTH, nullptr, 0)) return k;
    }
    return kKinds;
  }

  bool phone_at(const re2::StringPiece& text, std::size_t b) const {
    return kinds[kFixedPhone]->Match(text, b, text.size(), re2::RE2::ANCHOR_START, nullptr, 0) ||
           kinds[kNationalPhone]->Match(text, b, text.size(), re2::RE2::ANCHOR_START, nullptr, 0);
  }

  struct NameSplit {
    bool ok = false;
    bool best = false;   // the keyword was "best"
    bool punct = false;  // punctuation between keyword and name
    std::size_t name_begin = 0;
  };
  NameSplit split_name(std::string_view in, std::size_t b, std::size_t e) const;

  std::string url_email_pass(std::string_view in, RedactionCounts& counts) const;
  std::string names_pass(std::string_view in, RedactionCounts& counts) const;
  std::string digits_pass(std::string_view in, RedactionCounts& counts) const;
};

namespace {

using Piece = re2::StringPiece;

std::size_t offset(std::string_view in, const Piece& p) {
  return static_cast<std::size_t>(p.data() - in.data());
}

// Trailing punctuation usually belongs to the sentence, not the URL.
std::size_t trim_url_end(std::string_view in, std::size_t begin, std::size_t end) {
  while (end > begin + 1) {
    const char c = in[end - 1];
    const std::string_view span = in.substr(begin, end - begin);
    const bool unbalanced =
        (c == ')' && span.find('(') == npos) || (c == ']' && span.find('[') == npos) || c == '}';
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '*' ||
        unbalanced) {
      --end;
    } else {
      break;
    }
  }
  return end;
}

}  // namespace

std::string Redactor::Patterns::url_email_pass(std::string_view in, RedactionCounts& counts) const {
  Rewriter rw(in);
  Piece m;
  std::size_t pos = 0;
  while (pos < in.size() && url_email.Match(Piece(in.data(), in.size()), pos, in.size(),
                                            re2::RE2::UNANCHORED, &m, 1)) {
    const std::size_t b = offset(in, m);
    std::size_t e = b + m.size();
    // The URL alternative comes first, so a span with a URL prefix is a URL.
    const std::string_view span = in.substr(b, e - b);
    if (utf8::starts_with_ci(span, "http://") || utf8::starts_with_ci(span, "https://") ||
        utf8::starts_with_ci(span, "www.")) {
      e = trim_url_end(in, b, e);
      rw.replace(b, e, kUrlToken);
      ++counts.urls;
    } else {
      rw.replace(b, e, kEmailToken);
      ++counts.emails;
    }
    pos = e;
  }
  return rw.changed() ? rw.finish() : std::string();
}

namespace {

bool is_blank_char(char c) {
  return c == ' ' || c == '\t';
}

// The name part must start with a capital (the pattern checked the rest: 1–4 words).
bool plausible_name(std::string_view s) {
  if (s.empty()) return false;
  const auto first = static_cast<unsigned char>(s[0]);
  return (first >= 'A' && first <= 'Z') || first >= 0x80;
}

}  // namespace

// Splits a names match [b, e) into keyword, punctuation and name, trying the keywords in the
// pattern's order of preference.
Redactor::Patterns::NameSplit Redactor::Patterns::split_name(std::string_view in, std::size_t b,
                                                             std::size_t e) const {
  const std::string_view span = in.substr(b, e - b);
  for (std::string_view kw : keywords) {
    if (!utf8::starts_with_fold(span, kw)) continue;
    std::size_t i = kw.size();
    if (i < span.size() && utf8::ascii_alnum(span[i])) continue;  // \b after the keyword
    while (i < span.size() && is_blank_char(span[i])) ++i;
    bool punct = false;
    for (std::string_view c : kNamePunct) {
      if (span.substr(i).starts_with(c)) {
        i += c.size();
        punct = true;
        break;
      }
    }
    while (i < span.size() && (is_blank_char(span[i]) || span[i] == '\n' || span[i] == '\r' ||
                               span[i] == '\f' || span[i] == '\v')) {
      ++i;
    }
    // An optional title, which the pattern prefers to consume ("Dear Mr. Smith" → "Smith").
    for (std::string_view t : kTitles) {
      if (!span.substr(i).starts_with(t)) continue;
      std::size_t j = i + t.size();
      if (j < span.size() && span[j] == '.') ++j;
      if (j >= span.size() || !is_blank_char(span[j])) continue;
      while (j < span.size() && is_blank_char(span[j])) ++j;
      if (plausible_name(span.substr(j))) i = j;
      break;
    }
    if (!plausible_name(span.substr(i))) continue;
    return {true, kw == "best", punct, b + i};
  }
  return {};
}

std::string Redactor::Patterns::names_pass(std::string_view in, RedactionCounts& counts) const {
  Rewriter rw(in);
  Piece m;
  std::size_t pos = 0;
  while (pos < in.size() &&
         names.Match(Piece(in.data(), in.size()), pos, in.size(), re2::RE2::UNANCHORED, &m, 1)) {
    const std::size_t b = offset(in, m);
    const std::size_t e = b + m.size();
    const NameSplit split = split_name(in, b, e);
    if (!split.ok) {
      pos = b + 1;  // a case folding the splitter does not know: skip, never loop
      continue;
    }
    const std::size_t name_b = split.name_begin;
    const std::string_view name = in.substr(name_b, e - name_b);
    // "Best Buy" is a shop; "Best, Sam" and "Best\nSam" are sign-offs.
    if (split.best && !split.punct && in.substr(b, name_b - b).find('\n') == npos) {
      pos = name_b;
      continue;
    }
    // Keep the words before the first non-name ("Jane Please help" → "Jane").
    std::size_t kept_end = 0;
    std::size_t i = 0;
    while (i < name.size()) {
      std::size_t j = i;
      while (j < name.size() && !is_blank_char(name[j])) ++j;
      if (is_not_name(name.substr(i, j - i))) break;
      kept_end = j;
      i = j;
      while (i < name.size() && is_blank_char(name[i])) ++i;
    }
    if (kept_end == 0) {
      pos = name_b;  // "Hi Team": the next keyword may start inside
      continue;
    }
    rw.replace(name_b, name_b + kept_end, kNameToken);
    ++counts.names;
    pos = name_b + kept_end;
  }
  return rw.changed() ? rw.finish() : std::string();
}

std::string Redactor::Patterns::digits_pass(std::string_view in, RedactionCounts& counts) const {
  Rewriter rw(in);
  Piece m;
  const Piece text(in.data(), in.size());
  bool have_cues = false;
  Cues cues;
  std::size_t pos = 0;
  while (pos < in.size() && digits.Match(text, pos, in.size(), re2::RE2::UNANCHORED, &m, 1)) {
    const std::size_t b = offset(in, m);
    const std::size_t e = b + m.size();
    const std::string_view span = in.substr(b, e - b);
    pos = e;
    switch (classify(text, b, e)) {
      case kProtect: {
        // "order 555-123-4567" is a phone that happens to follow the word "order".
        const std::size_t d = b + span.find_first_of("0123456789");
        if (phone_at(text, d)) pos = d;
        break;
      }
      case kTrackCtx: {
        std::size_t t = e;
        while (t > b && utf8::ascii_alnum(in[t - 1])) --t;
        if (count_digits(in.substr(t, e - t)) > 0) {
          rw.replace(t, e, kTrackingToken);
          ++counts.tracking_numbers;
        }
        break;
      }
      case kPostal: {
        std::size_t t = e;
        while (t > b && (utf8::ascii_digit(in[t - 1]) || in[t - 1] == '-')) --t;
        rw.replace(t, e, kAddressToken);
        ++counts.addresses;
        break;
      }
      case kTrackFixed:
        rw.replace(b, e, kTrackingToken);
        ++counts.tracking_numbers;
        break;
      case kIntlPhone: {
        // E.164 allows at most 15 digits: drop trailing groups that belong to something else.
        std::size_t end = e;
        int n = count_digits(span);
        while (n > 15) {
          std::size_t q = end;
          while (q > b + 1 && !is_sep(in[q - 1])) --q;
          if (q <= b + 1) break;
          end = q - 1;
          n = count_digits(in.substr(b, end - b));
        }
        if (n >= 8 && n <= 15) {
          rw.replace(b, end, kPhoneToken);
          ++counts.phones;
          pos = end;
        }
        break;
      }
      case kAddress:
        rw.replace(b, e, kAddressToken);
        ++counts.addresses;
        break;
      case kFixedPhone:
        rw.replace(b, e, kPhoneToken);
        ++counts.phones;
        break;
      case kNationalPhone: {
        const int n = count_digits(span);
        if (n >= 9 && n <= 12) {
          rw.replace(b, e, kPhoneToken);
          ++counts.phones;
        }
        break;
      }
      case kDigitRun: {
        if (!have_cues) {
          cues = find_cues(in);
          have_cues = true;
        }
        const int n = count_digits(span);
        const bool usps_lead = span.starts_with("92") || span.starts_with("93") ||
                               span.starts_with("94") || span.starts_with("420");
        std::string_view token;
        int* counter = nullptr;
        if (n >= 20 && (n <= 22 || usps_lead)) {
          token = kTrackingToken;  // USPS
          counter = &counts.tracking_numbers;
        } else if ((n == 12 || n == 15) && cues.tracking) {
          token = kTrackingToken;  // FedEx
          counter = &counts.tracking_numbers;
        } else if (n == 10 && cues.dhl) {
          token = kTrackingToken;  // DHL
          counter = &counts.tracking_numbers;
        } else if (n >= 13 && n <= 19 && luhn_valid(span)) {
          token = kCardToken;
          counter = &counts.cards;
        } else if ((n == 10 || n == 11) && cues.phone) {
          token = kPhoneToken;  // "call me at 5551234567"
          counter = &counts.phones;
        }
        if (counter != nullptr) {
          rw.replace(b, e, token);
          ++*counter;
        }
        break;
      }
      default:
        break;
    }
  }
  return rw.changed() ? rw.finish() : std::string();
}

Redactor::Redactor() : patterns_(std::make_unique<Patterns>()) {
  // The patterns are constants: failing to compile is a programming error caught by any test.
  std::vector<const re2::RE2*> all = {&patterns_->url_email, &patterns_->names, &patterns_->digits};
  for (const auto& k : patterns_->kinds) all.push_back(k.get());
  for (const re2::RE2* re : all) {
    if (!re->ok()) {
      std::fprintf(stderr, "rpmw: redaction pattern does not compile: %s\n", re->error().c_str());
      std::abort();
    }
  }
}

Redactor::~Redactor() = default;

Redacted Redactor::redact(std::string_view text) const {
  Redacted result;
  bool has_at = false;
  bool has_digit = false;
  bool has_upper = false;
  for (char c : text) {
    has_at = has_at || c == '@';
    has_digit = has_digit || utf8::ascii_digit(c);
    has_upper = has_upper || (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80;
  }
  const bool has_url = text.find("://") != npos || utf8::find_ci(text, "www.") != npos;

  std::string current;  // empty while nothing was replaced
  auto view = [&]() { return current.empty() ? text : std::string_view(current); };
  auto apply = [&](std::string next) {
    if (!next.empty()) current = std::move(next);
  };
  if (has_at || has_url) apply(patterns_->url_email_pass(view(), result.counts));
  if (has_upper) apply(patterns_->names_pass(view(), result.counts));
  if (has_digit) apply(patterns_->digits_pass(view(), result.counts));
  result.text = current.empty() ? std::string(text) : std::move(current);
  return result;
}

const Redactor& default_redactor() {
  static const Redactor instance;
  return instance;
}

}  // namespace rpmw::core::text
