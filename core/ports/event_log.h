#pragma once
// Structured events, PII-free by construction: a LogEvent can only carry numbers, booleans,
// machine codes (identifier characters; anything else is replaced) and opaque ids without
// whitespace. There is no free-text field to put a message body, an address or a name in.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace rpmw::core {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };
std::string_view to_string(LogLevel level);
bool parse_log_level(std::string_view text, LogLevel& out);

// A value safe to log: [A-Za-z0-9_.:/-], at most 128 chars; other characters become '_'.
std::string sanitize_code(std::string_view value);
// An opaque identifier (ticket id, event key): printable ASCII without spaces, double quotes or
// backslashes (Message-IDs may contain other punctuation),
// at most 512 chars; other characters become '_'.
std::string sanitize_id(std::string_view value);

class LogEvent {
 public:
  using Value = std::variant<std::int64_t, double, bool, std::string>;
  struct Field {
    std::string key;
    Value value;
  };

  LogEvent(LogLevel level, std::string_view event);

  LogEvent& trace(std::string_view trace_id);
  LogEvent& ticket(std::string_view ticket_id);
  LogEvent& event_key(std::string_view key);
  LogEvent& step(std::string_view step);
  LogEvent& result(std::string_view result);
  LogEvent& latency_ms(double ms);

  LogEvent& code(std::string_view key, std::string_view value);
  LogEvent& id(std::string_view key, std::string_view value);
  LogEvent& num(std::string_view key, std::int64_t value);
  LogEvent& num(std::string_view key, double value);
  LogEvent& flag(std::string_view key, bool value);

  LogLevel level() const { return level_; }
  const std::string& event() const { return event_; }
  const std::vector<Field>& fields() const { return fields_; }

 private:
  LogEvent& put(std::string_view key, Value value);

  LogLevel level_;
  std::string event_;
  std::vector<Field> fields_;  // envelope keys first, in call order
};

class EventLog {
 public:
  virtual ~EventLog() = default;
  virtual bool enabled(LogLevel level) const = 0;
  virtual void write(const LogEvent& event) = 0;
};

}  // namespace rpmw::core
