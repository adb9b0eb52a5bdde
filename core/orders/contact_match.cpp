#include "core/orders/contact_match.h"

#include "core/common/ascii.h"

namespace rpmw::core::orders {
namespace {

std::string digits_of(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c >= '0' && c <= '9') out.push_back(c);
  }
  return out;
}

}  // namespace

bool emails_match(std::string_view a, std::string_view b) {
  const std::string x = lower_ascii(trim_ascii(a));
  const std::string y = lower_ascii(trim_ascii(b));
  return !x.empty() && x.find('@') != std::string::npos && x == y;
}

bool phones_match(std::string_view a, std::string_view b) {
  std::string x = digits_of(a);
  std::string y = digits_of(b);
  if (x.size() < kMinPhoneDigits || y.size() < kMinPhoneDigits) return false;
  if (x.size() >= kPhoneTailDigits && y.size() >= kPhoneTailDigits) {
    x.erase(0, x.size() - kPhoneTailDigits);
    y.erase(0, y.size() - kPhoneTailDigits);
  }
  return x == y;
}

std::optional<Order> match_by_contact(const std::vector<Order>& candidates,
                                      const std::string& email, const std::string& phone) {
  const Order* found = nullptr;
  for (const Order& candidate : candidates) {
    if (!emails_match(candidate.customer_email, email) &&
        !phones_match(candidate.customer_phone, phone)) {
      continue;
    }
    if (found != nullptr && found->order_id != candidate.order_id) return std::nullopt;
    found = &candidate;
  }
  if (found == nullptr) return std::nullopt;
  return *found;
}

ContactLookup lookup_by_contact(OrderSearch& search, const OrderQuery& query) {
  ContactLookup out;
  if (trim_ascii(query.email).empty() && trim_ascii(query.phone).empty()) return out;
  for (const std::string& number : query.order_numbers) {
    ++out.searches;
    auto candidates = search.find_by_number(number);
    if (!candidates) {
      out.error = std::move(candidates.error());
      return out;
    }
    if (candidates->empty()) continue;
    out.order = match_by_contact(*candidates, query.email, query.phone);
    return out;
  }
  return out;
}

}  // namespace rpmw::core::orders
