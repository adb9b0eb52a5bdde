#include "core/actions/reply_fingerprint.h"

#include <cctype>

#include "core/common/crypto.h"

namespace rpmw::core::actions {
namespace {

// Tags dropped, the common entities decoded, every whitespace run (including <br>, <p>) one space.
std::string canonical(std::string_view body) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'},  {"&lt;", '<'},    {"&gt;", '>'},    {"&quot;", '"'},
      {"&#39;", '\''}, {"&#x27;", '\''}, {"&apos;", '\''}, {"&nbsp;", ' '}};
  std::string out;
  out.reserve(body.size());
  bool space = false;
  auto push = [&](char c) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      space = !out.empty();
      return;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  };
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '<') {
      const std::size_t close = body.find('>', i);
      if (close != std::string_view::npos) {
        push(' ');
        i = close;
        continue;
      }
    }
    if (c == '&') {
      bool decoded = false;
      for (const auto& [entity, value] : kEntities) {
        if (body.substr(i, entity.size()) == entity) {
          push(value);
          i += entity.size() - 1;
          decoded = true;
          break;
        }
      }
      if (decoded) continue;
    }
    push(c);
  }
  return out;
}

}  // namespace

std::string reply_fingerprint(std::string_view body) {
  return sha256_hex(canonical(body)).substr(0, 32);
}

std::string comment_fingerprint(const Comment& comment) {
  return reply_fingerprint(comment.plain_body.empty() ? comment.body_html : comment.plain_body);
}

}  // namespace rpmw::core::actions
