#include "core/orders/delivery_estimate.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>

#include "core/common/ascii.h"
#include "core/orders/dates.h"

namespace rpmw::core::orders {
namespace {

std::string lower(std::string_view text) {
  return lower_ascii(text);
}

std::string_view trim(std::string_view text) {
  return trim_ascii(text);
}

// "3-5 business days", "3–5" / "3—5" (en / em dash), "3 to 5", "2 business days".
const RE2& explicit_window() {
  static const RE2 re(
      "(?i)\\b(\\d{1,3})\\s*(?:(?:-|\xE2\x80\x93|\xE2\x80\x94|to)\\s*(\\d{1,3})\\s*)?"
      "business[\\s-]+days?\\b");
  return re;
}

std::optional<WindowMatch> longest_key(const std::string& method,
                                       const std::map<std::string, DeliveryWindow>& windows) {
  std::optional<WindowMatch> best;
  for (const auto& [key, window] : windows) {
    if (key.empty() || method.find(key) == std::string::npos) continue;
    if (!best || key.size() > best->bucket.size()) best = WindowMatch{key, window, false};
  }
  return best;
}

}  // namespace

std::optional<WindowMatch> match_shipping_window(
    std::string_view method, const std::map<std::string, DeliveryWindow>& windows) {
  const std::string text = lower(method);
  std::optional<WindowMatch> keyed = longest_key(text, windows);
  std::string low;
  std::string high;
  if (RE2::PartialMatch(text, explicit_window(), &low, &high)) {
    const int a = std::stoi(low);
    const int b = high.empty() ? a : std::stoi(high);
    if (a <= b) {
      std::string label = keyed
                              ? keyed->bucket
                              : (a == b ? std::to_string(a)
                                        : std::to_string(a) + "\xE2\x80\x93" + std::to_string(b)) +
                                    " business day";
      return WindowMatch{std::move(label), DeliveryWindow{a, b}, true};
    }
  }
  return keyed;
}

bool is_preorder(const Order& order) {
  for (const std::string& tags : order.tags) {
    std::string_view rest = tags;
    while (true) {
      const std::size_t comma = rest.find(',');
      const std::string tag = lower(trim(rest.substr(0, comma)));
      if (tag == "pre-order" || tag == "preorder") return true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return false;
}

std::string eta_human(int min_days, int max_days) {
  if (min_days == max_days) {
    return std::to_string(min_days) + (min_days == 1 ? " business day" : " business days");
  }
  return std::to_string(min_days) + "\xE2\x80\x93" + std::to_string(max_days) + " business days";
}

std::string_view to_string(EtaStatus status) {
  switch (status) {
    case EtaStatus::within_window:
      return "eta_within_window";
    case EtaStatus::late:
      return "late";
    case EtaStatus::bucket_unknown:
      return "bucket_unknown";
    case EtaStatus::preorder_no_eta:
      return "preorder_no_eta";
    case EtaStatus::zone_unknown:
      return "zone_unknown";
  }
  return "bucket_unknown";
}

DeliveryEstimate estimate_delivery(const Order& order, TimePoint inquiry,
                                   const OrderStatusPolicy& policy) {
  DeliveryEstimate e;
  if (!policy.zone) {
    e.status = EtaStatus::zone_unknown;
    return e;
  }
  const TimeZone& zone = *policy.zone;
  Date start = local_date(from_epoch_ms(order.created_at_ms), zone);
  e.preorder = is_preorder(order);
  if (e.preorder) {
    // A pre-order ships when stock arrives: only an explicit ship-by date gives an estimate.
    const std::optional<Date> ship_by = parse_iso_date(trim(order.ship_by_date));
    if (!ship_by) {
      e.status = EtaStatus::preorder_no_eta;
      return e;
    }
    start = std::max(start, *ship_by);
  }
  const std::optional<WindowMatch> match =
      match_shipping_window(order.shipping_method, policy.shipping_windows);
  if (!match) {
    e.status = EtaStatus::bucket_unknown;
    return e;
  }
  e.bucket = match->bucket;
  e.window = match->window;
  std::vector<Date> holidays;
  for (const std::string& day : policy.holidays) {
    if (auto d = parse_iso_date(day)) holidays.push_back(*d);
  }
  e.elapsed = business_days_between(start, local_date(inquiry, zone), holidays);
  // An inquiry "before" the order date is clock skew, not time to spare; a pre-order's wait for
  // its ship-by date is real.
  if (!e.preorder) e.elapsed = std::max(0, e.elapsed);
  e.remaining_min = std::max(0, e.window.min_days - e.elapsed);
  e.remaining_max = std::max(0, e.window.max_days - e.elapsed);
  if (e.elapsed >= e.window.max_days) {
    e.status = EtaStatus::late;
    return e;
  }
  e.status = EtaStatus::within_window;
  e.eta_remaining_human = eta_human(e.remaining_min, e.remaining_max);
  return e;
}

}  // namespace rpmw::core::orders
