#include "tests/fakes/recording_event_log.h"

#include <variant>

namespace rpmw::fakes {

bool RecordingEventLog::enabled(core::LogLevel level) const {
  return static_cast<int>(level) >= static_cast<int>(min_level_);
}

void RecordingEventLog::write(const core::LogEvent& event) {
  if (!enabled(event.level())) return;
  std::lock_guard lock(mutex_);
  events_.push_back(event);
}

std::vector<core::LogEvent> RecordingEventLog::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

std::size_t RecordingEventLog::size() const {
  std::lock_guard lock(mutex_);
  return events_.size();
}

std::size_t RecordingEventLog::count(std::string_view event_name) const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& event : events_) n += event.event() == event_name ? 1 : 0;
  return n;
}

std::optional<core::LogEvent> RecordingEventLog::find(std::string_view event_name) const {
  std::lock_guard lock(mutex_);
  for (const auto& event : events_) {
    if (event.event() == event_name) return event;
  }
  return std::nullopt;
}

void RecordingEventLog::clear() {
  std::lock_guard lock(mutex_);
  events_.clear();
}

const core::LogEvent::Value* field(const core::LogEvent& event, std::string_view key) {
  const core::LogEvent::Value* found = nullptr;
  for (const auto& f : event.fields()) {
    if (f.key == key) found = &f.value;
  }
  return found;
}

std::optional<std::string> field_text(const core::LogEvent& event, std::string_view key) {
  const auto* value = field(event, key);
  if (value == nullptr) return std::nullopt;
  if (const auto* s = std::get_if<std::string>(value)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(value)) return std::to_string(*d);
  return std::get<bool>(*value) ? "true" : "false";
}

}  // namespace rpmw::fakes
