#include "adapters/observability/json_line_log.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "tests/fakes/fake_clock.h"

namespace obs = rpmw::adapters::observability;
namespace json = boost::json;
using rpmw::core::LogEvent;
using rpmw::core::LogLevel;

namespace {

constexpr std::int64_t kTs = 1'770'694'801'120;  // 2026-02-10T03:40:01.120Z

std::vector<std::string> keys_of(const json::object& object) {
  std::vector<std::string> keys;
  for (const auto& entry : object) keys.emplace_back(entry.key());
  return keys;
}

std::string number_text(double value) {
  std::string out;
  obs::append_json_number(out, value);
  return out;
}

std::string string_text(std::string_view value) {
  std::string out;
  obs::append_json_string(out, value);
  return out;
}

}  // namespace

TEST_CASE("json_line_log: envelope keys come first in a fixed order, then release, env, fields") {
  rpmw::fakes::FakeClock clock(kTs);
  obs::MemoryLineSink sink;
  obs::JsonLineLog log(sink, LogLevel::debug, "1.2.3", "staging", clock);

  // Called in a scrambled order on purpose.
  log.write(LogEvent(LogLevel::info, "worker.job.complete")
                .code("intent", "order_status")
                .latency_ms(12.3456)
                .result("ok")
                .num("attempt", std::int64_t{2})
                .ticket("t-1")
                .flag("dry_run", true)
                .trace("tr-1")
                .step("classify")
                .event_key("ek-9"));

  const auto lines = sink.lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] ==
        R"({"ts":"2026-02-10T03:40:01.120Z","level":"info","event":"worker.job.complete",)"
        R"("trace_id":"tr-1","ticket_id":"t-1","event_key":"ek-9","step":"classify",)"
        R"("result":"ok","latency_ms":12.346,"release":"1.2.3","env":"staging",)"
        R"("intent":"order_status","attempt":2,"dry_run":true})");

  const json::object parsed = json::parse(lines[0]).as_object();
  CHECK(keys_of(parsed) == std::vector<std::string>{"ts", "level", "event", "trace_id", "ticket_id",
                                                    "event_key", "step", "result", "latency_ms",
                                                    "release", "env", "intent", "attempt",
                                                    "dry_run"});
  CHECK(parsed.at("latency_ms").as_double() == doctest::Approx(12.346));
  CHECK(parsed.at("attempt").as_int64() == 2);
}

TEST_CASE("json_line_log: absent envelope fields are omitted, release and env always present") {
  rpmw::fakes::FakeClock clock(kTs);
  obs::MemoryLineSink sink;
  obs::JsonLineLog log(sink, LogLevel::debug, "r", "e", clock);
  log.write(LogEvent(LogLevel::warn, "system.safe_mode.enabled"));
  REQUIRE(sink.size() == 1);
  CHECK(sink.lines()[0] ==
        R"({"ts":"2026-02-10T03:40:01.120Z","level":"warn","event":"system.safe_mode.enabled",)"
        R"("release":"r","env":"e"})");
}

TEST_CASE("json_line_log: repeated and reserved keys never produce duplicate JSON keys") {
  rpmw::fakes::FakeClock clock(kTs);
  obs::MemoryLineSink sink;
  obs::JsonLineLog log(sink, LogLevel::debug, "r", "e", clock);
  log.write(LogEvent(LogLevel::info, "x.y.z")
                .trace("first")
                .code("reason", "a")
                .trace("second")
                .code("level", "sneaky")
                .code("reason", "b"));
  const json::object parsed = json::parse(sink.lines()[0]).as_object();
  CHECK(keys_of(parsed) == std::vector<std::string>{"ts", "level", "event", "trace_id", "release",
                                                    "env", "f_level", "reason"});
  CHECK(parsed.at("trace_id").as_string() == "second");
  CHECK(parsed.at("level").as_string() == "info");
  CHECK(parsed.at("reason").as_string() == "b");
}

