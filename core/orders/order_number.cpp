#include "core/orders/order_number.h"

#include <algorithm>
#include <initializer_list>
#include <optional>

#include "core/common/ascii.h"
#include "core/text/utf8.h"

namespace rpmw::core::orders {
namespace {

namespace utf8 = text::utf8;

constexpr std::size_t kMaxMentionDigits = 20;

bool in_list(std::string_view word, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

// Skips spaces and the punctuation that sits between "order" and its number.
std::size_t skip_joiners(std::string_view s, std::size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == ':' || s[i] == '#' || s[i] == '.')) ++i;
  return i;
}

// The number starting at `i`: digits, and dashes between digits when `dashes`. Nothing when it
// runs into a letter or is too long to be an order id.
std::optional<OrderNumberMention> number_at(std::string_view s, std::size_t i, bool dashes) {
  OrderNumberMention mention;
  while (i < s.size()) {
    if (utf8::ascii_digit(s[i])) {
      if (mention.digits.size() >= kMaxMentionDigits) return std::nullopt;
      mention.digits.push_back(s[i]);
    } else if (dashes && s[i] == '-' && i + 1 < s.size() && utf8::ascii_digit(s[i + 1])) {
      mention.dashed = true;
    } else {
      break;
    }
    ++i;
  }
  const bool ends = i >= s.size() || !utf8::ascii_alnum(s[i]);
  if (mention.digits.empty() || !ends) return std::nullopt;
  return mention;
}

// After an order keyword at `i`: up to three filler words, then the number.
std::optional<OrderNumberMention> number_after_keyword(std::string_view s, std::size_t i) {
  for (int fillers = 0; fillers <= 3; ++fillers) {
    i = skip_joiners(s, i);
    if (i < s.size() && utf8::ascii_digit(s[i])) return number_at(s, i, true);
    std::size_t j = i;
    while (j < s.size() && (utf8::ascii_alpha(s[j]) || static_cast<unsigned char>(s[j]) >= 0x80)) {
      ++j;
    }
    const std::string word = lower_ascii(s.substr(i, j - i));
    if (j == i || !in_list(word, {"number", "num", "no", "nr", "id", "is", "was", "es", "de", "del",
                                  "número", "numero", "nº", "n°"})) {
      return std::nullopt;
    }
    i = j;
  }
  return std::nullopt;
}

}  // namespace

std::vector<OrderNumberMention> order_number_mentions(std::string_view s) {
  std::vector<OrderNumberMention> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '#') {
      std::size_t j = i + 1;
      if (j < s.size() && s[j] == ' ') ++j;
      if (auto mention = number_at(s, j, false)) out.push_back(std::move(*mention));
      continue;
    }
    if (!utf8::ascii_alpha(c) || (i > 0 && utf8::ascii_alpha(s[i - 1]))) continue;
    for (std::string_view kw : {"orders", "order", "pedido", "orden", "compra"}) {
      if (!utf8::starts_with_ci(s.substr(i), kw)) continue;
      const std::size_t after = i + kw.size();
      if (after < s.size() && utf8::ascii_alpha(s[after])) continue;
      if (auto mention = number_after_keyword(s, after)) out.push_back(std::move(*mention));
    }
  }
  return out;
}

bool counts_as_order_number_feature(const OrderNumberMention& mention) {
  const std::size_t n = mention.digits.size();
  return n >= 4 && (n <= 12 || (mention.dashed && n <= kMaxMentionDigits));
}

std::vector<std::string> extract_order_numbers(std::string_view normalized_text) {
  std::vector<std::string> out;
  for (OrderNumberMention& m : order_number_mentions(normalized_text)) {
    const std::size_t n = m.digits.size();
    if (m.dashed || n < kMinOrderNumberDigits || n > kMaxOrderNumberDigits) continue;
    if (std::find(out.begin(), out.end(), m.digits) != out.end()) continue;
    out.push_back(std::move(m.digits));
    if (out.size() == kMaxOrderNumbers) break;
  }
  return out;
}

}  // namespace rpmw::core::orders
