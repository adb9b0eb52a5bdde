#include "core/ingest/token_bucket.h"

#include <algorithm>
#include <cmath>

namespace rpmw::core::ingest {

const std::string RateLimiter::kOverflowSource = "\x01overflow";

TokenBucket::TokenBucket(double rate_per_second, double burst, TimePoint now)
    : rate_(rate_per_second), burst_(std::max(1.0, burst)), tokens_(burst_), last_(now) {}

void TokenBucket::refill(TimePoint now) {
  if (now > last_) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    last_ = now;
  }
}

std::optional<std::chrono::milliseconds> TokenBucket::try_take(TimePoint now) {
  refill(now);
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return std::nullopt;
  }
  const double wait_s = (1.0 - tokens_) / rate_;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(wait_s * 1000.0)));
}

void TokenBucket::give_back() {
  tokens_ = std::min(burst_, tokens_ + 1.0);
}

bool TokenBucket::full(TimePoint now) const {
  const double elapsed = now > last_ ? std::chrono::duration<double>(now - last_).count() : 0.0;
  return tokens_ + elapsed * rate_ >= burst_;
}

RateLimiter::RateLimiter(RateLimitSettings settings, const Clock& clock)
    : settings_(settings), clock_(clock) {
  if (settings_.global_rate > 0) {
    global_.emplace(settings_.global_rate, settings_.global_burst, clock_.now());
  }
}

std::optional<std::chrono::milliseconds> RateLimiter::admit(const std::string& source) {
  const TimePoint now = clock_.now();
  std::lock_guard lock(mutex_);
  if (global_) {
    if (auto wait = global_->try_take(now)) return wait;  // refused: the source keeps its budget
  }
  if (settings_.per_source_rate <= 0) return std::nullopt;
  auto it = per_source_.find(source);
  if (it == per_source_.end()) {
    if (per_source_.size() >= settings_.max_sources) {
      // Forget sources whose buckets are full again: they carry no state worth keeping.
      std::erase_if(per_source_, [&](const auto& entry) { return entry.second.full(now); });
    }
    // Still full (a spray of addresses): newcomers share one overflow bucket, bounding memory.
    const std::string& key = per_source_.size() >= settings_.max_sources ? kOverflowSource : source;
    it = per_source_.find(key);
    if (it == per_source_.end()) {
      it =
          per_source_
              .emplace(key, TokenBucket(settings_.per_source_rate, settings_.per_source_burst, now))
              .first;
    }
  }
  if (auto wait = it->second.try_take(now)) {
    if (global_) global_->give_back();
    return wait;
  }
  return std::nullopt;
}

}  // namespace rpmw::core::ingest
