#include "adapters/sqlite/sqlite_flag_store.h"

namespace rpmw::adapters::sqlite {

namespace {
template <class T>
tl::unexpected<core::Error> err(const T& result) {
  return tl::unexpected<core::Error>(result.error());
}
}  // namespace

core::Result<std::unique_ptr<SqliteFlagStore>> SqliteFlagStore::open(const SqliteConfig& config,
                                                                     const core::Clock& clock,
                                                                     SqliteFlagStoreOptions) {
  return guarded([&]() -> core::Result<std::unique_ptr<SqliteFlagStore>> {
    auto db = SqliteDb::open(config);
    if (!db) return err(db);
    auto created = (*db)->exec(
        "CREATE TABLE IF NOT EXISTS flags(name TEXT PRIMARY KEY, value TEXT NOT NULL, "
        "updated_at_ms INTEGER NOT NULL)");
    if (!created) return err(created);
    return std::unique_ptr<SqliteFlagStore>(new SqliteFlagStore(std::move(*db), clock));
  });
}

core::Result<std::optional<std::string>> SqliteFlagStore::get(const std::string& name) {
  return guarded([&]() -> core::Result<std::optional<std::string>> {
    std::lock_guard lock(mutex_);
    auto select = db_->prepare("SELECT value FROM flags WHERE name = ?1");
    if (!select) return err(select);
    select->bind(1, name);
    auto row = select->step();
    if (!row) return err(row);
    if (!*row) return std::optional<std::string>();
    return std::optional<std::string>(select->column_text(0));
  });
}

core::Result<std::map<std::string, std::string>> SqliteFlagStore::list() {
  return guarded([&]() -> core::Result<std::map<std::string, std::string>> {
    std::lock_guard lock(mutex_);
    auto select = db_->prepare("SELECT name, value FROM flags ORDER BY name");
    if (!select) return err(select);
    std::map<std::string, std::string> out;
    for (;;) {
      auto row = select->step();
      if (!row) return err(row);
      if (!*row) break;
      out.emplace(select->column_text(0), select->column_text(1));
    }
    return out;
  });
}

core::Status SqliteFlagStore::set(const std::string& name, const std::string& value) {
  return guarded([&]() -> core::Status {
    std::lock_guard lock(mutex_);
    auto upsert = db_->prepare(
        "INSERT INTO flags(name, value, updated_at_ms) VALUES (?1, ?2, ?3) "
        "ON CONFLICT(name) DO UPDATE SET value = ?2, updated_at_ms = ?3");
    if (!upsert) return err(upsert);
    upsert->bind(1, name).bind(2, value).bind(3, core::to_epoch_ms(clock_.now()));
    return upsert->run();
  });
}

}  // namespace rpmw::adapters::sqlite
