#pragma once
// Formatting helpers shared by the report renderings (markdown, HTML, replay diff text).
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace rpmw::core::eval {

// Fixed-point, locale-independent ("0.7500"); non-finite values print as "nan" / "inf".
std::string format_fixed(double value, int decimals = 4);

// &, <, >, " and ' as entities: safe in element text and quoted attribute values.
std::string html_escape(std::string_view text);

// Safe inside a markdown table cell: pipes and backslashes escaped, HTML-significant characters
// as entities, line breaks flattened to spaces.
std::string markdown_escape(std::string_view text);

// Display width in columns, counting UTF-8 code points (enough for ids and arrows).
std::size_t display_width(std::string_view text);

struct ConfusionCell {
  std::string expected;
  std::string predicted;
  int count = 0;
};

// Off-diagonal cells with a positive count, by count desc, then expected, then predicted.
std::vector<ConfusionCell> top_confusions(
    const std::map<std::string, std::map<std::string, int>>& confusion, std::size_t limit);

// Background for a confusion cell: white at zero, towards green on the diagonal and red off it,
// with intensity count / row_total. Returns "#rrggbb".
std::string heat_colour(int count, int row_total, bool diagonal);

}  // namespace rpmw::core::eval
