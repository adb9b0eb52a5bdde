#pragma once
// FlagStore on SQLite: raw flag values in table `flags`. Defaults and caching live in core::flags.
#include <memory>
#include <mutex>

#include "adapters/sqlite/sqlite_db.h"
#include "core/ports/clock.h"
#include "core/ports/flag_store.h"

namespace rpmw::adapters::sqlite {

struct SqliteFlagStoreOptions {};

class SqliteFlagStore final : public core::FlagStore {
 public:
  static core::Result<std::unique_ptr<SqliteFlagStore>> open(const SqliteConfig& config,
                                                             const core::Clock& clock,
                                                             SqliteFlagStoreOptions options = {});

  core::Result<std::optional<std::string>> get(const std::string& name) override;
  core::Result<std::map<std::string, std::string>> list() override;
  core::Status set(const std::string& name, const std::string& value) override;

 private:
  SqliteFlagStore(std::unique_ptr<SqliteDb> db, const core::Clock& clock)
      : db_(std::move(db)), clock_(clock) {}

  std::unique_ptr<SqliteDb> db_;
  const core::Clock& clock_;
  std::mutex mutex_;
};

}  // namespace rpmw::adapters::sqlite
