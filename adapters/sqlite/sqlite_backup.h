#pragma once
// Online backup of the live SQLite file (sqlite3_backup_*): safe while `rpmw serve` writes to it
// (WAL readers do not block writers), written to a temp file next to the destination, checked
// with PRAGMA integrity_check, then renamed into place so a reader never sees a partial copy.
#include <chrono>
#include <cstdint>
#include <string>

#include "core/common/error.h"

namespace rpmw::adapters::sqlite {

struct BackupOptions {
  // How long to wait for a lock the copy needs (a writer's checkpoint, an exclusive transaction).
  std::chrono::milliseconds busy_timeout{10000};
};

struct BackupReport {
  std::string path;          // the destination, as given
  std::uintmax_t bytes = 0;  // its size on disk
  std::int64_t pages = 0;    // PRAGMA page_count of the copy
  std::int64_t page_size = 0;
};

// Error codes: `backup_source_missing` and `backup_dest_dir_missing` (invalid_input: the caller's
// paths are wrong), `backup_same_file` (invalid_input), `backup_integrity_failed` (internal), the
// sqlite_* codes of sqlite_error(), `backup_create_failed`, `backup_sync_failed` and
// `backup_rename_failed` (unavailable). The copy is created with mode 0600. On any error the temp
// file is removed and an existing destination is left untouched.
core::Result<BackupReport> backup_database(const std::string& source_path,
                                           const std::string& dest_path,
                                           const BackupOptions& options = {});

}  // namespace rpmw::adapters::sqlite
