#include "core/eval/golden.h"

#include <doctest/doctest.h>

#include <string>

using rpmw::core::ErrorKind;
using rpmw::core::eval::GoldenExample;
using rpmw::core::eval::parse_golden_line;

namespace {

constexpr const char* kFull = R"({
  "example_id": "gs-001", "text": "where is my order [ORDER_NUMBER]?", "channel": "email",
  "primary_intent": "order_status_tracking", "secondary_intents": ["shipping_delay_not_shipped"],
  "destination_team": "customer_care", "automation_tier_max": 2,
  "template_id": "t_order_status_verified", "deterministic_match_possible": "YES"})";

// A minimal valid line with `extra` spliced in (extra may override a key: the last one wins).
std::string line_with(const std::string& extra) {
  return R"({"example_id":"gs-2","text":"hi","channel":"chat","primary_intent":"cancel_order",)"
         R"("destination_team":"customer_care","automation_tier_max":1)" +
         (extra.empty() ? "" : "," + extra) + "}";
}

std::string error_of(const std::string& line) {
  auto parsed = parse_golden_line(line);
  if (parsed) return "ok";
  CHECK(parsed.error().kind == ErrorKind::invalid_input);
  return parsed.error().code;
}

int tier_of(const std::string& tier_json) {
  auto parsed = parse_golden_line(line_with(R"("automation_tier_max":)" + tier_json));
  REQUIRE(parsed);
  return parsed->automation_tier_max;
}

}  // namespace

TEST_CASE("core/eval: parse_golden_line reads every field") {
  auto parsed = parse_golden_line(kFull);
  REQUIRE(parsed);
  const GoldenExample& ex = *parsed;
  CHECK(ex.example_id == "gs-001");
  CHECK(ex.text == "where is my order [ORDER_NUMBER]?");
  CHECK(ex.channel == "email");
  CHECK(ex.primary_intent == "order_status_tracking");
  REQUIRE(ex.secondary_intents.size() == 1);
  CHECK(ex.secondary_intents[0] == "shipping_delay_not_shipped");
  CHECK(ex.destination_team == "customer_care");
  CHECK(ex.automation_tier_max == 2);
  REQUIRE(ex.template_id.has_value());
  CHECK(*ex.template_id == "t_order_status_verified");
  CHECK(ex.deterministic_match_possible == "YES");
}

TEST_CASE("core/eval: parse_golden_line defaults the optional fields") {
  auto parsed = parse_golden_line(line_with(""));
  REQUIRE(parsed);
  CHECK(parsed->secondary_intents.empty());
  CHECK_FALSE(parsed->template_id.has_value());
  CHECK(parsed->deterministic_match_possible == "UNKNOWN");

  // Explicit nulls mean the same as absence.
  parsed = parse_golden_line(line_with(
      R"("template_id":null,"secondary_intents":null,"deterministic_match_possible":null)"));
  REQUIRE(parsed);
  CHECK(parsed->secondary_intents.empty());
  CHECK_FALSE(parsed->template_id.has_value());
  CHECK(parsed->deterministic_match_possible == "UNKNOWN");

  parsed = parse_golden_line(line_with(R"("deterministic_match_possible":"NO")"));
  REQUIRE(parsed);
  CHECK(parsed->deterministic_match_possible == "NO");
}

TEST_CASE("core/eval: parse_golden_line accepts the tier spellings") {
  CHECK(tier_of("0") == 0);
  CHECK(tier_of("1") == 1);
  CHECK(tier_of("2") == 2);
  CHECK(tier_of(R"("0")") == 0);
  CHECK(tier_of(R"("2")") == 2);
  CHECK(tier_of(R"("TIER_0")") == 0);
  CHECK(tier_of(R"("TIER_1")") == 1);
  CHECK(tier_of(R"("TIER_2")") == 2);
  CHECK(tier_of(R"("TIER_0_ESCALATION")") == 0);
  CHECK(tier_of(R"("TIER_2_VERIFIED")") == 2);
}

TEST_CASE("core/eval: parse_golden_line rejects tiers outside 0..2") {
  const auto tier_error = [](const std::string& tier_json) {
    return error_of(line_with(R"("automation_tier_max":)" + tier_json));
  };
  CHECK(tier_error("3") == "bad_value:automation_tier_max");
  CHECK(tier_error("-1") == "bad_value:automation_tier_max");
  CHECK(tier_error("18446744073709551615") == "bad_value:automation_tier_max");  // uint64
  CHECK(tier_error("1.5") == "bad_value:automation_tier_max");
  CHECK(tier_error(R"("3")") == "bad_value:automation_tier_max");
  CHECK(tier_error(R"("TIER_3")") == "bad_value:automation_tier_max");
  CHECK(tier_error(R"("TIER_3_AUTO_ACTION")") == "bad_value:automation_tier_max");
  CHECK(tier_error(R"("tier_1")") == "bad_value:automation_tier_max");
  CHECK(tier_error(R"("")") == "bad_value:automation_tier_max");
  CHECK(tier_error("true") == "bad_value:automation_tier_max");
  CHECK(tier_error("[1]") == "bad_value:automation_tier_max");
  CHECK(tier_error("null") == "missing_field:automation_tier_max");
}

