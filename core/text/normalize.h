#pragma once
// Step 2 of spec/02: customer text as the classifier should see it. Pure, deterministic, linear in
// the input; never throws on any byte sequence (invalid UTF-8 is replaced, not rejected).
#include <cstddef>
#include <string>
#include <string_view>

namespace rpmw::core::text {

inline constexpr std::size_t kMaxNormalizedChars = 4000;  // code points, not bytes

// Tags removed (block-level tags and <br> become line breaks; <script>/<style> content dropped),
// then entities decoded.
std::string strip_html(std::string_view html);
// Named (&amp; &lt; &gt; &quot; &apos; &nbsp; and the common Latin-1 set), decimal and hex
// numeric entities; unknown entities stay as written.
std::string decode_entities(std::string_view text);
// Cuts quoted history: "On … wrote:", "El … escribió:", "-----Original Message-----",
// a "From: … Sent: …" header block, and runs of lines starting with '>'.
std::string trim_quoted_history(std::string_view text);
// Cuts a trailing signature: the "-- " delimiter, "Sent from my iPhone/Android", "Enviado desde".
std::string trim_signature(std::string_view text);
// Runs of whitespace (including NBSP and zero-width characters) become one space; trimmed.
std::string collapse_whitespace(std::string_view text);
// Truncates to at most `max_chars` code points without splitting a UTF-8 sequence.
std::string cap_chars(std::string_view text, std::size_t max_chars);

struct NormalizedText {
  std::string text;
  bool truncated = false;
};

// The whole chain: HTML (when `is_html`) → entities → quoted history → signature → whitespace → cap.
NormalizedText normalize(std::string_view body, bool is_html);

}  // namespace rpmw::core::text
