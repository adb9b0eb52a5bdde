#pragma once
// One function per CLI command; each returns the process exit code.
#include <string>

#include "app/config/config.h"

namespace rpmw::app {

struct ServeOptions {
  bool with_http = true;  // false: `rpmw worker` (pool only)
  bool print_config = false;
};

int run_serve(const ConfigResult& loaded, const ServeOptions& options);
int run_config_check(const ConfigResult& loaded);
int run_flags_get(const ConfigResult& loaded, const std::string& name, bool as_json);
int run_flags_set(const ConfigResult& loaded, const std::string& name, const std::string& value);
int run_dlq_list(const ConfigResult& loaded, int limit, bool as_json);
int run_dlq_redrive(const ConfigResult& loaded, const std::string& event_id);

// Prints configuration errors in a readable list; returns the exit code for them (2).
int report_config_errors(const ConfigResult& loaded);

}  // namespace rpmw::app
