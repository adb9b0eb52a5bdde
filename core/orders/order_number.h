#pragma once
// Order numbers as customers write them: "#1042", "order 1042", "order no. 1042063",
// "pedido número 5678". One scanner serves the has_order_number feature and the order lookup so
// the two never disagree about what a mention is. Pure.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rpmw::core::orders {

struct OrderNumberMention {
  std::string digits;   // dashes removed
  bool dashed = false;  // written with dashes inside, as in "112-1234567-1234567"
};

// Every number right after "#" (one space allowed) or after an order keyword (order, orders,
// pedido, orden, compra) and at most three filler words ("number", "no", "id", "is", "número",
// …), in text order, up to 20 digits and not running into a letter. A bare number never counts,
// so phone numbers, ZIP codes, prices and dates are not mentions.
std::vector<OrderNumberMention> order_number_mentions(std::string_view text);

// The has_order_number feature's bar: 4–12 digits, or a dashed id of 4–20 digits.
bool counts_as_order_number_feature(const OrderNumberMention& mention);

inline constexpr std::size_t kMaxOrderNumbers = 3;
inline constexpr std::size_t kMinOrderNumberDigits = 3;
inline constexpr std::size_t kMaxOrderNumberDigits = 12;

// The numbers worth an order lookup: undashed mentions of 3–12 digits, deduplicated, in text
// order, at most kMaxOrderNumbers. A lower bar than the feature's: a lookup only discloses
// when the customer's contact details match as well.
std::vector<std::string> extract_order_numbers(std::string_view normalized_text);

}  // namespace rpmw::core::orders
