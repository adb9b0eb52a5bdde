#include "app/offline/offline_support.h"

#include <unistd.h>

#include <fstream>
#include <iostream>

#include "core/flags/flag_service.h"

namespace rpmw::app {

bool for_each_line(const std::string& path,
                   const std::function<void(const std::string&, int)>& each) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    each(line, number);
  }
  return true;
}

std::string offline_flags(const Config& config, const std::string& overrides,
                          std::map<std::string, std::string>& out) {
  out = config.flags;
  auto parsed = core::flags::parse_flag_list(overrides);
  if (!parsed) return "--flags: " + parsed.error().code;
  for (auto& [name, value] : *parsed) out[name] = value;
  return {};
}

std::unique_ptr<EngineKit> offline_engine(const Config& config, core::OrderSource& orders,
                                          const char* tool) {
  std::vector<std::string> problems;
  auto kit = EngineKit::create(
      PolicySources{config.policies_dir, config.templates_dir},
      EngineOptions{.orders = &orders, .llm_options = llm_options_of(config)}, problems);
  for (const std::string& p : problems) std::cerr << "rpmw " << tool << ": " << p << "\n";
  return kit;
}

ProgressBar::ProgressBar(std::size_t total, bool enabled)
    : total_(total), enabled_(enabled && total > 0 && ::isatty(STDERR_FILENO) == 1) {}

void ProgressBar::tick() {
  ++done_;
  if (!enabled_ || (done_ % 25 != 0 && done_ != total_)) return;
  constexpr std::size_t kWidth = 30;
  const std::size_t filled = done_ * kWidth / total_;
  std::cerr << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, ' ') << "] "
            << done_ << "/" << total_ << std::flush;
}

void ProgressBar::finish() {
  if (enabled_) std::cerr << "\n";
}

}  // namespace rpmw::app
