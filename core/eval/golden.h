#pragma once
// The golden set (spec/02 "Evaluation"): one labelled example per JSONL line.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"

namespace rpmw::core::eval {

struct GoldenExample {
  std::string example_id;
  std::string text;  // redacted style
  std::string channel;
  std::string primary_intent;
  std::vector<std::string> secondary_intents;
  std::string destination_team;
  int automation_tier_max = 1;                           // 0, 1 or 2 (3 is never allowed)
  std::optional<std::string> template_id;                // expected template, or null
  std::string deterministic_match_possible = "UNKNOWN";  // YES | NO | UNKNOWN
};

// Parses one line; the error code names the first problem ("missing_field:primary_intent",
// "invalid_json", "bad_value:automation_tier_max").
Result<GoldenExample> parse_golden_line(std::string_view line);

}  // namespace rpmw::core::eval
