#pragma once
// Internal UTF-8 helpers shared by the text stages. Decoding is strict (RFC 3629): overlongs,
// surrogates and code points above U+10FFFF are invalid, so callers can replace them.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rpmw::core::text::utf8 {

inline constexpr char32_t kReplacement = 0xFFFD;

struct Decoded {
  char32_t cp = 0;
  std::size_t len = 1;  // bytes consumed; 1 for an invalid byte
  bool valid = false;
};

inline bool is_cont(unsigned char b) {
  return (b & 0xC0) == 0x80;
}

// Decodes the code point starting at `i` (i < s.size()).
inline Decoded decode(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1, true};
  const std::size_t left = s.size() - i;
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (left >= 2 && is_cont(at(1))) return {char32_t((b0 & 0x1F) << 6 | (at(1) & 0x3F)), 2, true};
    return {};
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left < 3 || !is_cont(at(1)) || !is_cont(at(2))) return {};
    if (b0 == 0xE0 && at(1) < 0xA0) return {};   // overlong
    if (b0 == 0xED && at(1) >= 0xA0) return {};  // surrogate
    return {char32_t((b0 & 0x0F) << 12 | (at(1) & 0x3F) << 6 | (at(2) & 0x3F)), 3, true};
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left < 4 || !is_cont(at(1)) || !is_cont(at(2)) || !is_cont(at(3))) return {};
    if (b0 == 0xF0 && at(1) < 0x90) return {};   // overlong
    if (b0 == 0xF4 && at(1) >= 0x90) return {};  // above U+10FFFF
    return {
        char32_t((b0 & 0x07) << 18 | (at(1) & 0x3F) << 12 | (at(2) & 0x3F) << 6 | (at(3) & 0x3F)),
        4, true};
  }
  return {};
}

inline void append(std::string& out, char32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = kReplacement;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Letters and digits for word counting and language guessing: ASCII alnum plus the letter-ish
// ranges above Latin-1 punctuation; symbols, punctuation blocks and emoji are not word characters.
inline bool is_word_cp(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  }
  if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7) return cp == 0xAA || cp == 0xBA;
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;  // punctuation, symbols, arrows
  if (cp >= 0x3000 && cp <= 0x303F) return false;  // CJK punctuation
  if (cp >= 0xFE00 && cp <= 0xFE0F) return false;  // variation selectors
  if (cp >= 0xFFF0 && cp <= 0xFFFF) return false;  // specials (incl. U+FFFD)
  if (cp >= 0x1F000) return false;                 // emoji and pictographs
  return true;
}

inline char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

inline bool ascii_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool ascii_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool ascii_alnum(char c) {
  return ascii_alpha(c) || ascii_digit(c);
}

// Case-insensitive (ASCII) search; `needle` must be lower case. Linear for the short needles we
// use.
inline std::size_t find_ci(std::string_view hay, std::string_view needle, std::size_t from = 0) {
  if (needle.empty()) return from <= hay.size() ? from : std::string_view::npos;
  if (hay.size() < needle.size()) return std::string_view::npos;
  const std::size_t last = hay.size() - needle.size();
  for (std::size_t i = from; i <= last; ++i) {
    if (ascii_lower(hay[i]) != needle[0]) continue;
    std::size_t k = 1;
    while (k < needle.size() && ascii_lower(hay[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

inline bool starts_with_ci(std::string_view s, std::string_view lower_prefix) {
  if (s.size() < lower_prefix.size()) return false;
  for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
    if (ascii_lower(s[i]) != lower_prefix[i]) return false;
  }
  return true;
}

// Lower case for ASCII and the Latin-1 capitals (À..Þ except ×): enough for en/es keywords.
inline char32_t fold_latin(char32_t cp) {
  if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)) return cp + 0x20;
  return cp;
}

// Whether `s` starts with `lower` (already folded) under fold_latin. Folding keeps byte lengths,
// so on success the prefix is lower.size() bytes long.
inline bool starts_with_fold(std::string_view s, std::string_view lower) {
  if (s.size() < lower.size()) return false;
  std::size_t i = 0;
  while (i < lower.size()) {
    const Decoded a = decode(s, i);
    const Decoded b = decode(lower, i);
    if (a.len != b.len || a.valid != b.valid) return false;
    if (a.valid ? fold_latin(a.cp) != b.cp : s[i] != lower[i]) return false;
    i += a.len;
  }
  return true;
}

}  // namespace rpmw::core::text::utf8
