#include "core/eval/golden.h"

#include <array>
#include <cstdint>
#include <utility>

#include <boost/json.hpp>

namespace rpmw::core::eval {
namespace json = boost::json;

namespace {

tl::unexpected<Error> missing(std::string_view key) {
  return fail(ErrorKind::invalid_input, "missing_field:" + std::string(key));
}

tl::unexpected<Error> bad(std::string_view key) {
  return fail(ErrorKind::invalid_input, "bad_value:" + std::string(key));
}

// A JSON null counts as absent: golden files are hand-edited and `null` is the usual placeholder.
const json::value* present(const json::object& obj, std::string_view key) {
  const json::value* v = obj.if_contains(key);
  return (v == nullptr || v->is_null()) ? nullptr : v;
}

Result<std::string> required_string(const json::object& obj, std::string_view key,
                                    bool allow_empty) {
  const json::value* v = present(obj, key);
  if (v == nullptr) return missing(key);
  if (!v->is_string()) return bad(key);
  if (!allow_empty && v->get_string().empty()) return bad(key);
  return std::string(v->get_string());
}

std::optional<int> parse_tier(const json::value& v) {
  if (v.is_int64()) {
    const std::int64_t n = v.get_int64();
    if (n >= 0 && n <= 2) return static_cast<int>(n);
    return std::nullopt;
  }
  if (v.is_uint64()) {
    const std::uint64_t n = v.get_uint64();
    if (n <= 2) return static_cast<int>(n);
    return std::nullopt;
  }
  if (!v.is_string()) return std::nullopt;
  // Short and long tier spellings, so a label can be copied from a decision record.
  static constexpr std::array<std::array<std::string_view, 3>, 3> kSpellings = {{
      {"0", "TIER_0", "TIER_0_ESCALATION"},
      {"1", "TIER_1", "TIER_1_SAFE_ASSIST"},
      {"2", "TIER_2", "TIER_2_VERIFIED"},
  }};
  const std::string_view s = v.get_string();
  for (std::size_t tier = 0; tier < kSpellings.size(); ++tier) {
    for (std::string_view spelling : kSpellings[tier]) {
      if (s == spelling) return static_cast<int>(tier);
    }
  }
  return std::nullopt;
}

}  // namespace

Result<GoldenExample> parse_golden_line(std::string_view line) {
  std::error_code ec;
  json::value root = json::parse(line, ec);
  if (ec) return fail(ErrorKind::invalid_input, "invalid_json");
  if (!root.is_object()) return fail(ErrorKind::invalid_input, "not_an_object");
  const json::object& obj = root.get_object();

  GoldenExample ex;
  // Checked in the documented field order so the reported problem is stable.
  const std::array<std::pair<std::string_view, std::string*>, 5> strings = {{
      {"example_id", &ex.example_id},
      {"text", &ex.text},
      {"channel", &ex.channel},
      {"primary_intent", &ex.primary_intent},
      {"destination_team", &ex.destination_team},
  }};
  for (const auto& [key, target] : strings) {
    // Redaction can leave a message empty; every id must be non-empty.
    auto value = required_string(obj, key, /*allow_empty=*/key == "text");
    if (!value) return tl::unexpected(value.error());
    *target = std::move(*value);
  }

  const json::value* tier = present(obj, "automation_tier_max");
  if (tier == nullptr) return missing("automation_tier_max");
  const std::optional<int> tier_max = parse_tier(*tier);
  if (!tier_max) return bad("automation_tier_max");
  ex.automation_tier_max = *tier_max;

  if (const json::value* match = present(obj, "deterministic_match_possible")) {
    if (!match->is_string()) return bad("deterministic_match_possible");
    const std::string_view s = match->get_string();
    if (s != "YES" && s != "NO" && s != "UNKNOWN") return bad("deterministic_match_possible");
    ex.deterministic_match_possible = std::string(s);
  }

  if (const json::value* secondary = present(obj, "secondary_intents")) {
    if (!secondary->is_array()) return bad("secondary_intents");
    for (const json::value& item : secondary->get_array()) {
      if (!item.is_string() || item.get_string().empty()) return bad("secondary_intents");
      ex.secondary_intents.emplace_back(item.get_string());
    }
  }

  if (const json::value* tmpl = present(obj, "template_id")) {
    if (!tmpl->is_string() || tmpl->get_string().empty()) return bad("template_id");
    ex.template_id = std::string(tmpl->get_string());
  }
  return ex;
}

}  // namespace rpmw::core::eval
