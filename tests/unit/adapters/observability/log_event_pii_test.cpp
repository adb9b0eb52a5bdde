// core::LogEvent is PII-free by construction: whatever a caller feeds code()/id(), the emitted
// line holds no whitespace and no double quote inside a value, so free text cannot survive as
// text. (sanitize_id keeps other printable ASCII, the single quote included.)
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "adapters/observability/json_line_log.h"
#include "tests/fakes/fake_clock.h"

namespace obs = rpmw::adapters::observability;
namespace json = boost::json;
using rpmw::core::LogEvent;
using rpmw::core::LogLevel;

namespace {

bool has_forbidden_char(std::string_view text) {
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == '"' ||
        c == '\\') {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("log_event: code() and id() values cannot carry whitespace or quotes into a line") {
  const std::vector<std::string> hostile = {
      "hello world",
      "  jane.doe@example.com  ",
      "\tjane.doe@example.com\r\n",
      "line one\nline two",
      "say \"hi\" and 'bye'",
      "back\\slash",
      "nbsp\xc2\xa0space and emoji \xf0\x9f\x98\x80",
      std::string("nul\0byte", 8),
      "\x0b\x0c vertical and form feed",
  };

  rpmw::fakes::FakeClock clock;
  obs::MemoryLineSink sink;
  obs::JsonLineLog log(sink, LogLevel::debug, "1.0.0", "test", clock);
  for (const auto& text : hostile) {
    CAPTURE(text);
    log.write(LogEvent(LogLevel::info, text)
                  .code("reason", text)
                  .id("customer", text)
                  .trace(text)
                  .ticket(text)
                  .event_key(text)
                  .step(text)
                  .result(text)
                  .code(text, "key_is_hostile_too"));
    const auto lines = sink.lines();
    const std::string& line = lines.back();

    // The raw line: no whitespace at all, and no escaped quote, backslash or control character
    // (the only quotes are JSON's own delimiters).
    CHECK(line.find_first_of(" \t\r\n\v\f") == std::string::npos);
    CHECK(line.find("\\") == std::string::npos);

    const json::object parsed = json::parse(line).as_object();
    for (const auto& entry : parsed) {
      CHECK_FALSE(has_forbidden_char(entry.key()));
      if (entry.value().is_string()) CHECK_FALSE(has_forbidden_char(entry.value().as_string()));
    }
    // The email survives only with its whitespace replaced, never as the original text.
    CHECK(parsed.at("customer").as_string() != json::string_view(text));
  }
  CHECK(sink.size() == hostile.size());
}

TEST_CASE("log_event: sanitized values keep their length bounds") {
  const std::string long_text(10'000, 'a');
  LogEvent event(LogLevel::info, long_text);
  event.code("c", long_text).id("i", long_text);
  CHECK(event.event().size() == 128);
  CHECK(std::get<std::string>(event.fields()[0].value).size() == 128);
  CHECK(std::get<std::string>(event.fields()[1].value).size() == 512);
}
