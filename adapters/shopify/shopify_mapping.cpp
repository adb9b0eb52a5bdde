#include "adapters/shopify/shopify_mapping.h"

#include <algorithm>
#include <chrono>

#include "adapters/http/json_fields.h"
#include "core/common/ascii.h"

namespace rpmw::adapters::shopify {
namespace json = boost::json;
namespace {

std::string str(const json::object& o, std::string_view key) {
  return http::json_text(o, key);
}

const json::object* object_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr ? v->if_object() : nullptr;
}

const json::array* array_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr ? v->if_array() : nullptr;
}

// Set, and neither null nor "": Shopify writes null for "not yet".
bool present(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && !v->is_null() && !(v->is_string() && v->get_string().empty());
}

std::vector<std::string> strings(const json::object& o, std::string_view array_key,
                                 std::string_view single_key) {
  std::vector<std::string> out;
  if (const json::array* items = array_at(o, array_key)) {
    for (const json::value& item : *items) {
      if (item.is_string() && !item.get_string().empty()) out.emplace_back(item.get_string());
    }
  }
  if (out.empty()) {
    std::string single = str(o, single_key);
    if (!single.empty()) out.push_back(std::move(single));
  }
  return out;
}

bool digits(std::string_view t, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > t.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + len; ++i) {
    if (t[i] < '0' || t[i] > '9') return false;
    out = out * 10 + (t[i] - '0');
  }
  return true;
}

core::Fulfillment fulfillment_from(const json::object& f) {
  core::Fulfillment out;
  out.status = str(f, "status");
  out.created_at_ms = parse_iso8601_ms(str(f, "created_at")).value_or(0);
  const std::vector<std::string> numbers = strings(f, "tracking_numbers", "tracking_number");
  const std::vector<std::string> urls = strings(f, "tracking_urls", "tracking_url");
  const std::string company = str(f, "tracking_company");
  for (std::size_t i = 0; i < std::max(numbers.size(), urls.size()); ++i) {
    out.tracking.push_back(core::Tracking{i < numbers.size() ? numbers[i] : std::string(),
                                          company,
                                          i < urls.size() ? urls[i] : std::string(),
                                          {}});
  }
  return out;
}

}  // namespace

std::optional<std::int64_t> parse_iso8601_ms(std::string_view t) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (t.size() < 20 || !digits(t, 0, 4, y) || t[4] != '-' || !digits(t, 5, 2, mo) || t[7] != '-' ||
      !digits(t, 8, 2, d) || (t[10] != 'T' && t[10] != ' ') || !digits(t, 11, 2, h) ||
      t[13] != ':' || !digits(t, 14, 2, mi) || t[16] != ':' || !digits(t, 17, 2, s)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(y),
                                         std::chrono::month(static_cast<unsigned>(mo)),
                                         std::chrono::day(static_cast<unsigned>(d))};
  if (!date.ok() || h > 23 || mi > 59 || s > 59) return std::nullopt;
  std::size_t i = 19;
  std::int64_t ms = 0;
  if (t[i] == '.') {
    int scale = 100;
    for (++i; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i) {
      ms += (t[i] - '0') * scale;
      scale /= 10;
    }
  }
  int offset_minutes = 0;
  if (i + 1 == t.size() && (t[i] == 'Z' || t[i] == 'z')) {
    offset_minutes = 0;
  } else if (i + 6 == t.size() && (t[i] == '+' || t[i] == '-') && t[i + 3] == ':') {
    int oh = 0, om = 0;
    if (!digits(t, i + 1, 2, oh) || !digits(t, i + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_minutes = (t[i] == '-' ? -1 : 1) * (oh * 60 + om);
  } else {
    return std::nullopt;  // a zone is required: a bare local time is ambiguous
  }
  const std::int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  const std::int64_t seconds = days * 86400 + h * 3600 + mi * 60 + s - offset_minutes * 60;
  return seconds * 1000 + ms;
}

std::optional<core::Order> order_from_shopify_json(const json::object& o) {
  core::Order order;
  order.order_id = str(o, "id");
  if (order.order_id.empty()) return std::nullopt;
  order.order_name = str(o, "name");
  // Shopify has no single status; an archived (closed) order is done, anything else is open.
  order.status = present(o, "closed_at") ? "closed" : "open";
  order.financial_status = str(o, "financial_status");
  order.fulfillment_status = str(o, "fulfillment_status");
  if (order.fulfillment_status.empty()) order.fulfillment_status = "unfulfilled";  // null
  order.created_at_ms = parse_iso8601_ms(str(o, "created_at")).value_or(0);
  order.status_url = str(o, "order_status_url");
  if (const json::array* lines = array_at(o, "shipping_lines"); lines && !lines->empty()) {
    if (const json::object* first = lines->front().if_object()) {
      order.shipping_method = str(*first, "title");
    }
  }
  std::string_view tags = o.contains("tags") && o.at("tags").is_string()
                              ? std::string_view(o.at("tags").get_string())
                              : std::string_view();
  while (!tags.empty()) {
    const std::size_t comma = tags.find(',');
    const std::string_view tag = core::trim_ascii(tags.substr(0, comma));
    if (!tag.empty()) order.tags.emplace_back(tag);
    tags = comma == std::string_view::npos ? std::string_view() : tags.substr(comma + 1);
  }
  if (const json::array* fulfillments = array_at(o, "fulfillments")) {
    for (const json::value& item : *fulfillments) {
      const json::object* f = item.if_object();
      if (f == nullptr) continue;
      // A cancelled or failed fulfillment's tracking is not where the parcel is.
      const std::string status = str(*f, "status");
      if (status == "cancelled" || status == "error" || status == "failure") continue;
      order.fulfillments.push_back(fulfillment_from(*f));
    }
  }
  const json::object* customer = object_at(o, "customer");
  const json::object* shipping = object_at(o, "shipping_address");
  // The contact the match compares; the rest of the customer and the address are dropped.
  auto contact = [&](std::string_view key) {
    std::string value(core::trim_ascii(str(o, key)));
    if (value.empty() && customer != nullptr) value = core::trim_ascii(str(*customer, key));
    if (value.empty() && key == "phone" && shipping != nullptr) {
      value = core::trim_ascii(str(*shipping, key));
    }
    return value;
  };
  order.customer_email = contact("email");
  order.customer_phone = contact("phone");
  return order;
}

core::Result<std::vector<core::Order>> orders_from_shopify_json(const json::value& body) {
  const json::object* top = body.if_object();
  const json::array* items = top != nullptr ? array_at(*top, "orders") : nullptr;
  if (items == nullptr) return core::fail(core::ErrorKind::permanent, "shopify_unexpected_body");
  std::vector<core::Order> out;
  for (const json::value& item : *items) {
    const json::object* o = item.if_object();
    if (o == nullptr || present(*o, "cancelled_at")) continue;
    if (auto order = order_from_shopify_json(*o)) out.push_back(std::move(*order));
  }
  return out;
}

}  // namespace rpmw::adapters::shopify