TEST_CASE("json_line_log: hostile ids, codes, release and env stay valid JSON") {
  rpmw::fakes::FakeClock clock(kTs);
  obs::MemoryLineSink sink;
  const std::string release = "rel\"\\\n\x01\x7f";
  const std::string env = "caf\xc3\xa9 \xff\xfe end";  // valid é, then two invalid bytes
  obs::JsonLineLog log(sink, LogLevel::debug, release, env, clock);
  log.write(LogEvent(LogLevel::error, "evil\"event\n")
                .ticket("t\"1\\2\n3")
                .id("raw", std::string("a\0b", 3))
                .code("code", "x\"},{\"injected\":1"));
  const auto lines = sink.lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find('\n') == std::string::npos);
  const json::object parsed = json::parse(lines[0]).as_object();
  CHECK(parsed.size() == 8);
  CHECK_FALSE(parsed.contains("injected"));
  CHECK(parsed.at("release").as_string() == json::string_view(release));
  CHECK(parsed.at("env").as_string() == "caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd end");
  CHECK(parsed.at("event").as_string() == "evil_event_");
  CHECK(parsed.at("ticket_id").as_string() == "t_1_2_3");
  CHECK(parsed.at("raw").as_string() == "a_b");
  CHECK(parsed.at("code").as_string() == "x_____injected_:1");
}

TEST_CASE("json_line_log: string escaping") {
  CHECK(string_text("plain") == R"("plain")");
  CHECK(string_text("q\"b\\") == R"("q\"b\\")");
  CHECK(string_text("\n\r\t\x01\x1f\x7f") == R"("\u000a\u000d\u0009\u0001\u001f\u007f")");
  CHECK(string_text(std::string("\0", 1)) == R"("\u0000")");
  CHECK(string_text("\xe2\x82\xac \xf0\x9f\x98\x80") == "\"\xe2\x82\xac \xf0\x9f\x98\x80\"");
  // Truncated sequence, overlong encoding, UTF-16 surrogate: each byte replaced.
  CHECK(string_text("\xe2\x82") == R"("\ufffd\ufffd")");
  CHECK(string_text("\xc0\xaf") == R"("\ufffd\ufffd")");
  CHECK(string_text("\xed\xa0\x80") == R"("\ufffd\ufffd\ufffd")");
}

TEST_CASE("json_line_log: numbers keep at most 3 decimals and non-finite values become null") {
  CHECK(number_text(12.3456) == "12.346");
  CHECK(number_text(12.5) == "12.5");
  CHECK(number_text(7) == "7");
  CHECK(number_text(0) == "0");
  CHECK(number_text(-0.0001) == "0");
  CHECK(number_text(-2.25) == "-2.25");
  CHECK(number_text(1e20) == "1e+20");
  CHECK(number_text(std::numeric_limits<double>::quiet_NaN()) == "null");
  CHECK(number_text(std::numeric_limits<double>::infinity()) == "null");
  CHECK(number_text(-std::numeric_limits<double>::infinity()) == "null");

  rpmw::fakes::FakeClock clock(kTs);
  obs::MemoryLineSink sink;
  obs::JsonLineLog log(sink, LogLevel::debug, "r", "e", clock);
  log.write(LogEvent(LogLevel::info, "n")
                .latency_ms(std::numeric_limits<double>::quiet_NaN())
                .num("big", std::numeric_limits<std::int64_t>::min())
                .num("max", std::numeric_limits<std::int64_t>::max()));
  const json::object parsed = json::parse(sink.lines()[0]).as_object();
  CHECK(parsed.at("latency_ms").is_null());
  CHECK(parsed.at("big").as_int64() == std::numeric_limits<std::int64_t>::min());
  CHECK(parsed.at("max").as_int64() == std::numeric_limits<std::int64_t>::max());
}

TEST_CASE("json_line_log: min level filters events and can change at run time") {
  rpmw::fakes::FakeClock clock(kTs);
  obs::MemoryLineSink sink;
  obs::JsonLineLog log(sink, LogLevel::warn, "r", "e", clock);
  CHECK_FALSE(log.enabled(LogLevel::debug));
  CHECK_FALSE(log.enabled(LogLevel::info));
  CHECK(log.enabled(LogLevel::warn));
  CHECK(log.enabled(LogLevel::error));

  for (LogLevel level : {LogLevel::debug, LogLevel::info, LogLevel::warn, LogLevel::error}) {
    log.write(LogEvent(level, "lvl"));
  }
  auto lines = sink.lines();
  REQUIRE(lines.size() == 2);
  CHECK(json::parse(lines[0]).at("level").as_string() == "warn");
  CHECK(json::parse(lines[1]).at("level").as_string() == "error");

  log.set_min_level(LogLevel::debug);
  CHECK(log.min_level() == LogLevel::debug);
  log.write(LogEvent(LogLevel::debug, "lvl"));
  CHECK(sink.size() == 3);
}

