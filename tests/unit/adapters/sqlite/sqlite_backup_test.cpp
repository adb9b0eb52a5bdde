#include "adapters/sqlite/sqlite_backup.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "adapters/sqlite/sqlite_db.h"
#include "tests/unit/contracts/contract_backends.h"

namespace rpmw::adapters::sqlite {
namespace {

namespace fs = std::filesystem;
using contracts::TempDbPath;

// A private directory for backup files, removed with everything in it.
class BackupDir {
 public:
  BackupDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() / ("rpmw_backup_test_" + std::to_string(::getpid()) + "_" +
                                         std::to_string(counter.fetch_add(1)));
    fs::create_directories(path_);
  }
  ~BackupDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(path_), {}));
  }

 private:
  fs::path path_;
};

std::unique_ptr<SqliteDb> open_db(const std::string& path) {
  auto db = SqliteDb::open(SqliteConfig{path});
  REQUIRE(db.has_value());
  return std::move(*db);
}

core::Status insert_rows(SqliteDb& db, int from, int count) {
  return db.transaction([&]() -> core::Status {
    for (int i = from; i < from + count; ++i) {
      auto stmt = db.prepare("INSERT INTO items(id, body) VALUES (?, ?)");
      if (!stmt) return tl::unexpected(stmt.error());
      if (auto ok = stmt->bind(1, std::int64_t{i}).bind(2, std::string(200, 'x')).run(); !ok) {
        return ok;
      }
    }
    return {};
  });
}

// Bytes 18 and 19 of the header: 1 = rollback journal, 2 = WAL.
bool rollback_journal_header(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  REQUIRE(f != nullptr);
  unsigned char header[20] = {};
  const std::size_t got = std::fread(header, 1, sizeof header, f);
  std::fclose(f);
  return got == sizeof header && header[18] == 1 && header[19] == 1;
}

std::int64_t row_count(const std::string& path) {
  auto db = open_db(path);
  return std::stoll((db)->query_text("SELECT count(*) FROM items").value());
}

}  // namespace

TEST_CASE("sqlite backup: a consistent, checked copy while another connection writes") {
  TempDbPath source;
  BackupDir dir;
  auto live = open_db(source.path());
  REQUIRE(live->exec("CREATE TABLE items(id INTEGER PRIMARY KEY, body TEXT NOT NULL)"));
  REQUIRE(insert_rows(*live, 0, 2000));

  SUBCASE("an open write transaction is not in the copy and does not block it") {
    auto writer = open_db(source.path());
    REQUIRE(writer->begin());
    auto stmt = writer->prepare("INSERT INTO items(id, body) VALUES (99999, 'uncommitted')");
    REQUIRE(stmt);
    REQUIRE(stmt->run());
    const auto report = backup_database(source.path(), dir.file("copy.sqlite3"));
    writer->rollback();
    REQUIRE_MESSAGE(report.has_value(), report.error().code);
    CHECK(report->path == dir.file("copy.sqlite3"));
    CHECK(report->pages > 0);
    CHECK(report->bytes == static_cast<std::uintmax_t>(report->pages * report->page_size));
    CHECK(rollback_journal_header(report->path));
    CHECK(row_count(dir.file("copy.sqlite3")) == 2000);
  }
  SUBCASE("a writer committing in a loop: the copy holds a prefix of its commits") {
    auto writer = open_db(source.path());
    std::atomic<bool> stop{false};
    std::atomic<int> committed{0};
    std::atomic<bool> write_failed{false};
    std::thread thread([&] {
      for (int batch = 0; !stop.load(); ++batch) {
        if (!insert_rows(*writer, 10000 + batch * 10, 10)) {
          write_failed = true;
          return;
        }
        committed.fetch_add(10);
      }
    });
    // The backup starts only once the writer is known to be running.
    while (committed.load() == 0 && !write_failed.load()) std::this_thread::yield();
    const auto report = backup_database(source.path(), dir.file("copy.sqlite3"));
    const int after = committed.load();
    stop = true;
    thread.join();
    CHECK_FALSE(write_failed.load());  // the backup never blocked the writer past its timeout
    REQUIRE_MESSAGE(report.has_value(), report.error().code);
    CHECK(rollback_journal_header(report->path));
    const std::int64_t rows = row_count(dir.file("copy.sqlite3"));
    CHECK(rows >= 2000 + 10);  // at least the first batch, committed before the copy began
    CHECK(rows <= 2000 + after + 10);
    CHECK((rows - 2000) % 10 == 0);  // whole transactions only
  }

  // Either way the copy is a standalone file: rollback journal, no -wal/-shm, no temp left.
  auto copy = open_db(dir.file("copy.sqlite3"));
  CHECK(copy->query_text("PRAGMA integrity_check").value() == "ok");
  copy.reset();
  CHECK(dir.entries() == 1);
}

