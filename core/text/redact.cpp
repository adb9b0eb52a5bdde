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

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/text/utf8.h"

namespace rpmw::core::text {
namespace {

constexpr std::size_t npos = std::string_view::npos;

// ---- pattern text --------------------------------------------------------------------------

constexpr const char* kUrlEmail =
    R"((\b(?i:https?://|www\.)[^\s<>"'`]+))"
    R"(|([A-Za-z0-9._%+\-]+@(?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,24}\b))";

// Group 1: the greeting / sign-off / introduction, 2: its punctuation, 3: the capitalised words.
constexpr const char* kNames =
    R"(\b((?i:hi|hello|hey|dear|greetings|good (?:morning|afternoon|evening)|hola)"
    R"(|buen(?:os|as) (?:d[ií]as|tardes|noches)|estimad[oa]s?|querid[oa]s?)"
    R"(|thanks(?: (?:so much|again|a lot))?|thank you(?: (?:so much|again|very much))?)"
    R"(|many thanks|thx|best regards|kind regards|warm regards|warmest regards|best wishes)"
    R"(|regards|all the best|best|yours sincerely|sincerely yours|sincerely|yours truly)"
    R"(|respectfully|cheers|muchas gracias|gracias|saludos cordiales|saludos|un saludo)"
    R"(|atentamente|cordialmente|my name is|this is|me llamo|mi nombre es|soy))\b)"
    R"([ \t]*([,!:;\-–—]?)\s*(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Sr|Sra|Srta)\.?[ \t]+)?)"
    R"((\p{Lu}[\p{L}'’\-]*(?:[ \t]+\p{Lu}[\p{L}'’\-]*){0,2}))";

// Words allowed between a keyword ("order", "tracking") and its number.
constexpr const char* kFiller =
    R"((?:[ \t]+(?:(?i:number|num|no|nr|id|code|n[úu]mero|is|was|es|de|del|env[ií]o)\b)"
    R"(|n[º°])\.?){0,3}[ \t]*[:#]?[ \t]*#?[ \t]*)";

constexpr const char* kStates =
    R"((?:A[KLRZ]|C[AOT]|D[CE]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|P[AR])"
    R"(|RI|S[CD]|T[NX]|UT|V[AIT]|W[AIVY]))";

constexpr const char* kCity = R"(\p{Lu}\p{Ll}+(?:[ \t]+\p{Lu}\p{Ll}+){0,2})";

constexpr const char* kUsStreet =
    R"(\b\d{1,6}[A-Za-z]?(?:[ \t]+(?:\p{Lu}[\p{L}'’.\-]*|\d{1,3}(?:st|nd|rd|th))){1,4}[ \t]+)"
    R"((?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Terrace)"
    R"(|Ter|Place|Pl|Circle|Cir|Highway|Hwy|Parkway|Pkwy|Square|Sq|Trail|Trl|Alley)\b\.?)"
    R"((?:[ \t]+(?:N|S|E|W|NE|NW|SE|SW)\b)?)"
    R"((?:,?[ \t]+(?:Apt|Apartment|Suite|Ste|Unit|Fl|Floor|Rm|Room|#)\.?[ \t]?#?[A-Za-z0-9\-]{1,6}\b)?)";

constexpr const char* kEsStreet =
    R"(\b(?i:calle|c/|avenida|avda\.?|av\.?|paseo|plaza|pza\.?|camino|carrera|ronda|traves[ií]a)"
    R"(|carretera|glorieta|rambla)[ \t]+)"
    R"((?:(?:de|del|la|las|los|el|y)[ \t]+|\p{Lu}[\p{L}'’.\-]*,?[ \t]+){1,5})"
    R"((?:(?i:n[º°o]\.?|num\.?|n[úu]mero)[ \t]*)?\d{1,5}[A-Za-z]?\b)"
    R"((?:,?[ \t]*\d{1,2}[º°ª](?:[ \t]?[A-Za-z]\b)?)?)";

// Fixed-format phones: NANP with separators, Spanish 3-2-2-2 / 3-3-3.
constexpr const char* kFixedPhoneRe =
    R"((?:\b1[ .\-]?)?(?:\(\d{3}\)[ .\-]?|\b\d{3}[ .\-])\d{3}[ .\-]\d{4}\b)"
    R"(|\b[6789]\d{2}(?:[ .]\d{2}){3}\b|\b[6789]\d{2}[ .]\d{3}[ .]\d{3}\b)";

// National format with a trunk 0 ("020 7946 0958", "030 12345678"); digit count checked in code.
constexpr const char* kNationalPhoneRe = R"(\b0\d{1,4}[ /\-]?\d{3,8}(?:[ \-]\d{2,4}){0,2}\b)";

enum DigitGroup {
  kProtect = 1,  // order numbers: kept verbatim
  kTrackCtx,     // "tracking number: X"
  kPostal,       // "zip code 62704"
  kTrackFixed,   // UPS 1Z…, S10 "LZ123456789US", Amazon TBA…
  kIntlPhone,    // +CC …
  kAddress,      // streets, P.O. boxes, "City, ST 12345"
  kFixedPhone,
  kNationalPhone,
  kDigitRun,     // 10–34 digits, or card-style groups: cards, USPS, FedEx, DHL, bare phones
  kDigitGroups,
};

std::string digit_pattern() {
  const std::string filler = kFiller;
  std::string p;
  p += R"((\b(?i:order|pedido|orden|compra)s?)" + filler +
       R"((?:\d{3}-\d{7}-\d{7}|\d{3,12})\b|#[ \t]?\d{3,12}\b))";
  p += R"(|(\b(?i:tracking|track|seguimiento|rastreo))" + filler + R"([A-Za-z0-9]{8,34}\b))";
  p += R"(|(\b(?i:zip(?:[ \t]*code)?|postal[ \t]*code|post[ \t]*code|c[óo]digo[ \t]+postal))"
       R"((?:[ \t]+(?i:is|es))?[ \t]*[:#]?[ \t]*\d{5}(?:-\d{4})?\b))";
  p += R"(|(\b(?:1[Zz][0-9A-Za-z]{16}|[A-Z]{2}\d{9}[A-Z]{2}|TBA\d{12})\b))";
  p += R"(|(\+\d{1,3}(?:[ .\-]?\(\d{1,4}\)[ .\-]?\d{2,8}|[ .\-]?\d{2,12})(?:[ .\-]\d{2,8}){0,5}\b))";
  const std::string city_zip = std::string(kCity) + ",?[ \\t]+" + kStates + R"([ \t]+\d{5}(?:-\d{4})?\b)";
  p += "|(" + std::string(kUsStreet) + "(?:,?\\s+" + city_zip + ")?";
  p += R"(|\b(?i:p\.?[ \t]?o\.?[ \t]*box)[ \t]+\d{1,8}\b)";
  p += "|" + std::string(kEsStreet);
  p += "|\\b" + std::string(kCity) + ",[ \\t]*" + kStates + R"([ \t]+\d{5}(?:-\d{4})?\b))";
  p += "|(" + std::string(kFixedPhoneRe) + ")";
  p += "|(" + std::string(kNationalPhoneRe) + ")";
  p += R"(|(\b\d{4}(?:[ \-]\d{4}){2,4}(?:[ \-]\d{1,4})?\b|\b\d{4}[ \-]\d{6}[ \-]\d{4,5}\b)"
       R"(|\b\d{10,34}\b))";
  return p;
}

// Capitalised words that follow greetings but are not names ("Hi Team", "Thanks Again").
constexpr std::string_view kNotNames[] = {
    "team",     "there",    "all",      "everyone", "everybody", "guys",     "folks",   "support",
    "sir",      "madam",    "maam",     "customer", "customers", "service",  "services", "care",
    "help",     "helpdesk", "friend",   "friends",  "again",     "so",       "for",     "in",
    "on",       "at",       "you",      "yes",      "no",        "ok",       "okay",    "please",
    "pls",      "and",      "or",       "but",      "the",       "my",       "our",     "your",
    "we",       "im",       "it",       "its",      "this",      "that",     "is",      "hello",
    "hi",       "hey",      "dear",     "thanks",   "thank",     "regards",  "best",    "advance",
    "much",     "very",     "from",     "to",       "order",     "orders",   "pedido",  "equipo",
    "soporte",  "todos",    "todas",    "hola",     "gracias",   "buenas",   "buenos",  "amigo",
    "amigos",   "cliente",  "servicio", "admin",    "staff",     "agent",    "sales",   "billing",
    "store",    "shop",     "where",    "what",     "when",      "why",      "how",     "can",
    "could",    "would",    "will",     "just",     "not",       "still",    "about",   "urgent",
};

bool is_not_name(std::string_view word) {
  if (word.size() < 2) return true;  // "I", initials
  std::string lower;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (word[i] == '\'' || word.substr(i).starts_with("’")) break;  // "There's", "Team’s"
    lower.push_back(utf8::ascii_lower(word[i]));
  }
  for (std::string_view w : kNotNames) {
    if (w == lower) return true;
  }
  return false;
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

bool is_sep(char c) { return c == ' ' || c == '.' || c == '-'; }

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
  re2::RE2 names{kNames, options(16 << 20)};
  re2::RE2 digits{digit_pattern(), options(64 << 20)};
  re2::RE2 phone_at{std::string(kFixedPhoneRe) + "|" + kNationalPhoneRe, options(8 << 20)};

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
    const bool unbalanced = (c == ')' && span.find('(') == npos) ||
                            (c == ']' && span.find('[') == npos) || c == '}';
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

std::string Redactor::Patterns::url_email_pass(std::string_view in,
                                               RedactionCounts& counts) const {
  Rewriter rw(in);
  std::array<Piece, 3> g;
  std::size_t pos = 0;
  while (pos < in.size() &&
         url_email.Match(Piece(in.data(), in.size()), pos, in.size(), re2::RE2::UNANCHORED,
                         g.data(), static_cast<int>(g.size()))) {
    const std::size_t b = offset(in, g[0]);
    std::size_t e = b + g[0].size();
    if (g[1].data() != nullptr) {
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

std::string Redactor::Patterns::names_pass(std::string_view in, RedactionCounts& counts) const {
  Rewriter rw(in);
  std::array<Piece, 4> g;
  std::size_t pos = 0;
  while (pos < in.size() && names.Match(Piece(in.data(), in.size()), pos, in.size(),
                                        re2::RE2::UNANCHORED, g.data(), 4)) {
    const std::size_t kw_end = offset(in, g[1]) + g[1].size();
    const std::size_t name_b = offset(in, g[3]);
    const std::string_view name(g[3].data(), g[3].size());
    // "Best Buy" is a shop; "Best, Sam" and "Best\nSam" are sign-offs.
    const bool best = g[1].size() == 4 && utf8::starts_with_ci(std::string_view(g[1].data(), 4),
                                                                "best");
    if (best && g[2].empty() && in.substr(kw_end, name_b - kw_end).find('\n') == npos) {
      pos = name_b;
      continue;
    }
    // Keep the words before the first non-name ("Jane Please help" → "Jane").
    std::size_t kept_end = 0;
    std::size_t i = 0;
    while (i < name.size()) {
      std::size_t j = i;
      while (j < name.size() && name[j] != ' ' && name[j] != '\t') ++j;
      if (is_not_name(name.substr(i, j - i))) break;
      kept_end = j;
      i = j;
      while (i < name.size() && (name[i] == ' ' || name[i] == '\t')) ++i;
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
  std::array<Piece, kDigitGroups> g;
  const Piece text(in.data(), in.size());
  bool have_cues = false;
  Cues cues;
  std::size_t pos = 0;
  while (pos < in.size() && digits.Match(text, pos, in.size(), re2::RE2::UNANCHORED, g.data(),
                                         kDigitGroups)) {
    const std::size_t b = offset(in, g[0]);
    const std::size_t e = b + g[0].size();
    const std::string_view span = in.substr(b, e - b);
    int group = 1;
    while (group < kDigitGroups && g[group].data() == nullptr) ++group;
    pos = e;
    switch (group) {
      case kProtect: {
        // "order 555-123-4567" is a phone that happens to follow the word "order".
        const std::size_t d = b + span.find_first_of("0123456789");
        if (phone_at.Match(text, d, in.size(), re2::RE2::ANCHOR_START, nullptr, 0)) pos = d;
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
  for (const re2::RE2* re : {&patterns_->url_email, &patterns_->names, &patterns_->digits,
                             &patterns_->phone_at}) {
    if (!re->ok()) {
      std::fprintf(stderr, "rpmw: redaction pattern does not compile: %s\n",
                   re->error().c_str());
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
