#include "app/cli/cli.h"

#include <CLI/CLI.hpp>

#include <iostream>

#include "app/cli/commands.h"
#include "app/offline/offline_commands.h"

namespace rpmw::app {

int run_cli(int argc, char** argv) {
  CLI::App app{"rpmw — Richpanel support-automation middleware"};
  app.set_version_flag("--version", std::string("rpmw ") + RPMW_VERSION);
  app.require_subcommand(1);
  std::string config_path;
  app.add_option("--config", config_path, "YAML configuration file (or RPMW_CONFIG)");

  ServeOptions serve_options;
  auto* serve =
      app.add_subcommand("serve", "HTTP server (webhook ingress, health, metrics) + worker pool");
  serve->add_flag("--print-config", serve_options.print_config,
                  "print the effective configuration (secrets masked) and exit");
  auto* worker = app.add_subcommand("worker", "worker pool only (no HTTP)");
  auto* lambda = app.add_subcommand(
      "lambda", "AWS Lambda custom runtime (bootstrap): _HANDLER=ingress | worker");

  auto* config_cmd = app.add_subcommand("config", "configuration tools");
  config_cmd->require_subcommand(1);
  auto* config_check =
      config_cmd->add_subcommand("check", "validate the configuration with clear messages");

  // Operator commands: the local store by default, a running server's admin API with --url.
  OpsRequest ops;
  OpsOptions ops_options;
  std::vector<std::pair<CLI::App*, OpsCommand>> ops_commands;
  auto remote = [&](CLI::App* cmd, OpsCommand command, bool json = true) {
    cmd->add_option("--url", ops_options.url, "a running server, e.g. http://127.0.0.1:8080");
    cmd->add_option("--token,--admin-token", ops_options.token,
                    "admin token (default: RPMW_ADMIN_TOKEN, else <data_dir>/secrets/admin_token)");
    if (json) cmd->add_flag("--json", ops_options.json, "JSON output");
    ops_commands.emplace_back(cmd, command);
    return cmd;
  };
  auto* flags = app.add_subcommand("flags", "kill switches and toggles");
  flags->require_subcommand(1);
  auto* flags_get = remote(flags->add_subcommand("get", "show one flag or all effective flags"),
                           OpsCommand::flags_get);
  flags_get->add_option("name", ops.name, "flag name (omit for all)");
  auto* flags_set =
      remote(flags->add_subcommand("set", "set a flag: rpmw flags set safe_mode true"),
             OpsCommand::flags_set);
  flags_set->add_option("name", ops.name, "flag name")->required();
  flags_set->add_option("value", ops.value, "true or false")->required();
  flags_set->add_option("--actor", ops.actor, "who changes it, for the audit log (default cli)");

  auto* dlq = app.add_subcommand("dlq", "dead-letter queue");
  dlq->require_subcommand(1);
  auto* dlq_list =
      remote(dlq->add_subcommand("list", "list dead letters, newest first"), OpsCommand::dlq_list);
  dlq_list->add_option("--limit", ops.limit, "how many (default 50)")->check(CLI::Range(1, 1000));
  const std::pair<const char*, OpsCommand> dlq_one[] = {{"show", OpsCommand::dlq_show},
                                                        {"redrive", OpsCommand::dlq_redrive},
                                                        {"purge", OpsCommand::dlq_purge}};
  for (const auto& [name, command] : dlq_one) {
    const char* help = command == OpsCommand::dlq_show      ? "one dead letter (no body)"
                       : command == OpsCommand::dlq_redrive ? "put a dead letter back on the queue"
                                                            : "delete a dead letter for good";
    remote(dlq->add_subcommand(name, help), command)
        ->add_option("event_id", ops.event_id, "event id (evt_...)")
        ->required();
  }

  auto* decisions = remote(
      app.add_subcommand("decisions", "decision records by ticket id or trace id, newest first"),
      OpsCommand::decisions);
  decisions->add_option("--ticket", ops.ticket, "ticket id");
  decisions->add_option("--trace", ops.trace, "trace id (trc_...)");
  decisions->add_option("--limit", ops.limit, "how many (default 20)")->check(CLI::Range(1, 500));

  ReplayOptions replay_options;
  auto* replay = app.add_subcommand(
      "replay", "run recorded events through the pipeline offline; write decisions JSONL");
  replay->add_option("file", replay_options.input, "recorded events (JSONL)")->required();
  replay->add_option("--out", replay_options.out, "write the decisions JSONL here ('-': stdout)");
  replay->add_option("--baseline", replay_options.baseline,
                     "a previous decisions JSONL: print what changed");
  replay->add_flag("--json", replay_options.json,
                   "one JSON decision per line on stdout (with --baseline and --out: the diff)");
  replay->add_option("--flags", replay_options.flags.flags,
                     "flags to decide under, e.g. automation_enabled=true");

  EvalOptions eval_options;
  auto* eval = app.add_subcommand("eval", "classification and policy metrics on a golden set");
  eval->add_option("file", eval_options.golden, "golden set (JSONL)")->required();
  eval->add_option("--report", eval_options.report_md, "write a markdown report");
  eval->add_option("--html", eval_options.report_html, "write an HTML report");
  eval->add_option("--baseline", eval_options.baseline,
                   "a previous `rpmw eval --json` output: fail on regressions");
  eval->add_flag("--json", eval_options.json, "print the report as one JSON object");
  eval->add_option("--flags", eval_options.flags.flags, "flags to decide under");
  eval->add_option("--min-macro-f1", eval_options.min_macro_f1, "macro F1 gate (default 0.75)")
      ->check(CLI::Range(0.0, 1.0));
  eval->add_option("--min-weighted-f1", eval_options.min_weighted_f1,
                   "weighted F1 gate (default 0.90)")
      ->check(CLI::Range(0.0, 1.0));
  eval->add_option("--min-top-f1", eval_options.min_top_f1,
                   "F1 gate for each top-5 intent (default 0.85)")
      ->check(CLI::Range(0.0, 1.0));

  auto* templates = app.add_subcommand("templates", "reply templates: lint and preview");
  templates->require_subcommand(1);
  auto* templates_lint = templates->add_subcommand(
      "lint", "check the catalog against the policy (ids, variables, blocks)");
  TemplatesRenderOptions render_options;
  auto* templates_render = templates->add_subcommand("render", "render one template");
  templates_render->add_option("id", render_options.id, "template id")->required();
  templates_render->add_option("--vars", render_options.vars_file,
                               "JSON object of variables, e.g. {\"order_id\": \"#1001\"}");
  templates_render->add_option("--channel", render_options.channel,
                               "email | livechat | any other channel (default variant)");

  BootstrapOptions bootstrap_options;
  auto* bootstrap = app.add_subcommand(
      "bootstrap",
      "create the Richpanel tags rpmw writes and print the Richpanel setup checklist "
      "(needs RPMW_RICHPANEL_API_KEY)");
  bootstrap->add_option("--url", bootstrap_options.url,
                        "rpmw's public base URL for the HTTP Target (default: http://<listen>)");
  bootstrap->add_flag("--dry-run", bootstrap_options.dry_run,
                      "list the tags that would be created; create nothing");
  bootstrap->add_flag("--show-token", bootstrap_options.show_token,
                      "print the real webhook token instead of a placeholder");

  PreflightOptions preflight_options;
  auto* preflight = app.add_subcommand(
      "preflight",
      "check the Richpanel account: key, rate-limit headroom, tags, bot agent, teams, linked "
      "orders; exit 1 when a check fails");
  preflight
      ->add_option("--tickets", preflight_options.tickets,
                   "ticket ids to check for a linked order (ID,ID,…)")
      ->delimiter(',');
  preflight->add_option("--numbers", preflight_options.numbers, "the same by ticket number (N,N,…)")
      ->delimiter(',');
  preflight->add_flag("--json", preflight_options.json, "one JSON object instead of the table");

  BackupCommandOptions backup_options;
  auto* backup = app.add_subcommand(
      "backup",
      "online backup of the local SQLite store to a file (safe while `rpmw serve` runs; "
      "integrity-checked, written to a temp file then renamed)");
  backup->add_option("dest", backup_options.dest, "the backup file to write")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help and version exit 0; every usage error exits 2 (CLI11's own codes vary by error).
    return app.exit(e) == 0 ? 0 : 2;
  }

  const ConfigResult loaded = load_config(config_path, process_env());
  if (config_check->parsed()) return run_config_check(loaded);
  if (templates_lint->parsed()) return run_templates_lint(loaded);
  if (templates_render->parsed()) return run_templates_render(loaded, render_options);
  if (serve->parsed()) return run_serve(loaded, serve_options);
  if (bootstrap->parsed()) return run_bootstrap(loaded, bootstrap_options);
  if (preflight->parsed()) return run_preflight(loaded, preflight_options);
  if (backup->parsed()) return run_backup(loaded, backup_options);
  if (worker->parsed()) return run_serve(loaded, ServeOptions{false, false});
  if (lambda->parsed()) return run_lambda(loaded);
  for (const auto& [cmd, command] : ops_commands) {
    if (!cmd->parsed()) continue;
    ops.command = command;
    if (command == OpsCommand::decisions && cmd->count("--limit") == 0) ops.limit = 20;
    return run_ops(loaded, ops, ops_options);
  }
  if (replay->parsed() || eval->parsed()) {
    if (!loaded.ok()) return report_config_errors(loaded);
    return replay->parsed() ? run_replay(loaded, replay_options) : run_eval(loaded, eval_options);
  }
  std::cerr << app.help();
  return 2;
}

}  // namespace rpmw::app
