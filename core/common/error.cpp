#include "core/common/error.h"

namespace rpmw::core {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::transient:
      return "transient";
    case ErrorKind::rate_limited:
      return "rate_limited";
    case ErrorKind::permanent:
      return "permanent";
    case ErrorKind::not_found:
      return "not_found";
    case ErrorKind::conflict:
      return "conflict";
    case ErrorKind::invalid_input:
      return "invalid_input";
    case ErrorKind::unavailable:
      return "unavailable";
    case ErrorKind::internal:
      return "internal";
  }
  return "internal";
}

}  // namespace rpmw::core
