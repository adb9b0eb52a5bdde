#include "core/eval/render_util.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace rpmw::core::eval {

std::string format_fixed(double value, int decimals) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::array<char, 64> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value,
                                       std::chars_format::fixed, std::clamp(decimals, 0, 12));
  if (ec != std::errc{}) return "nan";  // only for absurd magnitudes; never throws
  return std::string(buf.data(), end);
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string markdown_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '|':
        out += "\\|";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\r':
      case '\n':
        out.push_back(' ');
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // skip continuation bytes
  }));
}

std::vector<ConfusionCell> top_confusions(
    const std::map<std::string, std::map<std::string, int>>& confusion, std::size_t limit) {
  std::vector<ConfusionCell> cells;
  for (const auto& [expected, row] : confusion) {
    for (const auto& [predicted, count] : row) {
      if (expected != predicted && count > 0) cells.push_back({expected, predicted, count});
    }
  }
  // Map iteration already orders by (expected, predicted); a stable sort keeps that for ties.
  std::stable_sort(cells.begin(), cells.end(), [](const ConfusionCell& a, const ConfusionCell& b) {
    return a.count > b.count;
  });
  if (cells.size() > limit) cells.resize(limit);
  return cells;
}

std::string heat_colour(int count, int row_total, bool diagonal) {
  if (count <= 0 || row_total <= 0) return "#ffffff";
  const double intensity = std::clamp(static_cast<double>(count) / row_total, 0.0, 1.0);
  // Light end colours keep dark text readable at full intensity.
  const std::array<int, 3> target =
      diagonal ? std::array<int, 3>{99, 190, 123} : std::array<int, 3>{248, 105, 107};
  std::array<char, 8> buf{};
  std::array<int, 3> rgb{};
  for (std::size_t i = 0; i < 3; ++i) {
    rgb[i] = static_cast<int>(std::lround(255.0 + (target[i] - 255.0) * intensity));
  }
  std::snprintf(buf.data(), buf.size(), "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
  return std::string(buf.data());
}

}  // namespace rpmw::core::eval
