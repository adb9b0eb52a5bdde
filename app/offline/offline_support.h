#pragma once
// Pieces shared by replay and eval: reading JSONL files, the flag view they decide under, a
// progress bar on a terminal and an event log that keeps nothing.
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "app/config/config.h"
#include "app/runtime/engine_kit.h"
#include "core/ports/event_log.h"

namespace rpmw::app {

// Calls `each(line, number)` for every non-blank line; false when the file cannot be read.
bool for_each_line(const std::string& path,
                   const std::function<void(const std::string&, int)>& each);

// The configuration's initial flags with `overrides` ("a=b,c=d") on top; error text or "".
std::string offline_flags(const Config& config, const std::string& overrides,
                          std::map<std::string, std::string>& out);

// The engine for an offline tool, over `orders`, with the configuration's policies and LLM; prints
// "rpmw <tool>: <problem>" lines and returns null when the policy files are invalid.
std::unique_ptr<EngineKit> offline_engine(const Config& config, core::OrderSource& orders,
                                          const char* tool);

class NullEventLog final : public core::EventLog {
 public:
  bool enabled(core::LogLevel) const override { return false; }
  void write(const core::LogEvent&) override {}
};

// "[#####     ] 50/100" on stderr when it is a terminal and `enabled`; silent otherwise.
class ProgressBar {
 public:
  ProgressBar(std::size_t total, bool enabled);
  void tick();
  void finish();

 private:
  std::size_t total_;
  std::size_t done_ = 0;
  bool enabled_;
};

}  // namespace rpmw::app
