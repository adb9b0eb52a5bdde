#include "app/runtime/runtime.h"

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

adapters::richpanel::RichpanelSettings richpanel_settings(const Config& config,
                                                          const core::Clock& clock) {
  adapters::richpanel::RichpanelSettings settings;
  settings.base_url = config.richpanel_base_url;
  settings.api_key = config.richpanel_api_key;
  settings.timeout = std::chrono::milliseconds(config.richpanel_timeout_ms);
  settings.ca_bundle_path = config.ca_bundle;
  // One budget per account: every worker thread's calls draw from it.
  settings.budget = std::make_shared<adapters::http::VendorBudget>(
      adapters::http::VendorBudgetSettings{config.richpanel_rate, config.richpanel_burst,
                                           std::chrono::milliseconds(config.richpanel_cooldown_ms)},
      clock);
  return settings;
}

adapters::shopify::ShopifySettings shopify_settings(const Config& config) {
  adapters::shopify::ShopifySettings settings;
  settings.shop = config.shopify_shop;
  settings.base_url = config.shopify_base_url;
  settings.access_token = config.shopify_access_token;
  settings.api_version = config.shopify_api_version;
  settings.ca_bundle_path = config.ca_bundle;
  return settings;
}

Runtime::Runtime(Config config) : config_(std::move(config)) {}

core::Result<std::unique_ptr<Runtime>> Runtime::open(const Config& config,
                                                     std::vector<std::string>* problems) {
  std::unique_ptr<Runtime> rt(new Runtime(config));
  core::LogLevel level = core::LogLevel::info;
  core::parse_log_level(config.log_level, level);
  rt->log_ = std::make_unique<adapters::observability::JsonLineLog>(level, RPMW_RELEASE, config.env,
                                                                    rt->clock_);
  if (std::string error = ensure_data_dir(config.data_dir); !error.empty()) {
    return core::fail(core::ErrorKind::unavailable, "data_dir_unusable");
  }
  auto opened = config.profile == "aws" ? rt->open_aws(problems) : rt->open_local();
  if (!opened) return tl::unexpected(opened.error());
  std::vector<std::string> errors;
  rt->stack_ = DecisionStack::create(DecisionStackDeps{rt->config_, *rt->state_, *rt->flag_store_,
                                                       rt->clock_, *rt->log_, rt->metrics_},
                                     errors);
  if (!rt->stack_) {
    if (problems != nullptr) *problems = std::move(errors);
    return core::fail(core::ErrorKind::invalid_input, "policies_invalid");
  }
  return rt;
}

core::Result<void> Runtime::open_local() {
  sqlite::SqliteConfig db{config_.database_path(), config_.sqlite_synchronous == "full"
                                                       ? sqlite::Synchronous::full
                                                       : sqlite::Synchronous::normal};
  sqlite::SqliteEventQueueOptions queue_options;
  queue_options.max_receives = config_.queue_max_receives;
  queue_options.dedup_window = std::chrono::seconds(config_.dedup_window_s);
  auto queue = sqlite::SqliteEventQueue::open(db, clock_, random_, queue_options);
  if (!queue) return tl::unexpected(queue.error());
  sqlite_queue_ = queue->get();
  queue_ = std::move(*queue);
  auto state = sqlite::SqliteStateStore::open(db, clock_);
  if (!state) return tl::unexpected(state.error());
  state_ = std::move(*state);
  auto flag_store = sqlite::SqliteFlagStore::open(db, clock_);
  if (!flag_store) return tl::unexpected(flag_store.error());
  flag_store_ = std::move(*flag_store);
  return {};
}

core::Result<void> Runtime::open_aws(std::vector<std::string>* problems) {
  aws_ = std::make_unique<AwsBackends>(config_, clock_, random_);
  // Webhook tokens only when none are configured: `rpmw worker` and the CLI need none.
  std::vector<std::string> missing =
      resolve_aws_secrets(config_, aws_->secrets(), SecretNeeds{.vendor_keys = true});
  if (!missing.empty()) {
    if (problems != nullptr) *problems = std::move(missing);
    return core::fail(core::ErrorKind::unavailable, "secrets_unavailable");
  }
  queue_ = aws_->make_queue();
  state_ = aws_->make_state();
  flag_store_ = aws_->make_flag_store();
  return {};
}

core::Status Runtime::resolve_webhook_tokens() {
  if (!aws_ || !config_.webhook_tokens.empty()) return {};
  std::vector<std::string> missing =
      resolve_aws_secrets(config_, aws_->secrets(), SecretNeeds{.webhook_tokens = true});
  if (!missing.empty()) return core::fail(core::ErrorKind::unavailable, "webhook_tokens_missing");
  return {};
}

void Runtime::purge() {
  auto purged = state_->purge_expired();
  core::LogEvent event(core::LogLevel::info, "system.state.purge.complete");
  event.num("state_rows", purged ? *purged : std::int64_t{-1});
  if (sqlite_queue_ != nullptr) {
    if (auto dedup = sqlite_queue_->purge_dedup()) {
      event.num("dedup_rows", static_cast<std::int64_t>(*dedup));
    }
  }
  log_->write(event);
}

}  // namespace rpmw::app
