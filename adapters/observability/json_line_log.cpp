#include "adapters/observability/json_line_log.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <utility>
#include <variant>

namespace rpmw::adapters::observability {

namespace {

void put_digits(char* out, std::int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days).
void civil_from_days(std::int64_t z, std::int64_t& y, int& m, int& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = yoe + era * 400 + (m <= 2 ? 1 : 0);
}

// 0: copy as is; 1: escape; 2: start of a multi-byte UTF-8 sequence (validated).
constexpr std::array<unsigned char, 256> kCharClass = [] {
  std::array<unsigned char, 256> table{};
  for (int c = 0; c < 256; ++c) {
    if (c < 0x20 || c == '"' || c == '\\' || c == 0x7f) {
      table[c] = 1;
    } else if (c >= 0x80) {
      table[c] = 2;
    }
  }
  return table;
}();

// Length of the well-formed UTF-8 sequence starting at s[i], or 0 when it is malformed.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xbf) {
    return k < s.size() && byte(k) >= lo && byte(k) <= hi;
  };
  const unsigned lead = byte(i);
  if (lead >= 0xc2 && lead <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    const unsigned lo = lead == 0xe0 ? 0xa0 : 0x80;
    const unsigned hi = lead == 0xed ? 0x9f : 0xbf;  // no UTF-16 surrogates
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const unsigned lo = lead == 0xf0 ? 0x90 : 0x80;
    const unsigned hi = lead == 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

void append_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t run = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const unsigned char cls = kCharClass[c];
    if (cls == 0) {
      ++i;
      continue;
    }
    out.append(s.data() + run, i - run);
    if (cls == 1) {
      if (c == '"') {
        out.append("\\\"");
      } else if (c == '\\') {
        out.append("\\\\");
      } else {
        const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
        out.append(esc, sizeof esc);
      }
      ++i;
    } else if (const std::size_t len = utf8_length(s, i); len > 0) {
      out.append(s.data() + i, len);
      i += len;
    } else {
      out.append("\\ufffd");
      ++i;
    }
    run = i;
  }
  out.append(s.data() + run, s.size() - run);
}

void append_int(std::string& out, std::int64_t value) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, r.ptr);
}

void append_value(std::string& out, const core::LogEvent::Value& value) {
  if (const auto* s = std::get_if<std::string>(&value)) {
    append_json_string(out, *s);
  } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
    append_int(out, *i);
  } else if (const auto* d = std::get_if<double>(&value)) {
    append_json_number(out, *d);
  } else {
    out.append(std::get<bool>(value) ? "true" : "false");
  }
}

// Position of a key in the fixed envelope, or -1.
constexpr std::array<std::string_view, 6> kEnvelopeKeys = {"trace_id", "ticket_id", "event_key",
                                                           "step",     "result",    "latency_ms"};

int envelope_index(std::string_view key) {
  for (std::size_t i = 0; i < kEnvelopeKeys.size(); ++i) {
    if (key == kEnvelopeKeys[i]) return static_cast<int>(i);
  }
  return -1;
}

// Keys the adapter writes itself; a field with one of these names is written as "f_<name>" so
// the object never has duplicate keys.
bool is_reserved(std::string_view key) {
  return key == "ts" || key == "level" || key == "event" || key == "release" || key == "env";
}

}  // namespace

void append_iso8601_ms(std::string& out, core::TimePoint t) {
  constexpr std::int64_t kDayMs = 86'400'000;
  const std::int64_t ms = core::to_epoch_ms(t);
  std::int64_t days = ms / kDayMs;
  std::int64_t in_day = ms % kDayMs;
  if (in_day < 0) {
    in_day += kDayMs;
    --days;
  }
  std::int64_t year = 0;
  int month = 0;
  int day = 0;
  civil_from_days(days, year, month, day);
  if (year < 0 || year > 9999) {
    append_int(out, year);  // outside ISO's 4-digit range; still unambiguous
  } else {
    char y[4];
    put_digits(y, year, 4);
    out.append(y, 4);
  }
  char rest[20];  // -MM-DDTHH:MM:SS.mmmZ
  rest[0] = '-';
  put_digits(rest + 1, month, 2);
  rest[3] = '-';
  put_digits(rest + 4, day, 2);
  rest[6] = 'T';
  put_digits(rest + 7, in_day / 3'600'000, 2);
  rest[9] = ':';
  put_digits(rest + 10, in_day / 60'000 % 60, 2);
  rest[12] = ':';
  put_digits(rest + 13, in_day / 1000 % 60, 2);
  rest[15] = '.';
  put_digits(rest + 16, in_day % 1000, 3);
  rest[19] = 'Z';
  out.append(rest, sizeof rest);
}

std::string format_iso8601_ms(core::TimePoint t) {
  std::string out;
  append_iso8601_ms(out, t);
  return out;
}

void append_json_string(std::string& out, std::string_view value) {
  out.push_back('"');
  append_escaped(out, value);
  out.push_back('"');
}

void append_json_number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out.append("null");
    return;
  }
  char buf[64];
  if (std::fabs(value) < 1e15) {
    const auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, 3);
    char* end = r.ptr;
    while (end[-1] == '0') --end;  // fixed with precision 3 always has a '.'
    if (end[-1] == '.') --end;
    if (end - buf == 2 && buf[0] == '-' && buf[1] == '0') {
      out.push_back('0');  // -0.0001 rounds to "-0"
      return;
    }
    out.append(buf, end);
  } else {
    const auto r = std::to_chars(buf, buf + sizeof buf, value);  // shortest, e.g. 1e+15
    out.append(buf, r.ptr);
  }
}

