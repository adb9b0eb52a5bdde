#include "core/ports/state_store.h"

namespace rpmw::core {

std::string_view to_string(EventStatus status) {
  switch (status) {
    case EventStatus::processing:
      return "processing";
    case EventStatus::done:
      return "done";
    case EventStatus::duplicate:
      return "duplicate";
  }
  return "processing";
}

std::string_view to_string(ActionStatus status) {
  switch (status) {
    case ActionStatus::pending:
      return "pending";
    case ActionStatus::done:
      return "done";
    case ActionStatus::failed:
      return "failed";
  }
  return "pending";
}

}  // namespace rpmw::core
