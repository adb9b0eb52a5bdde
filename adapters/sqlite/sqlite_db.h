#pragma once
// RAII SQLite connection shared by the queue, state and flag adapters: WAL, configurable
// synchronous level, busy timeout, cached prepared statements and error mapping to core::Error.
// A SqliteDb is NOT thread-safe: each adapter owns one and serialises access with its own mutex.
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace rpmw::adapters::sqlite {

// NORMAL survives a kill -9 of the process (WAL frames are in the OS page cache); FULL also
// survives power loss at the cost of an fsync per commit.
enum class Synchronous { normal, full };

struct SqliteConfig {
  std::string path;  // e.g. <data_dir>/rpmw.sqlite3
  Synchronous synchronous = Synchronous::normal;
  std::chrono::milliseconds busy_timeout{5000};
};

// Maps an SQLite result code to an Error: full/ioerr/busy/locked/cantopen are `unavailable`
// (a dependency is down or full), anything else `internal`.
core::Error sqlite_error(int rc);

class SqliteDb;

// A cached prepared statement in use. Resets the statement and clears its bindings when it goes
// out of scope, so no read transaction is left open by an unfinished SELECT.
class Statement {
 public:
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  // Bind positions are 1-based, as in SQLite.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);
  Statement& bind_null(int index);

  // true: a row is available; false: done. The first bind error is reported here.
  core::Result<bool> step();
  // Steps until done (for INSERT/UPDATE/DELETE).
  core::Status run();

  std::int64_t column_int64(int index) const;
  std::string column_text(int index) const;
  bool column_is_null(int index) const;

 private:
  friend class SqliteDb;
  Statement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  void note_bind(int rc);

  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
  int bind_rc_ = 0;
};

class SqliteDb {
 public:
  static core::Result<std::unique_ptr<SqliteDb>> open(const SqliteConfig& config);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements without results (DDL, pragmas).
  core::Status exec(std::string_view sql);
  // Prepares (once, then from the cache) and returns the statement ready for binding.
  core::Result<Statement> prepare(const std::string& sql);

  // Write transactions start IMMEDIATE so a second process waits on busy_timeout up front
  // instead of failing when a read transaction tries to upgrade.
  core::Status begin();
  core::Status commit();
  void rollback() noexcept;

  // Runs `body` (returning Status) inside BEGIN IMMEDIATE/COMMIT; rolls back on error or throw.
  template <class F>
  core::Status transaction(F&& body) noexcept {
    if (auto started = begin(); !started) return started;
    try {
      core::Status result = body();
      if (!result) {
        rollback();
        return result;
      }
      if (auto committed = commit(); !committed) {
        rollback();
        return committed;
      }
      return {};
    } catch (...) {
      rollback();
      return core::fail(core::ErrorKind::internal, "sqlite_exception");
    }
  }

  // Replaces SQLite's automatic checkpoint, which runs inside COMMIT on the committing thread
  // (fsyncs included), with `hook(wal_pages)` called after each commit, so the owner can
  // checkpoint from a background thread instead.
  void set_wal_hook(std::function<void(int)> hook);
  // Copies WAL frames into the database without blocking writers or readers.
  core::Status checkpoint_passive();

  std::int64_t changes() const;
  std::int64_t last_insert_rowid() const;
  // First column of the first row as text, e.g. for PRAGMA queries in tests.
  core::Result<std::string> query_text(const std::string& sql);
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  sqlite3* db_ = nullptr;
  std::string path_;
  std::function<void(int)> wal_hook_;
  struct StmtDeleter {
    void operator()(sqlite3_stmt* stmt) const;
  };
  std::map<std::string, std::unique_ptr<sqlite3_stmt, StmtDeleter>, std::less<>> cache_;
};

// Runs `body` and turns an escaping exception (e.g. std::bad_alloc) into an error value, so no
// exception crosses a port.
template <class F>
auto guarded(F&& body) noexcept -> decltype(body()) {
  try {
    return body();
  } catch (...) {
    return core::fail(core::ErrorKind::internal, "sqlite_exception");
  }
}

}  // namespace rpmw::adapters::sqlite
