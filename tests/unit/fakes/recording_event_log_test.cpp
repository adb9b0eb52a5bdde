#include "tests/fakes/recording_event_log.h"

#include <doctest/doctest.h>

#include <thread>
#include <vector>

using rpmw::core::LogEvent;
using rpmw::core::LogLevel;

TEST_CASE("fakes: RecordingEventLog captures events and finds them by name") {
  rpmw::fakes::RecordingEventLog log;
  CHECK(log.enabled(LogLevel::debug));
  log.write(LogEvent(LogLevel::info, "worker.job.start").ticket("t-1"));
  log.write(LogEvent(LogLevel::info, "worker.job.complete").ticket("t-1").latency_ms(2.5));
  log.write(LogEvent(LogLevel::warn, "worker.job.start").ticket("t-2"));

  CHECK(log.size() == 3);
  CHECK(log.count("worker.job.start") == 2);
  CHECK(log.count("worker.job.failed") == 0);
  const auto first = log.find("worker.job.start");
  REQUIRE(first.has_value());
  CHECK(rpmw::fakes::field_text(*first, "ticket_id") == "t-1");
  CHECK_FALSE(log.find("nope").has_value());

  const auto complete = log.find("worker.job.complete");
  REQUIRE(complete.has_value());
  const auto* latency = rpmw::fakes::field(*complete, "latency_ms");
  REQUIRE(latency != nullptr);
  CHECK(std::get<double>(*latency) == 2.5);
  CHECK(rpmw::fakes::field(*complete, "missing") == nullptr);

  CHECK(log.events().size() == 3);
  log.clear();
  CHECK(log.size() == 0);
}

TEST_CASE("fakes: RecordingEventLog honours its min level and is thread-safe") {
  rpmw::fakes::RecordingEventLog log(LogLevel::info);
  CHECK_FALSE(log.enabled(LogLevel::debug));
  log.write(LogEvent(LogLevel::debug, "dropped"));
  CHECK(log.size() == 0);

  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&log] {
      for (int i = 0; i < 500; ++i) log.write(LogEvent(LogLevel::info, "e"));
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(log.count("e") == 2000);
}
