#pragma once
// DynamoDB JSON attribute values ({"S":..}, {"N":..}, {"L":[..]}) and the store's error mapping.
// Readers return nullopt for a missing or mistyped attribute so callers decide what is corrupt.
#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"

namespace rpmw::adapters::aws::ddb {

boost::json::object s(std::string_view value);
boost::json::object n(std::int64_t value);
boost::json::object n_list(const std::vector<std::int64_t>& values);

// Sets `item[name]` to a string attribute unless `value` is empty: absent reads back as "", and
// index key attributes (ticket_id, trace_id) must never be empty strings.
void put_s_if_not_empty(boost::json::object& item, std::string_view name, std::string_view value);

std::optional<std::string> get_s(const boost::json::object& item, std::string_view name);
std::optional<std::int64_t> get_n(const boost::json::object& item, std::string_view name);
std::optional<std::vector<std::int64_t>> get_n_list(const boost::json::object& item,
                                                    std::string_view name);

// The "Item" of a GetItem answer or the "Attributes" of an UpdateItem answer; nullopt if absent.
std::optional<boost::json::object> member_object(const boost::json::value& answer,
                                                 std::string_view name);

// DynamoDB TTL works in epoch seconds. Rounded up so a record never disappears before its TTL.
std::int64_t expires_at_seconds(std::int64_t now_ms, std::int64_t ttl_ms);
// TTL deletion is lazy (up to 48 h late), so every read treats a passed `expires_at` as absent.
// An item without `expires_at` never expires.
bool is_expired(const boost::json::object& item, std::int64_t now_ms);
// The `:now_s` value conditions compare `expires_at` with: expired ⇔ expires_at <= now_s.
std::int64_t now_seconds(std::int64_t now_ms);

bool is_conditional_failure(const core::Error& error);
// Maps a failed call to the port's kinds: throttling → rate_limited, transaction conflicts →
// transient, a missing table → unavailable (a deployment problem, not a missing record).
core::Error map_error(core::Error error);

}  // namespace rpmw::adapters::aws::ddb
