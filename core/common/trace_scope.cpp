#include "core/common/trace_scope.h"

#include <utility>

namespace rpmw::core {
namespace {
thread_local std::string current_trace;
}  // namespace

TraceScope::TraceScope(std::string_view trace_id) : previous_(std::move(current_trace)) {
  current_trace = std::string(trace_id);
}

TraceScope::~TraceScope() {
  current_trace = std::move(previous_);
}

std::string_view TraceScope::current() {
  return current_trace;
}

}  // namespace rpmw::core
