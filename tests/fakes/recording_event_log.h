#pragma once
// An EventLog that keeps every event in memory, for assertions on what the core logged.
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/event_log.h"

namespace rpmw::fakes {

class RecordingEventLog final : public core::EventLog {
 public:
  explicit RecordingEventLog(core::LogLevel min_level = core::LogLevel::debug)
      : min_level_(min_level) {}

  bool enabled(core::LogLevel level) const override;
  void write(const core::LogEvent& event) override;

  std::vector<core::LogEvent> events() const;
  std::size_t size() const;
  std::size_t count(std::string_view event_name) const;
  // The first event with that name.
  std::optional<core::LogEvent> find(std::string_view event_name) const;
  void clear();

 private:
  core::LogLevel min_level_;
  mutable std::mutex mutex_;
  std::vector<core::LogEvent> events_;
};

// The last value logged under `key`, or nullptr.
const core::LogEvent::Value* field(const core::LogEvent& event, std::string_view key);
// The field as text (strings as is, numbers and booleans formatted); nullopt when absent.
std::optional<std::string> field_text(const core::LogEvent& event, std::string_view key);

}  // namespace rpmw::fakes
