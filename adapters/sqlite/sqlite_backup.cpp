#include "adapters/sqlite/sqlite_backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string_view>
#include <system_error>

#include "adapters/sqlite/sqlite_db.h"

namespace rpmw::adapters::sqlite {

using core::ErrorKind;
namespace fs = std::filesystem;

namespace {

// One raw connection, closed on scope exit (sqlite3_close_v2 also tolerates unfinalized handles).
struct Connection {
  sqlite3* db = nullptr;
  ~Connection() {
    if (db != nullptr) sqlite3_close_v2(db);
  }
  int close() {
    const int rc = sqlite3_close_v2(db);
    db = nullptr;
    return rc;
  }
};

int open_connection(const std::string& path, int flags, std::chrono::milliseconds busy,
                    Connection& out) {
  const int rc = sqlite3_open_v2(path.c_str(), &out.db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) return rc;
  sqlite3_extended_result_codes(out.db, 1);
  return sqlite3_busy_timeout(out.db, static_cast<int>(busy.count()));
}

core::Result<std::string> first_text(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return tl::unexpected(sqlite_error(rc));
  std::string text;
  rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    const unsigned char* value = sqlite3_column_text(stmt, 0);
    if (value != nullptr) text = reinterpret_cast<const char*>(value);
    rc = SQLITE_OK;
  } else if (rc == SQLITE_DONE) {
    rc = SQLITE_OK;
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_OK) return tl::unexpected(sqlite_error(rc));
  return text;
}

// fsync of a file or directory; the rename is only durable once the directory entry is synced.
bool sync_path(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

void remove_temp(const std::string& temp) {
  std::error_code ignored;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(temp + suffix, ignored);
}

core::Status copy_pages(const std::string& source_path, const std::string& temp,
                        const BackupOptions& options) {
  Connection source;
  // Read-write without CREATE: a read-only handle cannot join WAL when the -shm file is missing.
  if (int rc = open_connection(source_path, SQLITE_OPEN_READWRITE, options.busy_timeout, source);
      rc != SQLITE_OK) {
    return tl::unexpected(sqlite_error(rc));
  }
  // The copy holds queued webhook bodies (customer text): owner-only, like the data dir. SQLite
  // keeps the mode of an existing file, and gives its journal the same one.
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return core::fail(ErrorKind::unavailable, "backup_create_failed");
  ::close(fd);
  Connection dest;
  if (int rc = open_connection(temp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                               options.busy_timeout, dest);
      rc != SQLITE_OK) {
    return tl::unexpected(sqlite_error(rc));
  }
  sqlite3_backup* backup = sqlite3_backup_init(dest.db, "main", source.db, "main");
  if (backup == nullptr) return tl::unexpected(sqlite_error(sqlite3_errcode(dest.db)));
  // All pages in one step, i.e. inside one read transaction: a consistent snapshot, and writers
  // carry on meanwhile (WAL). Copying in smaller steps would restart after every commit of the
  // live server and might never finish under steady load.
  const auto deadline = std::chrono::steady_clock::now() + options.busy_timeout;
  int rc = SQLITE_OK;
  for (;;) {
    rc = sqlite3_backup_step(backup, -1);
    const int primary = rc & 0xff;
    if ((primary != SQLITE_BUSY && primary != SQLITE_LOCKED) ||
        std::chrono::steady_clock::now() >= deadline) {
      break;
    }
    sqlite3_sleep(50);  // a lock held by a checkpoint or an exclusive transaction
  }
  const int finish_rc = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return tl::unexpected(sqlite_error(rc));
  if (finish_rc != SQLITE_OK) return tl::unexpected(sqlite_error(finish_rc));
  if (int close_rc = dest.close(); close_rc != SQLITE_OK) {
    return tl::unexpected(sqlite_error(close_rc));
  }
  return {};
}

// Integrity check, page figures, and a rollback journal so the copy is one self-contained file
// (rpmw switches it back to WAL when it opens a restored copy).
core::Result<BackupReport> check_copy(const std::string& temp, const BackupOptions& options) {
  Connection copy;
  if (int rc = open_connection(temp, SQLITE_OPEN_READWRITE, options.busy_timeout, copy);
      rc != SQLITE_OK) {
    return tl::unexpected(sqlite_error(rc));
  }
  auto integrity = first_text(copy.db, "PRAGMA integrity_check");
  if (!integrity) return tl::unexpected(integrity.error());
  if (*integrity != "ok") return core::fail(ErrorKind::internal, "backup_integrity_failed");
  auto mode = first_text(copy.db, "PRAGMA journal_mode=DELETE");
  if (!mode) return tl::unexpected(mode.error());
  auto pages = first_text(copy.db, "PRAGMA page_count");
  if (!pages) return tl::unexpected(pages.error());
  auto page_size = first_text(copy.db, "PRAGMA page_size");
  if (!page_size) return tl::unexpected(page_size.error());
  if (int rc = copy.close(); rc != SQLITE_OK) return tl::unexpected(sqlite_error(rc));
  BackupReport report;
  report.pages = std::stoll(*pages);
  report.page_size = std::stoll(*page_size);
  return report;
}

}  // namespace

core::Result<BackupReport> backup_database(const std::string& source_path,
                                           const std::string& dest_path,
                                           const BackupOptions& options) {
  return guarded([&]() -> core::Result<BackupReport> {
    std::error_code ec;
    if (!fs::is_regular_file(source_path, ec)) {
      return core::fail(ErrorKind::invalid_input, "backup_source_missing");
    }
    const fs::path dest(dest_path);
    const fs::path dir = dest.has_parent_path() ? dest.parent_path() : fs::path(".");
    if (dest.filename().empty() || !fs::is_directory(dir, ec)) {
      return core::fail(ErrorKind::invalid_input, "backup_dest_dir_missing");
    }
    if (fs::exists(dest, ec) && fs::equivalent(dest, source_path, ec)) {
      return core::fail(ErrorKind::invalid_input, "backup_same_file");
    }
    // Same directory as the destination, so the final rename cannot cross file systems.
    const std::string temp = dest_path + ".tmp-" + std::to_string(::getpid());
    remove_temp(temp);
    auto done = copy_pages(source_path, temp, options)
                    .and_then([&] { return check_copy(temp, options); })
                    .and_then([&](BackupReport report) -> core::Result<BackupReport> {
                      if (!sync_path(temp, false)) {
                        return core::fail(ErrorKind::unavailable, "backup_sync_failed");
                      }
                      std::error_code rename_ec;
                      fs::rename(temp, dest, rename_ec);
                      if (rename_ec) {
                        return core::fail(ErrorKind::unavailable, "backup_rename_failed");
                      }
                      sync_path(dir, true);  // best effort: the copy itself is complete
                      report.path = dest_path;
                      report.bytes = fs::file_size(dest, rename_ec);
                      return report;
                    });
    remove_temp(temp);
    return done;
  });
}

}  // namespace rpmw::adapters::sqlite
