#pragma once
// One function per CLI command; each returns the process exit code.
#include <string>
#include <vector>

#include "app/config/config.h"

namespace rpmw::app {

struct ServeOptions {
  bool with_http = true;  // false: `rpmw worker` (pool only)
  bool print_config = false;
};

int run_serve(const ConfigResult& loaded, const ServeOptions& options);
// The Lambda custom runtime loop (app/lambda): _HANDLER=ingress | worker. Runs until the sandbox
// ends; exit 2 after reporting an init error, 1 when the Runtime API is gone.
int run_lambda(const ConfigResult& loaded);
int run_config_check(const ConfigResult& loaded);

enum class OpsCommand {
  flags_get,
  flags_set,
  dlq_list,
  dlq_show,
  dlq_redrive,
  dlq_purge,
  decisions
};

struct OpsRequest {
  OpsCommand command = OpsCommand::flags_get;
  std::string name, value, actor = "cli";  // flags
  std::string event_id;                    // dlq show | redrive | purge
  std::string ticket, trace;               // decisions: exactly one
  int limit = 50;
};

struct OpsOptions {
  std::string url;    // empty: the local store
  std::string token;  // empty: RPMW_ADMIN_TOKEN, else <data_dir>/secrets/admin_token
  bool json = false;
};

// `rpmw flags | dlq | decisions` through the admin API (app/server/admin_routes.h). Exit 0; 1 when
// the record is not found; 2 on usage, auth, an unreachable server or an unavailable store.
int run_ops(const ConfigResult& loaded, const OpsRequest& request, const OpsOptions& options);

struct TemplatesRenderOptions {
  std::string id;
  std::string vars_file;  // JSON object of variables (empty: none)
  std::string channel = "email";
};

// Exit 0 with "N templates OK", else one line per problem and exit 1.
int run_templates_lint(const ConfigResult& loaded);
// Prints the rendered text; exit 2 on a missing file, bad JSON, unknown id or missing variable.
int run_templates_render(const ConfigResult& loaded, const TemplatesRenderOptions& options);

struct BootstrapOptions {
  std::string url;  // rpmw's public base URL for the HTTP Target (empty: http://<listen>)
  bool dry_run = false;
  bool show_token = false;  // print the real webhook token instead of a placeholder
};

// Creates the missing tags of the tag catalog, then prints the Richpanel setup checklist.
// Exit 0; 1 when listing tags or any create failed; 2 without a key or with invalid config.
int run_bootstrap(const ConfigResult& loaded, const BootstrapOptions& options);

struct PreflightOptions {
  std::vector<std::string> tickets;  // ticket ids to check for a linked order
  std::vector<std::string> numbers;  // the same by conversation number
  bool json = false;
};

// Pass/warn/fail table of the Richpanel account checks. Exit 0 when none failed, 1 when any
// failed, 2 on usage or configuration errors.
int run_preflight(const ConfigResult& loaded, const PreflightOptions& options);

struct BackupCommandOptions {
  std::string dest;  // the backup file to write (replaced atomically when it exists)
};

// Online backup of <data_dir>/rpmw.sqlite3 to `dest`, safe while `rpmw serve` runs. Exit 0; 1 when
// the copy or its integrity check failed; 2 on usage (no database, destination directory
// missing, invalid configuration).
int run_backup(const ConfigResult& loaded, const BackupCommandOptions& options);

// Prints configuration errors in a readable list; returns the exit code for them (2).
int report_config_errors(const ConfigResult& loaded);

}  // namespace rpmw::app
