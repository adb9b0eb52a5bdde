#include "app/runtime/local_runtime.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace rpmw::app {
namespace sqlite = adapters::sqlite;

std::string ensure_data_dir(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return "cannot create data dir " + path + ": " + ec.message();
  ::chmod(path.c_str(), 0700);
  return {};
}

LocalRuntime::LocalRuntime(Config config) : config_(std::move(config)) {}

core::Result<std::unique_ptr<LocalRuntime>> LocalRuntime::open(const Config& config,
                                                               std::vector<std::string>* problems) {
  std::unique_ptr<LocalRuntime> rt(new LocalRuntime(config));
  core::LogLevel level = core::LogLevel::info;
  core::parse_log_level(config.log_level, level);
  rt->log_ = std::make_unique<adapters::observability::JsonLineLog>(level, RPMW_RELEASE, config.env,
                                                                    rt->clock_);
  if (std::string error = ensure_data_dir(config.data_dir); !error.empty()) {
    return core::fail(core::ErrorKind::unavailable, "data_dir_unusable");
  }
  sqlite::SqliteConfig db{config.database_path(), config.sqlite_synchronous == "full"
                                                      ? sqlite::Synchronous::full
                                                      : sqlite::Synchronous::normal};
  sqlite::SqliteEventQueueOptions queue_options;
  queue_options.max_receives = config.queue_max_receives;
  queue_options.dedup_window = std::chrono::seconds(config.dedup_window_s);
  auto queue = sqlite::SqliteEventQueue::open(db, rt->clock_, rt->random_, queue_options);
  if (!queue) return tl::unexpected(queue.error());
  rt->queue_ = std::move(*queue);
  auto state = sqlite::SqliteStateStore::open(db, rt->clock_);
  if (!state) return tl::unexpected(state.error());
  rt->state_ = std::move(*state);
  auto flag_store = sqlite::SqliteFlagStore::open(db, rt->clock_);
  if (!flag_store) return tl::unexpected(flag_store.error());
  rt->flag_store_ = std::move(*flag_store);

  core::flags::FlagDefaults defaults;
  defaults.richpanel_configured = !config.richpanel_api_key.empty();
  defaults.llm_configured = !config.llm_base_url.empty();
  defaults.initial = config.flags;
  rt->flags_ =
      std::make_unique<core::flags::FlagService>(*rt->flag_store_, rt->clock_, *rt->log_, defaults,
                                                 std::chrono::seconds(config.flag_cache_ttl_s));
  std::vector<std::string> errors;
  rt->engine_ =
      EngineKit::create(PolicySources{config.policies_dir, config.templates_dir},
                        EngineOptions{nullptr, nullptr, nullptr, llm_options_of(config)}, errors);
  if (!rt->engine_) {
    if (problems != nullptr) *problems = std::move(errors);
    return core::fail(core::ErrorKind::invalid_input, "policies_invalid");
  }
  rt->pipeline_ = std::make_unique<core::pipeline::Pipeline>(
      core::pipeline::PipelineDeps{*rt->state_, *rt->flags_, rt->clock_, *rt->log_, rt->metrics_,
                                   rt->engine_->engine(), nullptr});
  return rt;
}

void LocalRuntime::purge() {
  auto purged = state_->purge_expired();
  auto dedup = queue_->purge_dedup();
  core::LogEvent event(core::LogLevel::info, "system.state.purge.complete");
  event.num("state_rows", purged ? *purged : std::int64_t{-1});
  if (dedup) event.num("dedup_rows", static_cast<std::int64_t>(*dedup));
  log_->write(event);
}

}  // namespace rpmw::app
