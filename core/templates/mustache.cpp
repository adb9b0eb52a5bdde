#include "core/templates/mustache.h"

#include <algorithm>

namespace rpmw::core::templates {
namespace {

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

tl::unexpected<Error> template_error(std::string detail) {
  return fail(ErrorKind::invalid_input, "template_error:" + detail);
}

void collect(const std::vector<MustacheNode>& nodes, std::vector<std::string>& out) {
  for (const MustacheNode& node : nodes) {
    if (node.kind != MustacheNode::Kind::text &&
        std::find(out.begin(), out.end(), node.value) == out.end()) {
      out.push_back(node.value);
    }
    collect(node.children, out);
  }
}

bool is_set(const std::map<std::string, std::string>& vars, const std::string& name) {
  auto it = vars.find(name);
  return it != vars.end() && !it->second.empty();
}

void render_into(const std::vector<MustacheNode>& nodes,
                 const std::map<std::string, std::string>& vars, std::string& out) {
  for (const MustacheNode& node : nodes) {
    switch (node.kind) {
      case MustacheNode::Kind::text:
        out += node.value;
        break;
      case MustacheNode::Kind::variable: {
        auto it = vars.find(node.value);
        if (it != vars.end()) out += strip_control_chars(it->second);
        break;
      }
      case MustacheNode::Kind::section:
        if (is_set(vars, node.value)) render_into(node.children, vars, out);
        break;
      case MustacheNode::Kind::inverted:
        if (!is_set(vars, node.value)) render_into(node.children, vars, out);
        break;
    }
  }
}

}  // namespace

Result<std::vector<MustacheNode>> parse_mustache(std::string_view text) {
  // A stack of open blocks; the bottom entry is the root list.
  std::vector<MustacheNode> stack(1);
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      stack.back().children.push_back(
          {MustacheNode::Kind::text, std::string(text.substr(pos)), {}});
      break;
    }
    if (open > pos) {
      stack.back().children.push_back(
          {MustacheNode::Kind::text, std::string(text.substr(pos, open - pos)), {}});
    }
    const size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) return template_error("unterminated_tag");
    std::string_view tag = trim(text.substr(open + 2, close - open - 2));
    pos = close + 2;
    char sigil = 0;
    if (!tag.empty() && (tag.front() == '#' || tag.front() == '^' || tag.front() == '/')) {
      sigil = tag.front();
      tag = trim(tag.substr(1));
    }
    if (!valid_name(tag)) return template_error("bad_tag:" + std::string(tag));
    const std::string name(tag);
    if (sigil == 0) {
      stack.back().children.push_back({MustacheNode::Kind::variable, name, {}});
    } else if (sigil == '#' || sigil == '^') {
      stack.push_back(
          {sigil == '#' ? MustacheNode::Kind::section : MustacheNode::Kind::inverted, name, {}});
    } else {
      if (stack.size() == 1) return template_error("unbalanced_close:" + name);
      if (stack.back().value != name) {
        return template_error("unbalanced_block:" + stack.back().value + "/" + name);
      }
      MustacheNode block = std::move(stack.back());
      stack.pop_back();
      stack.back().children.push_back(std::move(block));
    }
  }
  if (stack.size() > 1) return template_error("unclosed_block:" + stack.back().value);
  return std::move(stack.front().children);
}

std::vector<std::string> referenced_variables(const std::vector<MustacheNode>& nodes) {
  std::vector<std::string> out;
  collect(nodes, out);
  return out;
}

std::string render_mustache(const std::vector<MustacheNode>& nodes,
                            const std::map<std::string, std::string>& vars) {
  std::string out;
  render_into(nodes, vars, out);
  return out;
}

std::string strip_control_chars(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c == 0x7f) continue;
    // C1 controls (U+0080–U+009F) are 0xC2 0x80–0x9F in UTF-8.
    if (c == 0xc2 && i + 1 < value.size()) {
      const auto next = static_cast<unsigned char>(value[i + 1]);
      if (next >= 0x80 && next <= 0x9f) {
        ++i;
        continue;
      }
    }
    out += static_cast<char>(c);
  }
  return out;
}

std::string tidy_text(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
      line.remove_suffix(1);
    }
    const bool blank = line.empty();
    if (!(blank && (lines.empty() || lines.back().empty()))) lines.emplace_back(line);
    start = end + 1;
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += '\n';
    out += lines[i];
  }
  // Leading spaces on the first line are trimmed too: the output as a whole is trimmed.
  const size_t first = out.find_first_not_of(" \t");
  return first == std::string::npos ? std::string() : out.substr(first);
}

}  // namespace rpmw::core::templates
