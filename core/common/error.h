#pragma once
// Likely failures are values, not exceptions: every port returns Result<T>.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace rpmw::core {

enum class ErrorKind {
  transient,      // worth retrying later (5xx, timeouts, connection errors)
  rate_limited,   // 429 / throttled; honour retry_after when present
  permanent,      // retrying cannot help (400/401/403/404/422, invalid payload)
  not_found,      // the addressed record does not exist
  conflict,       // compare-and-set lost, or a unique key already taken
  invalid_input,  // the caller's input is malformed
  unavailable,    // a dependency is down or full (disk full, DB locked too long)
  internal,       // a bug or an unexpected state
};

std::string_view to_string(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::internal;
  // A short machine code, safe to log (never customer text): e.g. "sqlite_full".
  std::string code;
  std::optional<std::chrono::milliseconds> retry_after;

  bool retryable() const {
    return kind == ErrorKind::transient || kind == ErrorKind::rate_limited ||
           kind == ErrorKind::unavailable;
  }
};

template <class T>
using Result = tl::expected<T, Error>;

using Status = tl::expected<void, Error>;

inline tl::unexpected<Error> fail(ErrorKind kind, std::string code) {
  return tl::unexpected<Error>(Error{kind, std::move(code), std::nullopt});
}

}  // namespace rpmw::core
