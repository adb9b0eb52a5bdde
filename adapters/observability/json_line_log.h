#pragma once
// core::EventLog as JSON lines (one object per line, CloudWatch-friendly). Envelope order:
// ts, level, event, trace_id, ticket_id, event_key, step, result, latency_ms (when present),
// release, env, then the remaining fields in call order.
#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/clock.h"
#include "core/ports/event_log.h"

namespace rpmw::adapters::observability {

// "2026-02-10T03:40:01.120Z" (UTC, milliseconds).
std::string format_iso8601_ms(core::TimePoint t);
void append_iso8601_ms(std::string& out, core::TimePoint t);

// Appends `value` as a quoted JSON string. Control characters become \u00XX; invalid UTF-8
// bytes become \ufffd, so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view value);
// Finite numbers with at most 3 decimals (trailing zeros trimmed); NaN and infinities -> null.
void append_json_number(std::string& out, double value);

// Where complete lines go. write_line receives one line including its '\n'; implementations
// must not interleave concurrent lines.
class LineSink {
 public:
  virtual ~LineSink() = default;
  virtual void write_line(std::string_view line) = 0;
};

// A stdio stream: one fwrite + fflush per line under a mutex (stdout may be a pipe that another
// process reads line by line).
class FileLineSink final : public LineSink {
 public:
  explicit FileLineSink(std::FILE* file) : file_(file) {}
  void write_line(std::string_view line) override;

  // The process-wide stdout sink, so every logger writing to stdout shares one mutex.
  static FileLineSink& standard_output();

 private:
  std::mutex mutex_;
  std::FILE* file_;
};

// Keeps lines in memory (tests).
class MemoryLineSink final : public LineSink {
 public:
  void write_line(std::string_view line) override;
  std::vector<std::string> lines() const;  // each without its trailing '\n'
  std::size_t size() const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

class JsonLineLog final : public core::EventLog {
 public:
  JsonLineLog(LineSink& sink, core::LogLevel min_level, std::string release, std::string env,
              const core::Clock& clock);
  // Writes to the shared stdout sink.
  JsonLineLog(core::LogLevel min_level, std::string release, std::string env,
              const core::Clock& clock);

  bool enabled(core::LogLevel level) const override;
  void write(const core::LogEvent& event) override;

  void set_min_level(core::LogLevel level);
  core::LogLevel min_level() const;

  // The line `write` would emit (with its '\n'), appended to `out`; exposed for benchmarks.
  void format_line(const core::LogEvent& event, std::string& out) const;

 private:
  LineSink& sink_;
  std::atomic<int> min_level_;
  std::string release_;
  std::string env_;
  const core::Clock& clock_;
};

}  // namespace rpmw::adapters::observability