TEST_CASE("core/eval: parse_golden_line names the first missing field") {
  CHECK(error_of("{}") == "missing_field:example_id");
  CHECK(error_of(R"({"example_id":"e"})") == "missing_field:text");
  CHECK(error_of(R"({"example_id":"e","text":"t"})") == "missing_field:channel");
  CHECK(error_of(R"({"example_id":"e","text":"t","channel":"c"})") ==
        "missing_field:primary_intent");
  CHECK(error_of(R"({"example_id":"e","text":"t","channel":"c","primary_intent":"i"})") ==
        "missing_field:destination_team");
  CHECK(error_of(R"({"example_id":"e","text":"t","channel":"c","primary_intent":"i",)"
                 R"("destination_team":"d"})") == "missing_field:automation_tier_max");
  CHECK(error_of(R"({"example_id":null,"text":"t"})") == "missing_field:example_id");
  // Order follows the documented field order, not the order keys appear in the line.
  CHECK(error_of(R"({"destination_team":"d","example_id":"e"})") == "missing_field:text");
}

TEST_CASE("core/eval: parse_golden_line rejects wrong types and values") {
  CHECK(error_of(line_with(R"("example_id":7)")) == "bad_value:example_id");
  CHECK(error_of(line_with(R"("example_id":"")")) == "bad_value:example_id");
  CHECK(error_of(line_with(R"("text":["a"])")) == "bad_value:text");
  CHECK(error_of(line_with(R"("channel":"")")) == "bad_value:channel");
  CHECK(error_of(line_with(R"("primary_intent":{})")) == "bad_value:primary_intent");
  CHECK(error_of(line_with(R"("destination_team":false)")) == "bad_value:destination_team");
  CHECK(error_of(line_with(R"("deterministic_match_possible":"yes")")) ==
        "bad_value:deterministic_match_possible");
  CHECK(error_of(line_with(R"("deterministic_match_possible":true)")) ==
        "bad_value:deterministic_match_possible");
  CHECK(error_of(line_with(R"("secondary_intents":"cancel_order")")) ==
        "bad_value:secondary_intents");
  CHECK(error_of(line_with(R"("secondary_intents":["a",1])")) == "bad_value:secondary_intents");
  CHECK(error_of(line_with(R"("secondary_intents":[""])")) == "bad_value:secondary_intents");
  CHECK(error_of(line_with(R"("template_id":3)")) == "bad_value:template_id");
  CHECK(error_of(line_with(R"("template_id":"")")) == "bad_value:template_id");
}

TEST_CASE("core/eval: parse_golden_line allows empty redacted text") {
  auto parsed = parse_golden_line(line_with(R"("text":"")"));
  REQUIRE(parsed);
  CHECK(parsed->text.empty());
}

TEST_CASE("core/eval: parse_golden_line rejects lines that are not one JSON object") {
  CHECK(error_of("") == "invalid_json");
  CHECK(error_of("   ") == "invalid_json");
  CHECK(error_of("{") == "invalid_json");
  CHECK(error_of(line_with("") + " {}") == "invalid_json");
  CHECK(error_of(R"({"example_id":"e",})") == "invalid_json");
  CHECK(error_of("[]") == "not_an_object");
  CHECK(error_of("null") == "not_an_object");
  CHECK(error_of(R"("gs-1")") == "not_an_object");
}

TEST_CASE("core/eval: parse_golden_line ignores unknown keys and tool snapshots") {
  const std::string extra =
      R"("ticket":{"id":"t-1","comments":[{"body":"hi","via":{"channel":"email"}}]},)"
      R"("order":{"name":"#1001","fulfillments":[]},"webhook":{"ticket_id":"t-1"},)"
      R"("notes":"labelled by ops","labeller":42)";
  auto parsed = parse_golden_line(line_with(extra));
  REQUIRE(parsed);
  CHECK(parsed->example_id == "gs-2");
  CHECK(parsed->primary_intent == "cancel_order");
  // Trailing whitespace and a CRLF line end are harmless.
  CHECK(parse_golden_line(line_with("") + "\r\n").has_value());
}
