// Step 2 of spec/02. Every stage is one left-to-right pass (searches only move forward or look
// back a bounded distance), so hostile input costs linear time.
#include "core/text/normalize.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/text/utf8.h"

namespace rpmw::core::text {
namespace {

constexpr std::size_t npos = std::string_view::npos;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return is_space(c); });
}

std::string_view ltrim(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

std::string_view rtrim(std::string_view s) {
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// True when s[i] starts a word: at the start or after whitespace / punctuation.
bool at_word_start(std::string_view s, std::size_t i) {
  if (i == 0) return true;
  const char prev = s[i - 1];
  return !utf8::ascii_alnum(prev) && static_cast<unsigned char>(prev) < 0x80;
}

// --- HTML ------------------------------------------------------------------------------------

enum class TagKind { kInline, kBreak, kCell, kBlockquote, kDropContent, kSpace };

TagKind classify_tag(std::string_view lower_name) {
  static constexpr std::string_view kBlocks[] = {
      "br",     "p",    "div", "li",      "ul",      "ol",     "tr",     "table",
      "h1",     "h2",   "h3",  "h4",      "h5",      "h6",     "hr",     "pre",
      "dd",     "dt",   "dl",  "section", "article", "header", "footer", "address",
      "center", "form", "nav", "aside",   "main",    "figure", "tbody",  "thead"};
  if (lower_name == "script" || lower_name == "style" || lower_name == "title") {
    return TagKind::kDropContent;
  }
  if (lower_name == "blockquote") return TagKind::kBlockquote;
  if (lower_name == "td" || lower_name == "th") return TagKind::kCell;
  if (lower_name == "img") return TagKind::kSpace;
  for (std::string_view b : kBlocks) {
    if (b == lower_name) return TagKind::kBreak;
  }
  return TagKind::kInline;
}

// Emits text while tracking the blockquote depth: quoted lines get a "> " prefix so
// trim_quoted_history treats HTML quotes like plain-text ones.
class HtmlWriter {
 public:
  explicit HtmlWriter(std::size_t reserve) { out_.reserve(reserve); }
  void text(std::string_view t) {
    for (char c : t) {
      if (c == '\n') {
        newline();
        continue;
      }
      if (line_start_ && depth_ > 0) out_.append("> ");
      line_start_ = false;
      out_.push_back(c);
    }
  }
  void newline() {
    out_.push_back('\n');
    line_start_ = true;
  }
  void space() { text(" "); }
  void quote_open() {
    ++depth_;
    newline();
  }
  void quote_close() {
    if (depth_ > 0) --depth_;
    newline();
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
  int depth_ = 0;
  bool line_start_ = true;
};

}  // namespace

std::string sanitize_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  bool in_invalid_run = false;
  std::size_t i = 0;
  while (i < bytes.size()) {
    // Printable ASCII runs are copied in bulk.
    std::size_t j = i;
    while (j < bytes.size() && static_cast<unsigned char>(bytes[j]) >= 0x20 &&
           static_cast<unsigned char>(bytes[j]) < 0x7F) {
      ++j;
    }
    if (j > i) {
      out.append(bytes.substr(i, j - i));
      in_invalid_run = false;
      i = j;
      continue;
    }
    const char c = bytes[i];
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      in_invalid_run = false;
      if (c == '\r') {
        out.push_back('\n');
        if (i + 1 < bytes.size() && bytes[i + 1] == '\n') ++i;
      } else if ((b < 0x20 || b == 0x7F) && c != '\n' && c != '\t') {
        out.push_back(' ');  // other control characters
      } else {
        out.push_back(c);
      }
      ++i;
      continue;
    }
    const utf8::Decoded d = utf8::decode(bytes, i);
    if (!d.valid) {
      if (!in_invalid_run) utf8::append(out, utf8::kReplacement);
      in_invalid_run = true;
      ++i;
      continue;
    }
    in_invalid_run = false;
    if (d.cp <= 0x9F) {
      out.push_back(' ');  // C1 controls
    } else {
      out.append(bytes.substr(i, d.len));
    }
    i += d.len;
  }
  return out;
}

