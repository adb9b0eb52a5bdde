#include "tests/support/support.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

namespace rpmw::testing {

bool poll_until(Deadline deadline, const std::function<bool()>& predicate,
                std::chrono::milliseconds interval) {
  for (;;) {
    bool ok = false;
    try {
      ok = predicate();
    } catch (...) {
      ok = false;
    }
    if (ok) return true;
    if (SteadyClock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}

namespace {
struct Series {
  std::string name;
  std::map<std::string, std::string> labels;
};

// Parses `name{k="v",...}` from the front of `text`, advancing it past the series.
std::optional<Series> parse_series(std::string_view& text) {
  Series s;
  std::size_t i = 0;
  while (i < text.size() && text[i] != '{' && text[i] != ' ' && text[i] != '\t') ++i;
  s.name = std::string(text.substr(0, i));
  if (s.name.empty()) return std::nullopt;
  if (i < text.size() && text[i] == '{') {
    ++i;
    for (;;) {
      while (i < text.size() && (text[i] == ' ' || text[i] == ',')) ++i;
      if (i < text.size() && text[i] == '}') {
        ++i;
        break;
      }
      const std::size_t eq = text.find('=', i);
      if (eq == std::string_view::npos || eq + 1 >= text.size() || text[eq + 1] != '"') {
        return std::nullopt;
      }
      std::string key(text.substr(i, eq - i));
      std::string value;
      i = eq + 2;
      for (; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          ++i;
          value.push_back(text[i] == 'n' ? '\n' : text[i]);
        } else {
          value.push_back(text[i]);
        }
      }
      if (i >= text.size()) return std::nullopt;
      ++i;  // closing quote
      s.labels[std::move(key)] = std::move(value);
    }
  }
  text.remove_prefix(i);
  return s;
}
}  // namespace

std::optional<double> metric_value(std::string_view metrics_text, std::string_view series) {
  std::string_view query_text = series;
  const auto wanted = parse_series(query_text);
  if (!wanted) return std::nullopt;
  std::istringstream in{std::string(metrics_text)};
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::string_view rest(line);
    const auto got = parse_series(rest);
    if (!got || got->name != wanted->name || got->labels != wanted->labels) continue;
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    const std::string value(rest.substr(0, rest.find(' ')));
    if (value == "+Inf") return HUGE_VAL;
    if (value == "-Inf") return -HUGE_VAL;
    try {
      std::size_t used = 0;
      const double v = std::stod(value, &used);
      if (used == value.size()) return v;
    } catch (...) {
    }
    return std::nullopt;
  }
  return std::nullopt;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

}  // namespace rpmw::testing
