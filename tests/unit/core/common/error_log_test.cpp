#include <doctest/doctest.h>

#include <string>
#include <variant>

#include "core/common/error.h"
#include "core/ports/event_log.h"
#include "core/ports/state_store.h"

using rpmw::core::ErrorKind;
using rpmw::core::LogLevel;

TEST_CASE("core/common: to_string(ErrorKind) names every kind") {
  CHECK(rpmw::core::to_string(ErrorKind::transient) == "transient");
  CHECK(rpmw::core::to_string(ErrorKind::rate_limited) == "rate_limited");
  CHECK(rpmw::core::to_string(ErrorKind::permanent) == "permanent");
  CHECK(rpmw::core::to_string(ErrorKind::not_found) == "not_found");
  CHECK(rpmw::core::to_string(ErrorKind::conflict) == "conflict");
  CHECK(rpmw::core::to_string(ErrorKind::invalid_input) == "invalid_input");
  CHECK(rpmw::core::to_string(ErrorKind::unavailable) == "unavailable");
  CHECK(rpmw::core::to_string(ErrorKind::internal) == "internal");
}

TEST_CASE("core/common: fail builds an error value and retryable follows the kind") {
  rpmw::core::Result<int> result = rpmw::core::fail(ErrorKind::unavailable, "sqlite_full");
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().kind == ErrorKind::unavailable);
  CHECK(result.error().code == "sqlite_full");
  CHECK_FALSE(result.error().retry_after.has_value());

  auto retryable = [](ErrorKind kind) { return rpmw::core::Error{kind, "x", {}}.retryable(); };
  CHECK(retryable(ErrorKind::transient));
  CHECK(retryable(ErrorKind::rate_limited));
  CHECK(retryable(ErrorKind::unavailable));
  CHECK_FALSE(retryable(ErrorKind::permanent));
  CHECK_FALSE(retryable(ErrorKind::not_found));
  CHECK_FALSE(retryable(ErrorKind::conflict));
  CHECK_FALSE(retryable(ErrorKind::invalid_input));
  CHECK_FALSE(retryable(ErrorKind::internal));
}

TEST_CASE("core/common: log levels round-trip through their names") {
  for (LogLevel level : {LogLevel::debug, LogLevel::info, LogLevel::warn, LogLevel::error}) {
    LogLevel parsed = LogLevel::error;
    if (level == LogLevel::error) parsed = LogLevel::debug;
    REQUIRE(rpmw::core::parse_log_level(rpmw::core::to_string(level), parsed));
    CHECK(parsed == level);
  }
  LogLevel untouched = LogLevel::warn;
  CHECK_FALSE(rpmw::core::parse_log_level("INFO", untouched));
  CHECK_FALSE(rpmw::core::parse_log_level("", untouched));
  CHECK_FALSE(rpmw::core::parse_log_level("verbose", untouched));
  CHECK(untouched == LogLevel::warn);
}

TEST_CASE("core/common: sanitize_code keeps identifier characters only, up to 128") {
  CHECK(rpmw::core::sanitize_code("abc-XYZ_09.:/") == "abc-XYZ_09.:/");
  CHECK(rpmw::core::sanitize_code("a b@c") == "a_b_c");
  CHECK(rpmw::core::sanitize_code("jane.doe@example.com") == "jane.doe_example.com");
  CHECK(rpmw::core::sanitize_code("quote\"back\\slash\nnew") == "quote_back_slash_new");
  CHECK(rpmw::core::sanitize_code("caf\xc3\xa9") == "caf__");  // each non-ASCII byte
  CHECK(rpmw::core::sanitize_code("") == "");
  const std::string long_code(200, 'a');
  CHECK(rpmw::core::sanitize_code(long_code) == std::string(128, 'a'));
}

TEST_CASE("core/common: sanitize_id keeps Message-IDs and drops spaces, quotes and controls") {
  const std::string message_id = "<CAF1x9Qp7=abc+x@mail.gmail.com>";
  CHECK(rpmw::core::sanitize_id(message_id) == message_id);
  CHECK(rpmw::core::sanitize_id("a b\"c\\d\te") == "a_b_c_d_e");
  CHECK(rpmw::core::sanitize_id(std::string("x\0y", 3)) == "x_y");
  CHECK(rpmw::core::sanitize_id("\x7f\xff") == "__");
  const std::string long_id(600, 'z');
  CHECK(rpmw::core::sanitize_id(long_id) == std::string(512, 'z'));
  CHECK(rpmw::core::sanitize_id(std::string(512, 'z')).size() == 512);
}

TEST_CASE("core/common: LogEvent sanitizes keys, codes and ids as they are added") {
  rpmw::core::LogEvent event(LogLevel::info, "bad event name!");
  event.code("the key", "a value")
      .id("ticket_id", "<a b>")
      .num("n", std::int64_t{3})
      .flag("f", true);
  CHECK(event.event() == "bad_event_name_");
  REQUIRE(event.fields().size() == 4);
  CHECK(event.fields()[0].key == "the_key");
  CHECK(std::get<std::string>(event.fields()[0].value) == "a_value");
  CHECK(std::get<std::string>(event.fields()[1].value) == "<a_b>");
  CHECK(std::get<std::int64_t>(event.fields()[2].value) == 3);
  CHECK(std::get<bool>(event.fields()[3].value));
}

TEST_CASE("core/common: state record statuses have stable names") {
  using rpmw::core::ActionStatus;
  using rpmw::core::EventStatus;
  CHECK(rpmw::core::to_string(EventStatus::processing) == "processing");
  CHECK(rpmw::core::to_string(EventStatus::done) == "done");
  CHECK(rpmw::core::to_string(EventStatus::duplicate) == "duplicate");
  CHECK(rpmw::core::to_string(ActionStatus::pending) == "pending");
  CHECK(rpmw::core::to_string(ActionStatus::done) == "done");
  CHECK(rpmw::core::to_string(ActionStatus::failed) == "failed");
}