std::string strip_html(std::string_view html) {
  HtmlWriter w(html.size());
  std::size_t next_gt = 0;  // cached position of the next '>' (npos: none left)
  bool gt_known = false;
  std::size_t i = 0;
  while (i < html.size()) {
    const std::size_t lt = html.find('<', i);
    if (lt == npos) {
      w.text(html.substr(i));
      break;
    }
    w.text(html.substr(i, lt - i));
    i = lt;
    if (html.compare(i, 4, "<!--") == 0) {
      const std::size_t end = html.find("-->", i + 4);
      if (end == npos) break;  // unclosed comment: the rest is comment
      i = end + 3;
      continue;
    }
    std::size_t j = i + 1;
    const bool closing = j < html.size() && html[j] == '/';
    if (closing) ++j;
    const bool declaration = j < html.size() && (html[j] == '!' || html[j] == '?') && !closing;
    if (j >= html.size() || !(utf8::ascii_alpha(html[j]) || declaration)) {
      w.text("<");  // "a < b", "<3": not a tag
      ++i;
      continue;
    }
    if (!gt_known || (next_gt != npos && next_gt < j)) {
      next_gt = html.find('>', j);
      gt_known = true;
    }
    if (next_gt == npos) {
      w.text("<");  // unclosed tag: literal text (and no later '<' can close either)
      ++i;
      continue;
    }
    std::string name;
    for (std::size_t k = j; k < next_gt && name.size() < 12; ++k) {  // fits SSO
      const char c = html[k];
      if (!utf8::ascii_alnum(c)) break;
      name.push_back(utf8::ascii_lower(c));
    }
    const std::size_t tag_end = next_gt + 1;
    const bool self_closing = next_gt > j && html[next_gt - 1] == '/';
    switch (declaration ? TagKind::kInline : classify_tag(name)) {
      case TagKind::kInline:
        break;
      case TagKind::kBreak:
        w.newline();
        break;
      case TagKind::kCell:
      case TagKind::kSpace:
        w.space();
        break;
      case TagKind::kBlockquote:
        if (closing) {
          w.quote_close();
        } else if (!self_closing) {
          w.quote_open();
        }
        break;
      case TagKind::kDropContent:
        if (!closing && !self_closing) {
          // Skip to the matching close tag; unclosed script/style swallows the rest.
          const std::string close = "</" + name;
          const std::size_t end = utf8::find_ci(html, close, tag_end);
          if (end == npos) return decode_entities(w.take());
          const std::size_t gt = html.find('>', end);
          if (gt == npos) return decode_entities(w.take());
          i = gt + 1;
          continue;
        }
        break;
    }
    i = tag_end;
  }
  return decode_entities(w.take());
}

// --- quoted history ---------------------------------------------------------------------------

