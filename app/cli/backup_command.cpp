// `rpmw backup DEST`: an online, integrity-checked copy of the local SQLite store.
#include <iostream>

#include "adapters/sqlite/sqlite_backup.h"
#include "app/cli/commands.h"

namespace rpmw::app {

int run_backup(const ConfigResult& loaded, const BackupCommandOptions& options) {
  if (!loaded.ok()) return report_config_errors(loaded);
  const std::string source = loaded.config.database_path();
  auto report = adapters::sqlite::backup_database(source, options.dest);
  if (!report) {
    const std::string& code = report.error().code;
    std::cerr << "rpmw: backup failed: " << code;
    if (code == "backup_source_missing") {
      std::cerr << " (no database at " << source << "; check RPMW_DATA_DIR)";
    } else if (code == "backup_dest_dir_missing") {
      std::cerr << " (the directory of " << options.dest << " does not exist)";
    } else if (code == "backup_same_file") {
      std::cerr << " (the destination is the live database)";
    }
    std::cerr << "\n";
    // Wrong paths are the operator's to fix (usage); anything else is a failed copy.
    return report.error().kind == core::ErrorKind::invalid_input ? 2 : 1;
  }
  std::cout << "backup " << report->path << ": " << report->bytes << " bytes, " << report->pages
            << " pages of " << report->page_size << " bytes, integrity ok (from " << source
            << ")\n";
  return 0;
}

}  // namespace rpmw::app
