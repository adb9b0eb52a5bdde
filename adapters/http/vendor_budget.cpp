#include "adapters/http/vendor_budget.h"

#include <algorithm>
#include <cmath>

namespace rpmw::adapters::http {

VendorBudget::VendorBudget(VendorBudgetSettings settings, const core::Clock& clock)
    : settings_(settings), clock_(clock), tokens_(settings.burst), last_(clock.now()) {}

double VendorBudget::rate_at(core::TimePoint now) const {
  const double rate = std::max(settings_.rate, 1e-6);
  return now < cooldown_until_ ? rate * factor_ : rate;
}

void VendorBudget::refill(core::TimePoint now) {
  if (now <= last_) return;
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(settings_.burst, tokens_ + elapsed * rate_at(now));
  last_ = now;
}

std::chrono::milliseconds VendorBudget::reserve() {
  std::lock_guard lock(mutex_);
  const core::TimePoint now = clock_.now();
  refill(now);
  tokens_ -= 1;
  if (tokens_ >= 0) return std::chrono::milliseconds(0);
  const double seconds = -tokens_ / rate_at(now);
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(seconds * 1000.0)));
}

void VendorBudget::release() {
  std::lock_guard lock(mutex_);
  tokens_ = std::min(settings_.burst, tokens_ + 1);
}

void VendorBudget::on_rate_limited(std::optional<std::chrono::milliseconds> retry_after) {
  std::lock_guard lock(mutex_);
  const core::TimePoint now = clock_.now();
  refill(now);
  const auto hold =
      std::max(settings_.cooldown, retry_after.value_or(std::chrono::milliseconds(0)));
  if (now >= cooldown_until_) factor_ = 1.0;  // the last cool-down ended without a 429
  // Requests already in flight when the rate last dropped answer 429 too; they say nothing new.
  // Only a 429 for a request sent at the slower rate (one slot after the drop) compounds.
  const auto slot = std::chrono::duration<double>(1.0 / rate_at(now));
  if (factor_ == 1.0 || now - last_slowdown_ >= slot) {
    const double step = std::clamp(settings_.cooldown_factor, 0.01, 1.0);
    factor_ = std::max(factor_ * step, std::clamp(settings_.min_factor, 1e-3, 1.0));
    last_slowdown_ = now;
  }
  cooldown_until_ = std::max(cooldown_until_, now + hold);
  // The vendor says the budget is spent, whatever our count said.
  tokens_ = std::min(tokens_, 0.0);
  if (retry_after) {
    const double seconds = std::chrono::duration<double>(*retry_after).count();
    tokens_ = std::min(tokens_, -seconds * rate_at(now));
  }
}

bool VendorBudget::cooling_down() const {
  std::lock_guard lock(mutex_);
  return clock_.now() < cooldown_until_;
}

}  // namespace rpmw::adapters::http
