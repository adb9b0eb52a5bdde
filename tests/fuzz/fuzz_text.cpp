// libFuzzer target: normalisation (plain and HTML), feature extraction and redaction on arbitrary
// bytes. Properties: normalised text is valid UTF-8 of at most 4000 code points with collapsed
// whitespace; the chain is deterministic; redaction is idempotent and leaves nothing its own
// patterns would redact again; Luhn and features never misbehave.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/text/features.h"
#include "core/text/normalize.h"
#include "core/text/redact.h"

namespace text = rpmw::core::text;

namespace {

// Property violations abort so libFuzzer records a crash with the reproducer.
void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_text: property violated: %s\n", what);
  std::abort();
}

// Code points of strictly valid UTF-8, or -1.
long code_points(std::string_view s) {
  long n = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = b < 0x80                 ? 1
                      : b >= 0xC2 && b <= 0xDF ? 2
                      : b >= 0xE0 && b <= 0xEF ? 3
                      : b >= 0xF0 && b <= 0xF4 ? 4
                                               : 0;
    if (len == 0 || i + len > s.size()) return -1;
    std::uint32_t cp = len == 1 ? b : (b & (0x7F >> len));
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return -1;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    i += len;
    ++n;
  }
  return n;
}

void check_normalized(const text::NormalizedText& n, std::string_view input, bool html) {
  const long cps = code_points(n.text);
  require(cps >= 0, "normalized text is not valid UTF-8");
  require(static_cast<std::size_t>(cps) <= text::kMaxNormalizedChars, "normalized text over cap");
  require(n.text.find("  ") == std::string::npos, "double space after collapse");
  require(n.text.find_first_of(std::string_view("\n\r\t\0", 4)) == std::string::npos,
          "control character after normalize");
  require(n.text.empty() || (n.text.front() != ' ' && n.text.back() != ' '), "not trimmed");
  require(!n.truncated || static_cast<std::size_t>(cps) == text::kMaxNormalizedChars ||
              static_cast<std::size_t>(cps) == text::kMaxNormalizedChars - 1,
          "truncated flag without reaching the cap");
  require(text::normalize(input, html).text == n.text, "normalize is not deterministic");
}

void check_redaction(const text::Redactor& redactor, std::string_view input) {
  const text::Redacted once = redactor.redact(input);
  const text::Redacted twice = redactor.redact(once.text);
  require(twice.text == once.text, "redact is not idempotent");
  require(twice.counts.total() == 0, "redacted text still holds something to redact");
  require(once.counts.total() >= 0, "negative redaction count");
  require(once.counts.total() == 0 || once.text != input, "counted without replacing");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const text::Redactor& redactor = text::default_redactor();

  for (bool html : {false, true}) {
    const text::NormalizedText n = text::normalize(input, html);
    check_normalized(n, input, html);
    check_redaction(redactor, n.text);

    text::FeatureContext context;
    context.channel = std::string(input.substr(0, 24));
    context.attachment_count = static_cast<int>(size % 3);
    const text::Features f = text::extract_features(n.text, context);
    require(f.word_count >= 0, "negative word count");
    require(f.language == "en" || f.language == "es" || f.language == "unknown",
            "unknown language code");
    require(f.attachment_only == false || f.has_attachments, "attachment_only without attachment");
    require(f.has_email == (redactor.redact(n.text).counts.emails > 0), "has_email disagrees");
  }

  // The stages on their own must be total on raw bytes too (they are public).
  (void)text::strip_html(input);
  (void)text::decode_entities(input);
  (void)text::trim_quoted_history(input);
  (void)text::trim_signature(input);
  (void)text::collapse_whitespace(input);
  require(text::cap_chars(input, 7).size() <= input.size(), "cap_chars grew the input");
  require(input.starts_with(text::cap_chars(input, size % 50)), "cap_chars is not a prefix");
  (void)text::luhn_valid(input);
  (void)text::canonical_channel(input);
  // Redaction of raw (possibly invalid) bytes must also be stable.
  check_redaction(redactor, input);
  return 0;
}
