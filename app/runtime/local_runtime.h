#pragma once
// Wiring for the local profile: SQLite queue/state/flags, JSON logs, Prometheus metrics, the
// pipeline. Shared by `serve`, `worker` and the local CLI tools.
#include <memory>
#include <string>

#include "adapters/observability/json_line_log.h"
#include "adapters/observability/prometheus_metrics.h"
#include "adapters/richpanel/richpanel_helpdesk.h"
#include "adapters/shopify/shopify_order_search.h"
#include "adapters/sqlite/sqlite_event_queue.h"
#include "adapters/sqlite/sqlite_flag_store.h"
#include "adapters/sqlite/sqlite_state_store.h"
#include "app/config/config.h"
#include "app/runtime/engine_kit.h"
#include "app/system/system_clock.h"
#include "core/flags/flag_service.h"
#include "core/pipeline/pipeline.h"
#include "core/templates/catalog.h"

namespace rpmw::app {

class LocalRuntime {
 public:
  // `problems` receives readable lines when the policy files are invalid ("policies_invalid").
  static core::Result<std::unique_ptr<LocalRuntime>> open(
      const Config& config, std::vector<std::string>* problems = nullptr);

  const Config& config() const { return config_; }
  SystemClock& clock() { return clock_; }
  SystemRandom& random() { return random_; }
  adapters::observability::JsonLineLog& log() { return *log_; }
  adapters::observability::PrometheusMetrics& metrics() { return metrics_; }
  adapters::sqlite::SqliteEventQueue& queue() { return *queue_; }
  adapters::sqlite::SqliteStateStore& state() { return *state_; }
  core::flags::FlagService& flags() { return *flags_; }
  core::pipeline::Pipeline& pipeline() { return *pipeline_; }
  EngineKit& engine() { return *engine_; }
  const core::templates::Catalog& catalog() const { return catalog_; }
  // The Richpanel adapters; null without RPMW_RICHPANEL_API_KEY (decisions are only recorded).
  core::Helpdesk* helpdesk() { return helpdesk_.get(); }
  // The Shopify order search; null unless RPMW_SHOPIFY_SHOP and RPMW_SHOPIFY_ACCESS_TOKEN are set.
  core::OrderSearch* order_search() { return order_search_.get(); }

  // Deletes expired state rows and dedup keys; logs the counts.
  void purge();

 private:
  explicit LocalRuntime(Config config);

  Config config_;
  SystemClock clock_;
  SystemRandom random_;
  std::unique_ptr<adapters::observability::JsonLineLog> log_;
  adapters::observability::PrometheusMetrics metrics_;
  std::unique_ptr<adapters::sqlite::SqliteEventQueue> queue_;
  std::unique_ptr<adapters::sqlite::SqliteStateStore> state_;
  std::unique_ptr<adapters::sqlite::SqliteFlagStore> flag_store_;
  std::unique_ptr<core::flags::FlagService> flags_;
  std::unique_ptr<adapters::richpanel::RichpanelHelpdesk> helpdesk_;
  std::unique_ptr<adapters::richpanel::RichpanelOrderSource> orders_;
  std::unique_ptr<adapters::shopify::ShopifyOrderSearch> order_search_;
  core::templates::Catalog catalog_;
  std::unique_ptr<EngineKit> engine_;
  std::unique_ptr<core::pipeline::Pipeline> pipeline_;
};

// The Richpanel client settings of a configuration, with a fresh shared request budget.
adapters::richpanel::RichpanelSettings richpanel_settings(const Config& config,
                                                          const core::Clock& clock);

// The Shopify client settings of a configuration (the caller checks shop and token are set).
adapters::shopify::ShopifySettings shopify_settings(const Config& config);

// Creates the data dir (0700) when missing; error text for the user on failure.
std::string ensure_data_dir(const std::string& path);

}  // namespace rpmw::app