TEST_CASE("sqlite backup: replaces an existing file; wrong paths are usage errors") {
  TempDbPath source;
  BackupDir dir;
  auto live = open_db(source.path());
  REQUIRE(live->exec("CREATE TABLE items(id INTEGER PRIMARY KEY, body TEXT NOT NULL)"));
  REQUIRE(insert_rows(*live, 0, 5));

  REQUIRE(backup_database(source.path(), dir.file("b.sqlite3")));
  REQUIRE(insert_rows(*live, 5, 5));
  REQUIRE(backup_database(source.path(), dir.file("b.sqlite3")));
  CHECK(row_count(dir.file("b.sqlite3")) == 10);
  CHECK((fs::status(dir.file("b.sqlite3")).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(dir.entries() == 1);

  const auto code_of = [](const core::Result<BackupReport>& r) {
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == core::ErrorKind::invalid_input);
    return r.error().code;
  };
  CHECK(code_of(backup_database(dir.file("absent.sqlite3"), dir.file("c.sqlite3"))) ==
        "backup_source_missing");
  CHECK(code_of(backup_database(source.path(), dir.file("no/such/dir/c.sqlite3"))) ==
        "backup_dest_dir_missing");
  CHECK(code_of(backup_database(source.path(), source.path())) == "backup_same_file");
  CHECK(dir.entries() == 1);
}

TEST_CASE("sqlite backup: a corrupt source fails the integrity check; nothing is written") {
  TempDbPath source;
  BackupDir dir;
  std::int64_t page_size = 0;
  {
    auto live = open_db(source.path());
    REQUIRE(live->exec("CREATE TABLE items(id INTEGER PRIMARY KEY, body TEXT NOT NULL)"));
    REQUIRE(live->exec("CREATE INDEX items_body ON items(body)"));
    REQUIRE(insert_rows(*live, 0, 500));
    REQUIRE(live->exec("PRAGMA wal_checkpoint(TRUNCATE)"));
    page_size = std::stoll(live->query_text("PRAGMA page_size").value());
  }
  // Garbage over a few pages past the schema page: the copy is byte for byte, the check is not.
  {
    std::FILE* f = std::fopen(source.path().c_str(), "r+b");
    REQUIRE(f != nullptr);
    REQUIRE(std::fseek(f, static_cast<long>(page_size * 3), SEEK_SET) == 0);
    const std::string junk(static_cast<std::size_t>(page_size * 4), '\x5a');
    REQUIRE(std::fwrite(junk.data(), 1, junk.size(), f) == junk.size());
    std::fclose(f);
  }
  const auto report = backup_database(source.path(), dir.file("out.sqlite3"));
  REQUIRE_FALSE(report.has_value());
  CHECK(report.error().code == "backup_integrity_failed");
  CHECK(report.error().kind == core::ErrorKind::internal);
  CHECK(dir.entries() == 0);
}

TEST_CASE("sqlite backup: a file that is not a database fails without touching the destination") {
  BackupDir dir;
  {
    std::FILE* f = std::fopen(dir.file("junk.sqlite3").c_str(), "w");
    REQUIRE(f != nullptr);
    std::fputs("this is not an SQLite database, just text that is long enough to be read", f);
    std::fclose(f);
  }
  const auto report = backup_database(dir.file("junk.sqlite3"), dir.file("out.sqlite3"));
  REQUIRE_FALSE(report.has_value());
  CHECK(report.error().code == "sqlite_notadb");
  CHECK_FALSE(fs::exists(dir.file("out.sqlite3")));
  CHECK(dir.entries() == 1);
}

}  // namespace rpmw::adapters::sqlite
