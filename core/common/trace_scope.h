#pragma once
// The trace id of the event this thread is working on, for log lines written far from the
// pipeline (vendor adapters' call reports) that should still join the event's trace.
#include <string>
#include <string_view>

namespace rpmw::core {

class TraceScope {
 public:
  explicit TraceScope(std::string_view trace_id);
  ~TraceScope();
  TraceScope(const TraceScope&) = delete;
  TraceScope& operator=(const TraceScope&) = delete;

  // Empty outside any scope.
  static std::string_view current();

 private:
  std::string previous_;
};

}  // namespace rpmw::core
