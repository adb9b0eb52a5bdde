#pragma once
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/ports/clock.h"

namespace rpmw::core::ingest {

// Classic token bucket; not thread-safe on its own (RateLimiter guards it).
class TokenBucket {
 public:
  TokenBucket(double rate_per_second, double burst, TimePoint now);
  // Takes one token, or returns how long until one is available.
  std::optional<std::chrono::milliseconds> try_take(TimePoint now);
  bool full(TimePoint now) const;
  // Returns a token taken for a request that another limit then refused.
  void give_back();

 private:
  void refill(TimePoint now);
  double rate_;
  double burst_;
  double tokens_;
  TimePoint last_;
};

struct RateLimitSettings {
  double global_rate = 2000;  // requests per second; 0 disables
  double global_burst = 4000;
  double per_source_rate = 1000;
  double per_source_burst = 2000;
  std::size_t max_sources = 10000;  // bound memory under a spray of addresses
};

// A global bucket plus one per source address.
class RateLimiter {
 public:
  RateLimiter(RateLimitSettings settings, const Clock& clock);
  // nullopt: allowed. Otherwise: retry after this long.
  std::optional<std::chrono::milliseconds> admit(const std::string& source);

  static const std::string kOverflowSource;

 private:
  RateLimitSettings settings_;
  const Clock& clock_;
  std::mutex mutex_;
  std::optional<TokenBucket> global_;
  std::unordered_map<std::string, TokenBucket> per_source_;
};

}  // namespace rpmw::core::ingest
