#include "core/ports/event_log.h"

#include <algorithm>

namespace rpmw::core {

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
  }
  return "info";
}

bool parse_log_level(std::string_view text, LogLevel& out) {
  for (LogLevel level : {LogLevel::debug, LogLevel::info, LogLevel::warn, LogLevel::error}) {
    if (text == to_string(level)) {
      out = level;
      return true;
    }
  }
  return false;
}

namespace {
bool is_code_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == ':' || c == '/' || c == '-';
}
bool is_id_char(char c) {
  return c > 0x20 && c < 0x7f && c != '"' && c != '\\';
}

template <class Pred>
std::string sanitize(std::string_view value, std::size_t max_len, Pred ok) {
  std::string out;
  out.reserve(std::min(value.size(), max_len));
  for (char c : value.substr(0, max_len)) out.push_back(ok(c) ? c : '_');
  return out;
}
}  // namespace

std::string sanitize_code(std::string_view value) {
  return sanitize(value, 128, is_code_char);
}
std::string sanitize_id(std::string_view value) {
  return sanitize(value, 512, is_id_char);
}

LogEvent::LogEvent(LogLevel level, std::string_view event)
    : level_(level), event_(sanitize_code(event)) {
  fields_.reserve(8);
}

LogEvent& LogEvent::put(std::string_view key, Value value) {
  fields_.push_back(Field{sanitize_code(key), std::move(value)});
  return *this;
}

LogEvent& LogEvent::trace(std::string_view trace_id) {
  return id("trace_id", trace_id);
}
LogEvent& LogEvent::ticket(std::string_view ticket_id) {
  return id("ticket_id", ticket_id);
}
LogEvent& LogEvent::event_key(std::string_view key) {
  return id("event_key", key);
}
LogEvent& LogEvent::step(std::string_view step) {
  return code("step", step);
}
LogEvent& LogEvent::result(std::string_view result) {
  return code("result", result);
}
LogEvent& LogEvent::latency_ms(double ms) {
  return num("latency_ms", ms);
}

LogEvent& LogEvent::code(std::string_view key, std::string_view value) {
  return put(key, sanitize_code(value));
}
LogEvent& LogEvent::id(std::string_view key, std::string_view value) {
  return put(key, sanitize_id(value));
}
LogEvent& LogEvent::num(std::string_view key, std::int64_t value) {
  return put(key, value);
}
LogEvent& LogEvent::num(std::string_view key, double value) {
  return put(key, value);
}
LogEvent& LogEvent::flag(std::string_view key, bool value) {
  return put(key, value);
}

}  // namespace rpmw::core
