#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace rpmw::testing {

using Row = std::vector<std::string>;  // NULL reads as ""

// A read-only connection to a database another process writes (the server's WAL file).
class SqliteReader {
 public:
  explicit SqliteReader(const std::filesystem::path& path);  // throws if it cannot open
  ~SqliteReader();
  SqliteReader(const SqliteReader&) = delete;
  SqliteReader& operator=(const SqliteReader&) = delete;

  // Runs one statement with `?` parameters bound as text; throws std::runtime_error on error.
  std::vector<Row> query(const std::string& sql, const std::vector<std::string>& params = {});
  // First column of the first row as an integer (0 when there is no row).
  long long scalar(const std::string& sql, const std::vector<std::string>& params = {});
  bool table_exists(const std::string& name);

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
};

}  // namespace rpmw::testing