namespace {

constexpr std::size_t kMaxAttribution = 400;  // bytes from "On" to "wrote:"

// "On Mon, Jan 5, 2026 at 10:00 AM Jane <x@y> wrote:" / "El lun, 5 ene 2026 ... escribió:".
// Finds the earliest attribution line; returns its start (npos when none). The segment must hold
// a digit (a date or time) and a separator, which plain prose ("On Monday I wrote: ...") lacks.
std::size_t find_attribution(std::string_view s) {
  struct Terminator {
    std::string_view word;
    std::string_view opener;
  };
  static constexpr std::array<Terminator, 3> kTerminators = {
      {{"wrote:", "On "}, {"escribió:", "El "}, {"escribio:", "El "}}};
  std::size_t best = npos;
  for (const Terminator& t : kTerminators) {
    std::size_t floor = 0;  // back-scans never cross the previous terminator: linear overall
    for (std::size_t e = s.find(t.word); e != npos && e < best; e = s.find(t.word, e + 1)) {
      const std::size_t lo = std::max(floor, e > kMaxAttribution ? e - kMaxAttribution : 0);
      bool digit = false;
      bool separator = false;
      int newlines = 0;
      for (std::size_t p = e; p-- > lo;) {
        const char c = s[p];
        if (c == '\n' && ++newlines > 2) break;
        digit = digit || utf8::ascii_digit(c);
        separator = separator || c == ',' || c == ':' || c == '/' || c == '@';
        if (c == t.opener[0] && s.compare(p, t.opener.size(), t.opener) == 0 &&
            at_word_start(s, p) && digit && separator) {
          best = std::min(best, p);
          break;
        }
      }
      floor = e + t.word.size();
    }
  }
  return best;
}

// "-----Original Message-----", "----- Mensaje original -----": returns the start of the dashes.
std::size_t find_original_message(std::string_view s) {
  std::size_t best = npos;
  static constexpr std::string_view kPhrases[] = {"original message", "mensaje original"};
  for (std::string_view phrase : kPhrases) {
    for (std::size_t p = utf8::find_ci(s, phrase); p != npos && p < best;
         p = utf8::find_ci(s, phrase, p + 1)) {
      std::size_t q = p;
      while (q > 0 && s[q - 1] == ' ') --q;
      std::size_t dashes = 0;
      while (q > 0 && s[q - 1] == '-') {
        --q;
        ++dashes;
      }
      if (dashes >= 2) best = std::min(best, q);
    }
  }
  return best;
}

// A mail header block: "From:" (or "De:") at a line start followed within a few lines by
// "Sent:" / "Date:" (or "Enviado:" / "Fecha:"). Also preceded by Outlook's "_____" rule, which
// then marks the cut. Word-start "From:" also counts so collapsed one-line text is covered.
std::size_t find_header_block(std::string_view s) {
  struct Pair {
    std::string_view from;
    std::array<std::string_view, 2> sent;
  };
  static constexpr std::array<Pair, 2> kPairs = {
      {{"From:", {"Sent:", "Date:"}}, {"De:", {"Enviado:", "Fecha:"}}}};
  std::size_t best = npos;
  for (const Pair& pair : kPairs) {
    std::array<std::size_t, 2> next_sent = {0, 0};
    std::array<bool, 2> known = {false, false};
    for (std::size_t f = s.find(pair.from); f != npos && f < best; f = s.find(pair.from, f + 1)) {
      if (!at_word_start(s, f)) continue;
      bool ok = false;
      for (std::size_t k = 0; k < 2; ++k) {
        if (!known[k] || (next_sent[k] != npos && next_sent[k] <= f)) {
          next_sent[k] = s.find(pair.sent[k], f + pair.from.size());
          known[k] = true;
        }
        ok = ok || (next_sent[k] != npos && next_sent[k] - f <= kMaxAttribution);
      }
      if (!ok) continue;
      // An Outlook rule of underscores right above belongs to the block.
      std::size_t start = f;
      std::size_t q = f;
      while (q > 0 && is_space(s[q - 1])) --q;
      std::size_t underscores = 0;
      while (q > 0 && s[q - 1] == '_') {
        --q;
        ++underscores;
      }
      if (underscores >= 10) start = q;
      best = std::min(best, start);
    }
  }
  return best;
}

// Drops lines whose first non-blank character is '>'.
std::string drop_quoted_lines(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t nl = s.find('\n', i);
    const std::size_t end = nl == npos ? s.size() : nl + 1;
    const std::string_view line = s.substr(i, end - i);
    if (ltrim(line).empty() || ltrim(line)[0] != '>') out.append(line);
    i = end;
  }
  return out;
}

}  // namespace

std::string trim_quoted_history(std::string_view text) {
  const std::size_t cut =
      std::min({find_attribution(text), find_original_message(text), find_header_block(text)});
  std::string_view kept = text;
  if (cut != npos && !is_blank(text.substr(0, cut))) kept = text.substr(0, cut);
  std::string out = drop_quoted_lines(kept);
  if (is_blank(out)) {
    // Everything was quoted: keep what we have rather than hand the classifier nothing.
    return std::string(is_blank(kept) ? text : kept);
  }
  return out;
}

// --- signature -----------------------------------------------------------------------------

