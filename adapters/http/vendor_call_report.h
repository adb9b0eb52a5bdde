#pragma once
// What one logical vendor call did, for logs and metrics. Deliberately closed: fixed names and
// numbers only, never ids, keys, URLs or bodies, so an observer can log it as it is.
#include <cstdint>
#include <functional>
#include <string>

namespace rpmw::adapters::http {

struct VendorCallReport {
  std::string vendor;           // "richpanel"
  std::string operation;        // a fixed name without ids, e.g. "get_ticket", "add_tags"
  long http_status = 0;         // of the last attempt; 0: no HTTP answer (transport error, refused)
  std::int64_t latency_ms = 0;  // the whole call, retries and waits included
  int retries = 0;              // attempts made beyond the first
  std::string error_code;       // empty on success, else the core::Error code returned
  int rate_limit_remaining = -1;  // X-RateLimit-Remaining of the last answer; -1: unknown
};

// Called once per logical call, after its retries, on the calling thread. Must not throw.
using VendorCallObserver = std::function<void(const VendorCallReport&)>;

}  // namespace rpmw::adapters::http
