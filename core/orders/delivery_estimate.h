#pragma once
// The delivery-estimate maths of spec/03 for an order without tracking: business days since the
// order date in the store's zone, against the window of its shipping method. Pure: "now" comes in.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/orders/order_status_policy.h"
#include "core/ports/clock.h"
#include "core/ports/order_source.h"

namespace rpmw::core::orders {

struct WindowMatch {
  // The matched key ("standard"); for an explicit "N-M business days" that no key matches,
  // "N–M business day" (reads as "with 3–5 business day shipping").
  std::string bucket;
  DeliveryWindow window;
  bool from_text = false;  // the method text named the window itself
};

// An explicit "N-M business days" / "N–M" / "N to M" / "N business days" in the text wins;
// otherwise the longest key that is a case-insensitive substring. nullopt: not recognised.
std::optional<WindowMatch> match_shipping_window(
    std::string_view method, const std::map<std::string, DeliveryWindow>& windows);

// Tagged pre-order / preorder (case-insensitive; comma-joined tag strings are split).
bool is_preorder(const Order& order);

// "1 business day", "3 business days", "2–4 business days" (en dash).
std::string eta_human(int min_days, int max_days);

enum class EtaStatus { within_window, late, bucket_unknown, preorder_no_eta, zone_unknown };
std::string_view to_string(EtaStatus status);

struct DeliveryEstimate {
  EtaStatus status = EtaStatus::bucket_unknown;
  std::string bucket;  // empty when not recognised
  DeliveryWindow window;
  bool preorder = false;
  // Business days after the start (the order date; a pre-order's ship-by date when later) up to
  // and including the inquiry date. Negative only for a pre-order before its ship-by date.
  int elapsed = 0;
  int remaining_min = 0;            // max(0, min − elapsed)
  int remaining_max = 0;            // max(0, max − elapsed)
  std::string eta_remaining_human;  // set only when within_window
};

// Late = elapsed ≥ max. A pre-order without a valid ship_by_date gets no estimate.
DeliveryEstimate estimate_delivery(const Order& order, TimePoint inquiry,
                                   const OrderStatusPolicy& policy);

}  // namespace rpmw::core::orders
