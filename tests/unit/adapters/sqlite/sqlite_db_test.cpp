#include "adapters/sqlite/sqlite_db.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <fstream>
#include <string>

#include "tests/unit/contracts/contract_backends.h"

namespace rpmw::adapters::sqlite {

using contracts::TempDbPath;

TEST_CASE("sqlite db: open applies WAL, synchronous, busy timeout and foreign keys off") {
  TempDbPath file;
  SqliteConfig config{file.path()};
  SUBCASE("normal (the default)") {
    auto db = SqliteDb::open(config);
    REQUIRE(db.has_value());
    CHECK((*db)->query_text("PRAGMA journal_mode").value() == "wal");
    CHECK((*db)->query_text("PRAGMA synchronous").value() == "1");
    CHECK((*db)->query_text("PRAGMA busy_timeout").value() == "5000");
    CHECK((*db)->query_text("PRAGMA foreign_keys").value() == "0");
  }
  SUBCASE("full") {
    config.synchronous = Synchronous::full;
    auto db = SqliteDb::open(config);
    REQUIRE(db.has_value());
    CHECK((*db)->query_text("PRAGMA synchronous").value() == "2");
  }
}

TEST_CASE("sqlite db: result codes map to error kinds and short codes") {
  const auto check = [](int rc, core::ErrorKind kind, const char* code) {
    const core::Error error = sqlite_error(rc);
    CHECK(error.kind == kind);
    CHECK(error.code == code);
  };
  check(SQLITE_FULL, core::ErrorKind::unavailable, "sqlite_full");
  check(SQLITE_IOERR, core::ErrorKind::unavailable, "sqlite_ioerr");
  check(SQLITE_IOERR_WRITE, core::ErrorKind::unavailable, "sqlite_ioerr");  // extended code
  check(SQLITE_BUSY, core::ErrorKind::unavailable, "sqlite_busy");
  check(SQLITE_BUSY_SNAPSHOT, core::ErrorKind::unavailable, "sqlite_busy");
  check(SQLITE_LOCKED, core::ErrorKind::unavailable, "sqlite_locked");
  check(SQLITE_CANTOPEN, core::ErrorKind::unavailable, "sqlite_cantopen");
  check(SQLITE_CONSTRAINT_UNIQUE, core::ErrorKind::internal, "sqlite_constraint");
  check(SQLITE_CORRUPT, core::ErrorKind::internal, "sqlite_corrupt");
  check(SQLITE_NOTADB, core::ErrorKind::internal, "sqlite_notadb");
  check(SQLITE_ERROR, core::ErrorKind::internal, "sqlite_error");
  CHECK(sqlite_error(SQLITE_FULL).retryable());
  CHECK_FALSE(sqlite_error(SQLITE_CORRUPT).retryable());
}

TEST_CASE("sqlite db: a failed transaction body rolls back") {
  TempDbPath file;
  auto db = SqliteDb::open(SqliteConfig{file.path()});
  REQUIRE(db.has_value());
  REQUIRE((*db)->exec("CREATE TABLE t(x INTEGER PRIMARY KEY)").has_value());
  auto failed = (*db)->transaction([&]() -> core::Status {
    if (auto ok = (*db)->exec("INSERT INTO t VALUES (1)"); !ok) return ok;
    return (*db)->exec("INSERT INTO t VALUES (1)");  // duplicate key
  });
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().code == "sqlite_constraint");
  CHECK((*db)->query_text("SELECT COUNT(*) FROM t").value() == "0");
  auto thrown = (*db)->transaction([&]() -> core::Status {
    (void)(*db)->exec("INSERT INTO t VALUES (2)");
    throw std::runtime_error("boom");
  });
  REQUIRE_FALSE(thrown.has_value());
  CHECK(thrown.error().code == "sqlite_exception");
  CHECK((*db)->query_text("SELECT COUNT(*) FROM t").value() == "0");
  auto bad_sql = (*db)->prepare("SELECT nope FROM nowhere");
  REQUIRE_FALSE(bad_sql.has_value());
  CHECK(bad_sql.error().kind == core::ErrorKind::internal);
}

TEST_CASE("sqlite adapters: open failures come back as error values") {
  fakes::FakeClock clock;
  fakes::SeededRandom random;
  SUBCASE("a directory that does not exist") {
    const SqliteConfig config{"/tmp/rpmw_no_such_dir_for_tests/sub/rpmw.sqlite3"};
    auto queue = SqliteEventQueue::open(config, clock, random);
    REQUIRE_FALSE(queue.has_value());
    CHECK(queue.error().kind == core::ErrorKind::unavailable);
    CHECK(queue.error().code == "sqlite_cantopen");
    auto state = SqliteStateStore::open(config, clock);
    REQUIRE_FALSE(state.has_value());
    CHECK(state.error().code == "sqlite_cantopen");
    auto flags = SqliteFlagStore::open(config, clock);
    REQUIRE_FALSE(flags.has_value());
    CHECK(flags.error().code == "sqlite_cantopen");
  }
  SUBCASE("a path that is a directory") {
    auto queue = SqliteEventQueue::open(SqliteConfig{"/tmp"}, clock, random);
    REQUIRE_FALSE(queue.has_value());
  }
  SUBCASE("a file that is not a database") {
    TempDbPath file;
    {
      std::ofstream out(file.path(), std::ios::binary);
      out << std::string(8192, 'x');
    }
    auto queue = SqliteEventQueue::open(file.config(), clock, random);
    REQUIRE_FALSE(queue.has_value());
    CHECK(queue.error().kind == core::ErrorKind::internal);
    CHECK(queue.error().code == "sqlite_notadb");
  }
  SUBCASE("an empty path") {
    auto queue = SqliteEventQueue::open(SqliteConfig{""}, clock, random);
    REQUIRE_FALSE(queue.has_value());
    CHECK(queue.error().kind == core::ErrorKind::invalid_input);
  }
}

}  // namespace rpmw::adapters::sqlite
