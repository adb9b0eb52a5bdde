#pragma once
// Shopify Admin REST order JSON → core::Order, keeping only what the order-status replies and
// the contact match need: never addresses (a shipping address gives its phone, nothing else),
// payment details or line items.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "core/common/error.h"
#include "core/ports/order_source.h"

namespace rpmw::adapters::shopify {

// "2026-03-02T10:15:30-05:00", fractional seconds and "Z" allowed → epoch ms; nullopt when it
// is not such a timestamp.
std::optional<std::int64_t> parse_iso8601_ms(std::string_view text);

// One order object; nullopt without an id.
std::optional<core::Order> order_from_shopify_json(const boost::json::object& order);

// The body of GET orders.json ({"orders": [...]}), cancelled orders left out. Errors: permanent
// "shopify_unexpected_body".
core::Result<std::vector<core::Order>> orders_from_shopify_json(const boost::json::value& body);

}  // namespace rpmw::adapters::shopify
