#pragma once
// Step 2 of spec/02: customer text as the classifier should see it. Pure, deterministic, linear in
// the input; never throws on any byte sequence (invalid UTF-8 is replaced, not rejected).
#include <cstddef>
#include <string>
#include <string_view>

namespace rpmw::core::text {

inline constexpr std::size_t kMaxNormalizedChars = 4000;  // code points, not bytes

// Invalid UTF-8 becomes U+FFFD (one per invalid run); NUL, other C0/C1 controls and DEL become a
// space; CRLF and lone CR become LF. Every later stage may then assume valid UTF-8.
std::string sanitize_utf8(std::string_view bytes);

// Tags removed (block-level tags and <br> become line breaks; <script>/<style> content dropped),
// then entities decoded.
std::string strip_html(std::string_view html);
// Named (&amp; &lt; &gt; &quot; &apos; &nbsp; and the common Latin-1 set), decimal and hex
// numeric entities; unknown entities stay as written.
std::string decode_entities(std::string_view text);
// Cuts quoted history: "On … wrote:", "El … escribió:", "-----Original Message-----",
// a "From: … Sent: …" header block (also after an Outlook "_____" rule), and drops lines
// starting with '>'. A marker at the very start is not a cut (the text is kept), and a result
// that would be blank falls back to the input.
std::string trim_quoted_history(std::string_view text);
// Cuts a trailing signature: the "-- " delimiter, "Sent from my iPhone/Android", "Get Outlook for
// iOS", "Enviado desde mi iPhone". A marker with nothing before it is ignored.
std::string trim_signature(std::string_view text);
// Runs of whitespace (including NBSP and the Unicode spaces) become one space; trimmed.
// Zero-width characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen) are dropped instead, so
// they cannot split a word ("char\u200Bgeback" must still read "chargeback" for the Tier 0 screen).
std::string collapse_whitespace(std::string_view text);
// Truncates to at most `max_chars` code points without splitting a UTF-8 sequence.
std::string cap_chars(std::string_view text, std::size_t max_chars);

struct NormalizedText {
  std::string text;
  bool truncated = false;
};

// The whole chain: sanitize → HTML (when `is_html`; it decodes entities) or entities → quoted
// history → signature → whitespace → cap. `truncated` says the cap cut something.
NormalizedText normalize(std::string_view body, bool is_html);

}  // namespace rpmw::core::text
