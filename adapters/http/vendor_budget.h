#pragma once
// One request budget per vendor account, shared by every caller (spec/04: Richpanel's 50/30 s is
// shared with other integrations and 429s come early, often without Retry-After). A token bucket
// that hands out reservations: a caller that finds it empty is told how long to wait, in order,
// instead of racing. After a 429 the whole bucket slows down for a cool-down period; 429s that
// keep coming while it is slowed down slow it further (down to a floor), because a configured
// rate far above the account's real budget would otherwise keep hitting the limit.
#include <chrono>
#include <mutex>
#include <optional>

#include "core/ports/clock.h"

namespace rpmw::adapters::http {

struct VendorBudgetSettings {
  double rate = 1.0;                          // requests per second (RPMW_RICHPANEL_RATE)
  double burst = 5;                           // RPMW_RICHPANEL_BURST
  std::chrono::milliseconds cooldown{60000};  // how long a 429 slows the bucket down
  double cooldown_factor = 0.5;               // each 429 multiplies the refill rate by this
  double min_factor = 1.0 / 32;               // the slowest it gets, × rate
};

class VendorBudget {
 public:
  VendorBudget(VendorBudgetSettings settings, const core::Clock& clock);

  // Takes one request's worth now; returns how long to wait before sending it (0: send now).
  // Thread-safe; concurrent callers get increasing waits, never the same slot.
  std::chrono::milliseconds reserve();
  // Gives back a reservation that will not be used (the caller gave up waiting).
  void release();
  // The vendor answered 429: cool down, and hold everyone back at least `retry_after`.
  void on_rate_limited(std::optional<std::chrono::milliseconds> retry_after);
  bool cooling_down() const;

 private:
  double rate_at(core::TimePoint now) const;
  void refill(core::TimePoint now);

  const VendorBudgetSettings settings_;
  const core::Clock& clock_;
  mutable std::mutex mutex_;
  double tokens_;  // negative: reservations waiting for the bucket to refill
  core::TimePoint last_;
  core::TimePoint cooldown_until_{};
  double factor_ = 1.0;              // current refill rate, × rate (1 outside a cool-down)
  core::TimePoint last_slowdown_{};  // when factor_ last dropped
};

}  // namespace rpmw::adapters::http
