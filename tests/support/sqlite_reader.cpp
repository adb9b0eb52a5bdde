#include "tests/support/sqlite_reader.h"

#include <sqlite3.h>

#include <stdexcept>

namespace rpmw::testing {

SqliteReader::SqliteReader(const std::filesystem::path& path) : path_(path) {
  if (!std::filesystem::exists(path)) throw std::runtime_error("no database at " + path.string());
  const int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open " + path.string() + ": " + message);
  }
  sqlite3_busy_timeout(db_, 5000);
}

SqliteReader::~SqliteReader() {
  sqlite3_close(db_);
}

std::vector<Row> SqliteReader::query(const std::string& sql,
                                     const std::vector<std::string>& params) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    throw std::runtime_error("prepare failed: " + std::string(sqlite3_errmsg(db_)) + " in: " + sql);
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    sqlite3_bind_text(stmt, static_cast<int>(i + 1), params[i].data(),
                      static_cast<int>(params[i].size()), SQLITE_TRANSIENT);
  }
  std::vector<Row> rows;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    Row row;
    const int columns = sqlite3_column_count(stmt);
    for (int c = 0; c < columns; ++c) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
      const int bytes = sqlite3_column_bytes(stmt, c);
      row.emplace_back(text ? std::string(text, static_cast<std::size_t>(bytes)) : std::string());
    }
    rows.push_back(std::move(row));
  }
  const std::string error = rc == SQLITE_DONE ? std::string() : sqlite3_errmsg(db_);
  sqlite3_finalize(stmt);
  if (!error.empty()) throw std::runtime_error("query failed: " + error + " in: " + sql);
  return rows;
}

long long SqliteReader::scalar(const std::string& sql, const std::vector<std::string>& params) {
  const auto rows = query(sql, params);
  if (rows.empty() || rows[0].empty() || rows[0][0].empty()) return 0;
  return std::stoll(rows[0][0]);
}

bool SqliteReader::table_exists(const std::string& name) {
  return scalar("SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?", {name}) > 0;
}

}  // namespace rpmw::testing
