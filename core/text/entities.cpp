// HTML entity decoding (declared in normalize.h). Single pass; an entity is only decoded when it
// is well formed and known, otherwise the bytes are copied as written.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/text/normalize.h"
#include "core/text/utf8.h"

namespace rpmw::core::text {
namespace {

struct NamedEntity {
  std::string_view name;
  char32_t cp;
};

// U+00A0..U+00FF in code point order: the HTML 4 Latin-1 set.
constexpr std::array<std::string_view, 96> kLatin1Names = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",   "uml",
    "copy",   "ordf",   "laquo",  "not",    "shy",    "reg",    "macr",   "deg",    "plusmn",
    "sup2",   "sup3",   "acute",  "micro",  "para",   "middot", "cedil",  "sup1",   "ordm",
    "raquo",  "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc",  "Atilde",
    "Auml",   "Aring",  "AElig",  "Ccedil", "Egrave", "Eacute", "Ecirc",  "Euml",   "Igrave",
    "Iacute", "Icirc",  "Iuml",   "ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde",
    "Ouml",   "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",
    "szlig",  "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",  "aelig",  "ccedil",
    "egrave", "eacute", "ecirc",  "euml",   "igrave", "iacute", "icirc",  "iuml",   "eth",
    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide", "oslash", "ugrave",
    "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml",
};

// The few entities outside Latin-1 that mail clients (Word, Outlook, Gmail) actually emit.
constexpr std::array<NamedEntity, 22> kOtherNames = {{
    {"amp", '&'},       {"lt", '<'},       {"gt", '>'},       {"quot", '"'},     {"apos", '\''},
    {"hellip", 0x2026}, {"mdash", 0x2014}, {"ndash", 0x2013}, {"lsquo", 0x2018}, {"rsquo", 0x2019},
    {"ldquo", 0x201C},  {"rdquo", 0x201D}, {"sbquo", 0x201A}, {"bdquo", 0x201E}, {"bull", 0x2022},
    {"euro", 0x20AC},   {"trade", 0x2122}, {"ensp", 0x2002},  {"emsp", 0x2003},  {"thinsp", 0x2009},
    {"zwnj", 0x200C},   {"zwj", 0x200D},
}};

// Windows-1252 meanings of &#128;..&#159;, as browsers decode them (0 = undefined).
constexpr std::array<char32_t, 32> kCp1252 = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

bool lookup_named(std::string_view name, char32_t& cp) {
  for (const auto& e : kOtherNames) {
    if (e.name == name) {
      cp = e.cp;
      return true;
    }
  }
  for (std::size_t i = 0; i < kLatin1Names.size(); ++i) {
    if (kLatin1Names[i] == name) {
      cp = static_cast<char32_t>(0xA0 + i);
      return true;
    }
  }
  return false;
}

// A decoded numeric reference must not smuggle controls or invalid scalars past sanitize_utf8.
char32_t clean_numeric(char32_t cp) {
  if (cp == '\t' || cp == '\n') return cp;
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return utf8::kReplacement;
  if (cp < 0x20 || cp == 0x7F) return ' ';
  if (cp >= 0x80 && cp <= 0x9F) {
    const char32_t mapped = kCp1252[cp - 0x80];
    return mapped != 0 ? mapped : ' ';
  }
  return cp;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses the entity at s[i] == '&'. On success appends the character and returns the length of
// the reference; returns 0 when it is not a well-formed known entity.
std::size_t decode_one(std::string_view s, std::size_t i, std::string& out) {
  constexpr std::size_t kMaxDigits = 8;  // beyond that it cannot be a valid scalar anyway
  constexpr std::size_t kMaxName = 8;
  std::size_t j = i + 1;
  if (j < s.size() && s[j] == '#') {
    ++j;
    const bool hex = j < s.size() && (s[j] == 'x' || s[j] == 'X');
    if (hex) ++j;
    const std::size_t digits_start = j;
    char32_t value = 0;
    while (j < s.size() && j - digits_start < kMaxDigits) {
      const int v = hex ? hex_value(s[j]) : (utf8::ascii_digit(s[j]) ? s[j] - '0' : -1);
      if (v < 0) break;
      value = value * (hex ? 16 : 10) + static_cast<char32_t>(v);
      ++j;
    }
    if (j == digits_start || j >= s.size() || s[j] != ';') return 0;
    utf8::append(out, clean_numeric(value));
    return j + 1 - i;
  }
  const std::size_t name_start = j;
  while (j < s.size() && j - name_start < kMaxName && utf8::ascii_alnum(s[j])) ++j;
  if (j == name_start || j >= s.size() || s[j] != ';') return 0;
  char32_t cp = 0;
  if (!lookup_named(s.substr(name_start, j - name_start), cp)) return 0;
  utf8::append(out, cp);
  return j + 1 - i;
}

}  // namespace

std::string decode_entities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t amp = text.find('&', i);
    if (amp == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, amp - i));
    const std::size_t used = decode_one(text, amp, out);
    if (used == 0) {
      out.push_back('&');
      i = amp + 1;
    } else {
      i = amp + used;
    }
  }
  return out;
}

}  // namespace rpmw::core::text