TEST_CASE("json_line_log: the timestamp follows the clock") {
  rpmw::fakes::FakeClock clock(kTs);
  obs::MemoryLineSink sink;
  obs::JsonLineLog log(sink, LogLevel::debug, "r", "e", clock);
  log.write(LogEvent(LogLevel::info, "a"));
  clock.advance(rpmw::core::Millis(1005));
  log.write(LogEvent(LogLevel::info, "b"));
  const auto lines = sink.lines();
  CHECK(json::parse(lines[0]).at("ts").as_string() == "2026-02-10T03:40:01.120Z");
  CHECK(json::parse(lines[1]).at("ts").as_string() == "2026-02-10T03:40:02.125Z");
}

TEST_CASE("json_line_log: format_iso8601_ms") {
  using rpmw::core::from_epoch_ms;
  CHECK(obs::format_iso8601_ms(from_epoch_ms(0)) == "1970-01-01T00:00:00.000Z");
  CHECK(obs::format_iso8601_ms(from_epoch_ms(-1)) == "1969-12-31T23:59:59.999Z");
  CHECK(obs::format_iso8601_ms(from_epoch_ms(kTs)) == "2026-02-10T03:40:01.120Z");
  CHECK(obs::format_iso8601_ms(from_epoch_ms(1'709'210'096'789)) == "2024-02-29T12:34:56.789Z");
  CHECK(obs::format_iso8601_ms(from_epoch_ms(951'868'800'000)) == "2000-03-01T00:00:00.000Z");

  SUBCASE("agrees with gmtime_r over a deterministic sample") {
    rpmw::fakes::SeededRandom random(7);
    for (int i = 0; i < 2000; ++i) {
      // 1900 .. 2200
      const std::int64_t ms =
          -2'208'988'800'000 + static_cast<std::int64_t>(random.below(9'467'280'000'000ULL));
      const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
      std::tm tm{};
      REQUIRE(gmtime_r(&secs, &tm) != nullptr);
      char expected[96];
      std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                    static_cast<int>(ms - static_cast<std::int64_t>(secs) * 1000));
      REQUIRE(obs::format_iso8601_ms(from_epoch_ms(ms)) == expected);
    }
  }
}

TEST_CASE("json_line_log: concurrent writers produce whole lines only") {
  rpmw::fakes::FakeClock clock(kTs);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 1000;
  auto write_from_threads = [&](obs::JsonLineLog& log) {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&log, t] {
        for (int i = 0; i < kPerThread; ++i) {
          log.write(LogEvent(LogLevel::info, "worker.job.complete")
                        .trace("trace-" + std::to_string(t))
                        .ticket("ticket-" + std::to_string(i))
                        .result("ok")
                        .latency_ms(1.5)
                        .num("thread", std::int64_t{t})
                        .num("seq", std::int64_t{i}));
        }
      });
    }
    for (auto& thread : threads) thread.join();
  };
  auto check_lines = [&](const std::vector<std::string>& lines) {
    REQUIRE(lines.size() == kThreads * kPerThread);
    std::vector<int> next(kThreads, 0);
    for (const auto& line : lines) {
      boost::system::error_code ec;
      const json::value v = json::parse(line, ec);
      REQUIRE_MESSAGE(!ec, line);
      const auto t = static_cast<std::size_t>(v.at("thread").as_int64());
      REQUIRE(t < next.size());
      CHECK(v.at("seq").as_int64() == next[t]++);  // each thread's lines stay in its order
    }
  };

  SUBCASE("memory sink") {
    obs::MemoryLineSink sink;
    obs::JsonLineLog log(sink, LogLevel::debug, "r", "e", clock);
    write_from_threads(log);
    check_lines(sink.lines());
  }
  SUBCASE("file sink") {
    std::FILE* file = std::tmpfile();
    REQUIRE(file != nullptr);
    obs::FileLineSink sink(file);
    obs::JsonLineLog log(sink, LogLevel::debug, "r", "e", clock);
    write_from_threads(log);

    std::rewind(file);
    std::string content;
    char buf[65536];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, file)) > 0;) content.append(buf, n);
    std::fclose(file);
    REQUIRE(!content.empty());
    CHECK(content.back() == '\n');
    std::vector<std::string> lines;
    for (std::size_t start = 0, end; (end = content.find('\n', start)) != std::string::npos;
         start = end + 1) {
      lines.push_back(content.substr(start, end - start));
    }
    check_lines(lines);
  }
}
