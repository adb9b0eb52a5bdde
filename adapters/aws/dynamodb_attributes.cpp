#include "adapters/aws/dynamodb_attributes.h"

#include <charconv>

namespace rpmw::adapters::aws::ddb {

namespace json = boost::json;

namespace {

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

std::optional<std::int64_t> number_of(const json::value& attribute) {
  if (!attribute.is_object()) return std::nullopt;
  const auto* number = attribute.as_object().if_contains("N");
  if (number == nullptr || !number->is_string()) return std::nullopt;
  return parse_int(number->as_string());
}

}  // namespace

json::object s(std::string_view value) {
  return json::object{{"S", value}};
}

json::object n(std::int64_t value) {
  return json::object{{"N", std::to_string(value)}};
}

json::object n_list(const std::vector<std::int64_t>& values) {
  json::array list;
  for (auto v : values) list.emplace_back(n(v));
  return json::object{{"L", std::move(list)}};
}

void put_s_if_not_empty(json::object& item, std::string_view name, std::string_view value) {
  if (!value.empty()) item[name] = s(value);
}

std::optional<std::string> get_s(const json::object& item, std::string_view name) {
  const auto* attribute = item.if_contains(name);
  if (attribute == nullptr || !attribute->is_object()) return std::nullopt;
  const auto* text = attribute->as_object().if_contains("S");
  if (text == nullptr || !text->is_string()) return std::nullopt;
  return std::string(text->as_string());
}

std::optional<std::int64_t> get_n(const json::object& item, std::string_view name) {
  const auto* attribute = item.if_contains(name);
  if (attribute == nullptr) return std::nullopt;
  return number_of(*attribute);
}

std::optional<std::vector<std::int64_t>> get_n_list(const json::object& item,
                                                    std::string_view name) {
  const auto* attribute = item.if_contains(name);
  if (attribute == nullptr || !attribute->is_object()) return std::nullopt;
  const auto* list = attribute->as_object().if_contains("L");
  if (list == nullptr || !list->is_array()) return std::nullopt;
  std::vector<std::int64_t> out;
  for (const auto& element : list->as_array()) {
    auto value = number_of(element);
    if (!value) return std::nullopt;
    out.push_back(*value);
  }
  return out;
}

std::optional<json::object> member_object(const json::value& answer, std::string_view name) {
  if (!answer.is_object()) return std::nullopt;
  const auto* member = answer.as_object().if_contains(name);
  if (member == nullptr || !member->is_object()) return std::nullopt;
  return member->as_object();
}

std::int64_t expires_at_seconds(std::int64_t now_ms, std::int64_t ttl_ms) {
  const std::int64_t at_ms = now_ms + ttl_ms;
  return at_ms / 1000 + (at_ms % 1000 > 0 ? 1 : 0);
}

std::int64_t now_seconds(std::int64_t now_ms) {
  return now_ms / 1000 - (now_ms % 1000 < 0 ? 1 : 0);  // floor
}

bool is_expired(const json::object& item, std::int64_t now_ms) {
  const auto expires_at = get_n(item, "expires_at");
  return expires_at && *expires_at <= now_seconds(now_ms);
}

bool is_conditional_failure(const core::Error& error) {
  return error.code == "aws_ConditionalCheckFailedException";
}

core::Error map_error(core::Error error) {
  const std::string_view code = error.code;
  if (code == "aws_ProvisionedThroughputExceededException" || code == "aws_ThrottlingException" ||
      code == "aws_RequestLimitExceeded") {
    error.kind = core::ErrorKind::rate_limited;
  } else if (code == "aws_TransactionCanceledException" ||
             code == "aws_TransactionConflictException" ||
             code == "aws_TransactionInProgressException") {
    // The store's transactions carry no conditions, so a cancellation means a concurrent write
    // to the same item (or throttling inside the transaction): worth retrying.
    error.kind = core::ErrorKind::transient;
  } else if (code == "aws_ResourceNotFoundException") {
    error.kind = core::ErrorKind::unavailable;
  }
  return error;
}

}  // namespace rpmw::adapters::aws::ddb
