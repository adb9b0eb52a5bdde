#include "adapters/sqlite/sqlite_db.h"

#include <chrono>
#include <thread>

#include <sqlite3.h>

#include <utility>

namespace rpmw::adapters::sqlite {

using core::ErrorKind;

core::Error sqlite_error(int rc) {
  const auto unavailable = [](const char* code) {
    return core::Error{ErrorKind::unavailable, code, {}};
  };
  const auto internal = [](const char* code) { return core::Error{ErrorKind::internal, code, {}}; };
  switch (rc & 0xff) {  // primary result code
    case SQLITE_FULL:
      return unavailable("sqlite_full");
    case SQLITE_IOERR:
      return unavailable("sqlite_ioerr");
    case SQLITE_BUSY:
      return unavailable("sqlite_busy");
    case SQLITE_LOCKED:
      return unavailable("sqlite_locked");
    case SQLITE_CANTOPEN:
      return unavailable("sqlite_cantopen");
    case SQLITE_READONLY:
      return internal("sqlite_readonly");
    case SQLITE_CONSTRAINT:
      return internal("sqlite_constraint");
    case SQLITE_CORRUPT:
      return internal("sqlite_corrupt");
    case SQLITE_NOTADB:
      return internal("sqlite_notadb");
    case SQLITE_NOMEM:
      return internal("sqlite_nomem");
    case SQLITE_MISUSE:
      return internal("sqlite_misuse");
    case SQLITE_RANGE:
      return internal("sqlite_range");
    case SQLITE_PERM:
      return internal("sqlite_perm");
    case SQLITE_AUTH:
      return internal("sqlite_auth");
    default:
      return internal("sqlite_error");
  }
}

namespace {
tl::unexpected<core::Error> failure(int rc) {
  return tl::unexpected<core::Error>(sqlite_error(rc));
}
}  // namespace

// ---- Statement ----

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), db_(other.db_), bind_rc_(other.bind_rc_) {}

Statement::~Statement() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

void Statement::note_bind(int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Statement& Statement::bind(int index, std::int64_t value) {
  note_bind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies, so temporaries are safe to pass.
  note_bind(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::bind_null(int index) {
  note_bind(sqlite3_bind_null(stmt_, index));
  return *this;
}

core::Result<bool> Statement::step() {
  if (bind_rc_ != SQLITE_OK) return failure(bind_rc_);
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return failure(rc);
}

core::Status Statement::run() {
  for (;;) {
    auto row = step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return {};
  }
}

std::int64_t Statement::column_int64(int index) const {
  return sqlite3_column_int64(stmt_, index);
}

std::string Statement::column_text(int index) const {
  const auto* text = sqlite3_column_text(stmt_, index);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)));
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

// ---- SqliteDb ----

void SqliteDb::StmtDeleter::operator()(sqlite3_stmt* stmt) const {
  sqlite3_finalize(stmt);
}

core::Result<std::unique_ptr<SqliteDb>> SqliteDb::open(const SqliteConfig& config) {
  return guarded([&]() -> core::Result<std::unique_ptr<SqliteDb>> {
    if (config.path.empty()) return core::fail(ErrorKind::invalid_input, "sqlite_empty_path");
    sqlite3* raw = nullptr;
    // NOMUTEX: the owning adapter serialises access; SQLite's own mutex would be redundant.
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(config.path.c_str(), &raw, flags, nullptr);
    std::unique_ptr<SqliteDb> db(new SqliteDb(raw, config.path));  // closes `raw` even on failure
    if (rc != SQLITE_OK) return failure(rc);
    sqlite3_extended_result_codes(raw, 1);
    // Set the busy timeout first: switching to WAL needs a lock another process may hold.
    sqlite3_busy_timeout(raw, static_cast<int>(config.busy_timeout.count()));
    // Two processes creating the file at once (serve + worker, two Lambda handlers): the switch
    // to WAL can answer SQLITE_BUSY without consulting the busy handler, so retry it ourselves.
    const auto give_up = std::chrono::steady_clock::now() + config.busy_timeout;
    auto mode = db->query_text("PRAGMA journal_mode=WAL");
    while (!mode && mode.error().code == "sqlite_busy" &&
           std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      mode = db->query_text("PRAGMA journal_mode=WAL");
    }
    if (!mode) return tl::unexpected(mode.error());
    if (*mode != "wal") return core::fail(ErrorKind::internal, "sqlite_no_wal");
    const char* sync = config.synchronous == Synchronous::full ? "PRAGMA synchronous=FULL"
                                                               : "PRAGMA synchronous=NORMAL";
    if (auto ok = db->exec(sync); !ok) return tl::unexpected(ok.error());
    if (auto ok = db->exec("PRAGMA foreign_keys=OFF"); !ok) return tl::unexpected(ok.error());
    // After a burst the WAL is cut back to 64 MiB when it restarts instead of keeping its peak.
    if (auto ok = db->exec("PRAGMA journal_size_limit=67108864"); !ok) {
      return tl::unexpected(ok.error());
    }
    return db;
  });
}

SqliteDb::~SqliteDb() {
  cache_.clear();  // finalize statements before closing
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

core::Status SqliteDb::exec(std::string_view sql) {
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return failure(rc);
  return {};
}

core::Result<Statement> SqliteDb::prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(raw);
      return failure(rc);
    }
    it = cache_.emplace(sql, std::unique_ptr<sqlite3_stmt, StmtDeleter>(raw)).first;
  }
  return Statement(it->second.get(), db_);
}

core::Status SqliteDb::begin() {
  auto stmt = prepare("BEGIN IMMEDIATE");
  if (!stmt) return tl::unexpected(stmt.error());
  return stmt->run();
}

core::Status SqliteDb::commit() {
  auto stmt = prepare("COMMIT");
  if (!stmt) return tl::unexpected(stmt.error());
  return stmt->run();
}

void SqliteDb::rollback() noexcept {
  // Some errors (SQLITE_FULL, IOERR) already rolled the transaction back.
  if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void SqliteDb::set_wal_hook(std::function<void(int)> hook) {
  wal_hook_ = std::move(hook);
  sqlite3_wal_hook(
      db_,
      [](void* self, sqlite3*, const char*, int pages) -> int {
        try {
          auto& hook = static_cast<SqliteDb*>(self)->wal_hook_;
          if (hook) hook(pages);
        } catch (...) {  // a C callback: nothing may escape; the next commit asks again
        }
        return SQLITE_OK;
      },
      this);
}

core::Status SqliteDb::checkpoint_passive() {
  const int rc =
      sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (rc != SQLITE_OK) return failure(rc);
  return {};
}

std::int64_t SqliteDb::changes() const {
  return sqlite3_changes64(db_);
}

std::int64_t SqliteDb::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

core::Result<std::string> SqliteDb::query_text(const std::string& sql) {
  auto stmt = prepare(sql);
  if (!stmt) return tl::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::string();
  return stmt->column_text(0);
}

}  // namespace rpmw::adapters::sqlite