void FileLineSink::write_line(std::string_view line) {
  std::lock_guard lock(mutex_);
  // Logging must never fail the caller: a closed pipe or full disk loses the line.
  (void)std::fwrite(line.data(), 1, line.size(), file_);
  (void)std::fflush(file_);
}

FileLineSink& FileLineSink::standard_output() {
  // Leaked on purpose: loggers may still write during static destruction.
  static auto* sink = new FileLineSink(stdout);
  return *sink;
}

void MemoryLineSink::write_line(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  std::lock_guard lock(mutex_);
  lines_.emplace_back(line);
}

std::vector<std::string> MemoryLineSink::lines() const {
  std::lock_guard lock(mutex_);
  return lines_;
}

std::size_t MemoryLineSink::size() const {
  std::lock_guard lock(mutex_);
  return lines_.size();
}

void MemoryLineSink::clear() {
  std::lock_guard lock(mutex_);
  lines_.clear();
}

JsonLineLog::JsonLineLog(LineSink& sink, core::LogLevel min_level, std::string release,
                         std::string env, const core::Clock& clock)
    : sink_(sink), min_level_(static_cast<int>(min_level)), clock_(clock) {
  // Constant for the process: escape once.
  append_json_string(release_, release);
  append_json_string(env_, env);
}

JsonLineLog::JsonLineLog(core::LogLevel min_level, std::string release, std::string env,
                         const core::Clock& clock)
    : JsonLineLog(FileLineSink::standard_output(), min_level, std::move(release), std::move(env),
                  clock) {}

bool JsonLineLog::enabled(core::LogLevel level) const {
  return static_cast<int>(level) >= min_level_.load(std::memory_order_relaxed);
}

void JsonLineLog::set_min_level(core::LogLevel level) {
  min_level_.store(static_cast<int>(level), std::memory_order_relaxed);
}

core::LogLevel JsonLineLog::min_level() const {
  return static_cast<core::LogLevel>(min_level_.load(std::memory_order_relaxed));
}

void JsonLineLog::format_line(const core::LogEvent& event, std::string& out) const {
  const auto& fields = event.fields();
  const std::size_t n = fields.size();

  // Envelope keys take their last value; other repeated keys keep their last occurrence, so the
  // object never holds a key twice.
  std::array<int, kEnvelopeKeys.size()> envelope;
  envelope.fill(-1);
  thread_local std::vector<unsigned char> skip;
  skip.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const int idx = envelope_index(fields[i].key);
    if (idx >= 0) {
      envelope[static_cast<std::size_t>(idx)] = static_cast<int>(i);
      skip[i] = 1;
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (skip[i]) continue;
    for (std::size_t j = i + 1; j < n; ++j) {
      if (fields[j].key == fields[i].key) {
        skip[i] = 1;
        break;
      }
    }
  }

  out.append("{\"ts\":\"");
  append_iso8601_ms(out, clock_.now());
  out.append("\",\"level\":\"");
  out.append(core::to_string(event.level()));
  out.append("\",\"event\":");
  append_json_string(out, event.event());
  for (std::size_t k = 0; k < envelope.size(); ++k) {
    if (envelope[k] < 0) continue;
    out.append(",\"");
    out.append(kEnvelopeKeys[k]);
    out.append("\":");
    append_value(out, fields[static_cast<std::size_t>(envelope[k])].value);
  }
  out.append(",\"release\":");
  out.append(release_);
  out.append(",\"env\":");
  out.append(env_);
  for (std::size_t i = 0; i < n; ++i) {
    if (skip[i]) continue;
    out.append(",\"");
    if (is_reserved(fields[i].key)) out.append("f_");
    append_escaped(out, fields[i].key);
    out.append("\":");
    append_value(out, fields[i].value);
  }
  out.append("}\n");
}

void JsonLineLog::write(const core::LogEvent& event) {
  if (!enabled(event.level())) return;
  thread_local std::string line;
  line.clear();
  format_line(event, line);
  sink_.write_line(line);
  if (line.capacity() > 64 * 1024) line = std::string();  // do not pin a rare huge buffer
}

}  // namespace rpmw::adapters::observability