namespace {

// Devices that make a mid-line "Sent from my …" unambiguous (lower case).
constexpr std::array<std::string_view, 14> kDevices = {
    "iphone", "ipad",  "android", "samsung",    "galaxy", "mobile", "phone",
    "pixel",  "móvil", "movil",   "smartphone", "huawei", "xiaomi", "blackberry"};

// Sign-offs are capitalised as the clients write them, so the head is found with a plain (fast)
// search; the tail is compared case-insensitively.
struct SigPhrase {
  std::string_view head;  // exact case
  std::string_view tail;  // lower case
  bool needs_device;      // mid-line use needs a device word next
};

constexpr std::array<SigPhrase, 9> kSigPhrases = {{
    {"Sent from my ", "", true},
    {"Sent from ", "mail for windows", false},
    {"Sent from ", "yahoo mail", false},
    {"Sent from ", "outlook", false},
    {"Get Outlook for ", "ios", false},
    {"Get Outlook for ", "android", false},
    {"Enviado desde mi ", "", true},
    {"Enviado desde ", "outlook", false},
    {"Obtener Outlook para ", "", false},
}};

bool line_start(std::string_view s, std::size_t p) {
  while (p > 0 && (s[p - 1] == ' ' || s[p - 1] == '\t')) --p;
  return p == 0 || s[p - 1] == '\n';
}

std::size_t find_sig_phrase(std::string_view s) {
  std::size_t best = npos;
  for (const SigPhrase& ph : kSigPhrases) {
    for (std::size_t p = s.find(ph.head); p != npos && p < best; p = s.find(ph.head, p + 1)) {
      const std::string_view rest = s.substr(p + ph.head.size());
      if (!utf8::starts_with_ci(rest, ph.tail)) continue;
      if (!at_word_start(s, p) || is_blank(s.substr(0, p))) continue;
      bool ok = line_start(s, p) || !ph.needs_device;
      for (std::string_view d : kDevices) ok = ok || utf8::starts_with_ci(rest, d);
      if (ok) best = std::min(best, p);
    }
  }
  return best;
}

// The "-- " delimiter on a line of its own (trailing space optional, as some clients strip it).
std::size_t find_dash_dash(std::string_view s) {
  for (std::size_t p = s.find("--"); p != npos; p = s.find("--", p + 1)) {
    if (!line_start(s, p)) continue;
    std::size_t q = p + 2;
    while (q < s.size() && (s[q] == ' ' || s[q] == '\t')) ++q;
    if (q < s.size() && s[q] != '\n') continue;
    if (!is_blank(s.substr(0, p))) return p;
  }
  return npos;
}

}  // namespace

std::string trim_signature(std::string_view text) {
  const std::size_t cut = std::min(find_sig_phrase(text), find_dash_dash(text));
  if (cut == npos) return std::string(text);
  return std::string(rtrim(text.substr(0, cut)));
}

// --- whitespace and cap ------------------------------------------------------------------------

namespace {

bool is_unicode_space(char32_t cp) {
  return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

bool is_zero_width(char32_t cp) {
  return cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060 || cp == 0xFEFF || cp == 0xAD;
}

}  // namespace

std::string collapse_whitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending = false;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (static_cast<unsigned char>(c) < 0x80) {
      if (!is_space(c) && c != '\v') {
        // A run of ASCII non-space characters, copied in bulk.
        std::size_t j = i + 1;
        while (j < text.size() && static_cast<unsigned char>(text[j]) < 0x80 &&
               !is_space(text[j]) && text[j] != '\v') {
          ++j;
        }
        if (pending) out.push_back(' ');
        pending = false;
        out.append(text.substr(i, j - i));
        i = j;
        continue;
      }
      pending = !out.empty();
      ++i;
      continue;
    }
    const utf8::Decoded d = utf8::decode(text, i);
    if (d.valid && is_unicode_space(d.cp)) {
      pending = !out.empty();
    } else if (!(d.valid && is_zero_width(d.cp))) {
      if (pending) out.push_back(' ');
      pending = false;
      out.append(text.substr(i, d.len));  // invalid bytes pass through unchanged
    }
    i += d.len;
  }
  return out;
}

std::string cap_chars(std::string_view text, std::size_t max_chars) {
  std::size_t i = 0;
  std::size_t count = 0;
  while (i < text.size() && count < max_chars) {
    i += utf8::decode(text, i).len;
    ++count;
  }
  return std::string(text.substr(0, i));
}

NormalizedText normalize(std::string_view body, bool is_html) {
  const std::string clean = sanitize_utf8(body);
  const std::string plain = is_html ? strip_html(clean) : decode_entities(clean);
  const std::string unquoted = trim_quoted_history(plain);
  const std::string unsigned_text = trim_signature(unquoted);
  const std::string collapsed = collapse_whitespace(unsigned_text);
  NormalizedText result;
  result.text = cap_chars(collapsed, kMaxNormalizedChars);
  result.truncated = result.text.size() < collapsed.size();
  while (!result.text.empty() && result.text.back() == ' ') result.text.pop_back();
  return result;
}

}  // namespace rpmw::core::text
