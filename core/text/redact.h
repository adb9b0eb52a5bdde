#pragma once
// Step 4 of spec/02: PII redaction for anything leaving the process (LLM input) or reaching a
// record. RE2 only (linear time on hostile input). Compiled once; `redact` is const and
// thread-safe.
#include <memory>
#include <string>
#include <string_view>

namespace rpmw::core::text {

// Placeholders written in place of what was found.
inline constexpr std::string_view kEmailToken = "<EMAIL>";
inline constexpr std::string_view kPhoneToken = "<PHONE>";
inline constexpr std::string_view kAddressToken = "<ADDRESS>";
inline constexpr std::string_view kCardToken = "<CARD>";
inline constexpr std::string_view kUrlToken = "<URL>";
inline constexpr std::string_view kNameToken = "<NAME>";
inline constexpr std::string_view kTrackingToken = "<TRACKING_NUMBER>";

struct RedactionCounts {
  int emails = 0;
  int phones = 0;
  int addresses = 0;
  int cards = 0;
  int urls = 0;
  int names = 0;
  int tracking_numbers = 0;
  int total() const {
    return emails + phones + addresses + cards + urls + names + tracking_numbers;
  }
};

struct Redacted {
  std::string text;
  RedactionCounts counts;
};

class Redactor {
 public:
  Redactor();
  ~Redactor();
  Redactor(const Redactor&) = delete;
  Redactor& operator=(const Redactor&) = delete;

  // Emails; URLs (scheme or www.); card-like digit runs of 13–19 digits passing Luhn; phone
  // numbers in common international formats (+1 (555) 123-4567, +44 20 7946 0958, 555.123.4567,
  // +34 612 34 56 78); street addresses ("742 Evergreen Terrace", "12 Main St Apt 4", "Calle
  // Mayor 5"); tracking numbers; names after greetings and sign-offs ("Hi Jane", "Thanks, John
  // Smith", "Regards,\nAna", "me llamo Ana"). Order numbers ("#1042", "order 1042") are kept.
  Redacted redact(std::string_view text) const;

 private:
  struct Patterns;
  std::unique_ptr<Patterns> patterns_;
};

// A process-wide Redactor, compiled on first use (thread-safe static). Feature extraction uses it
// so "has_phone" and the redacted phone agree.
const Redactor& default_redactor();

// Luhn checksum over the digits of `digits` (non-digits ignored); false for fewer than 13 digits.
bool luhn_valid(std::string_view digits);

}  // namespace rpmw::core::text
