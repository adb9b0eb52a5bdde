#pragma once
// The deterministic rule of the order-number fallback: an order found by the number the customer
// wrote is disclosed only when its contact matches the one the helpdesk holds for the customer,
// and exactly one order does. Pure apart from the OrderSearch port it is handed.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"
#include "core/ports/order_source.h"

namespace rpmw::core::orders {

inline constexpr std::size_t kMinPhoneDigits = 7;  // fewer digits prove nothing
inline constexpr std::size_t kPhoneTailDigits = 10;

// Trimmed and case-insensitive; never on an empty value or one without '@'.
bool emails_match(std::string_view a, std::string_view b);
// Digits only: the last 10 when both have at least 10 (a country code may be missing on one
// side), else all of them; never below kMinPhoneDigits.
bool phones_match(std::string_view a, std::string_view b);

// The one candidate whose email or phone matches; nullopt for none or several (an order listed
// twice counts once).
std::optional<Order> match_by_contact(const std::vector<Order>& candidates,
                                      const std::string& email, const std::string& phone);

struct ContactLookup {
  std::optional<Order> order;  // the unique match
  std::optional<Error> error;  // the search failed before a number yielded candidates
  int searches = 0;            // find_by_number calls made
};

// Searches the query's numbers in order and stops at the first that yields candidates (or at
// the first failure), then applies match_by_contact. Without an email or phone, or without
// numbers, nothing is searched.
ContactLookup lookup_by_contact(OrderSearch& search, const OrderQuery& query);

}  // namespace rpmw::core::orders
