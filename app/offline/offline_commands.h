#pragma once
// `rpmw replay` and `rpmw eval`: the decision engine offline, with in-memory vendors.
#include <map>
#include <string>

#include "app/config/config.h"

namespace rpmw::app {

struct OfflineFlags {
  std::string flags;  // "name=value,…" applied on top of the configuration's initial flags
};

struct ReplayOptions {
  std::string input;
  std::string out;       // decisions JSONL ("-" or empty with --json: stdout)
  std::string baseline;  // a previous decisions JSONL to diff against
  bool json = false;
  OfflineFlags flags;
};

struct EvalOptions {
  std::string golden;
  std::string report_md;
  std::string report_html;
  std::string baseline;  // a previous `rpmw eval --json` output
  bool json = false;
  OfflineFlags flags;
  // Gate thresholds (defaults from spec/02); the Tier 0, Tier 2 and schema gates are fixed at 0.
  double min_macro_f1 = 0.75;
  double min_weighted_f1 = 0.90;
  double min_top_f1 = 0.85;
};

int run_replay(const ConfigResult& loaded, const ReplayOptions& options);
int run_eval(const ConfigResult& loaded, const EvalOptions& options);

}  // namespace rpmw::app
