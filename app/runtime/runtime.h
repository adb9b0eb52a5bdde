#pragma once
// Wiring of the long-running processes and the operator CLI, per profile: `local` (SQLite queue,
// state and flags under the data dir) or `aws` (SQS FIFO, DynamoDB, SSM, Secrets Manager; e.g.
// `rpmw worker` polling SQS on a VM), with JSON logs, Prometheus metrics and the pipeline.
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
#include "app/runtime/aws_backends.h"
#include "app/runtime/decision_stack.h"
#include "app/runtime/engine_kit.h"
#include "app/system/system_clock.h"
#include "core/flags/flag_service.h"
#include "core/pipeline/pipeline.h"
#include "core/templates/catalog.h"

namespace rpmw::app {

class Runtime {
 public:
  // `problems` receives readable lines when the policy files are invalid ("policies_invalid").
  // `problems` also receives the unreadable secrets of the aws profile ("secrets_unavailable").
  static core::Result<std::unique_ptr<Runtime>> open(const Config& config,
                                                     std::vector<std::string>* problems = nullptr);

  const Config& config() const { return config_; }
  SystemClock& clock() { return clock_; }
  SystemRandom& random() { return random_; }
  adapters::observability::JsonLineLog& log() { return *log_; }
  adapters::observability::PrometheusMetrics& metrics() { return metrics_; }
  core::EventQueue& queue() { return *queue_; }
  core::StateStore& state() { return *state_; }
  core::flags::FlagService& flags() { return stack_->flags(); }
  core::pipeline::Pipeline& pipeline() { return stack_->pipeline(); }
  EngineKit& engine() { return stack_->engine(); }
  const core::templates::Catalog& catalog() const { return stack_->catalog(); }
  // The Richpanel adapters; null without RPMW_RICHPANEL_API_KEY (decisions are only recorded).
  core::Helpdesk* helpdesk() { return stack_->helpdesk(); }
  // The Shopify order search; null unless RPMW_SHOPIFY_SHOP and RPMW_SHOPIFY_ACCESS_TOKEN are set.
  core::OrderSearch* order_search() { return stack_->order_search(); }

  // aws: reads the webhook tokens from Secrets Manager unless configured (env wins); a no-op on
  // the local profile, whose tokens are generated under the data dir.
  core::Status resolve_webhook_tokens();

  // Deletes expired state rows and dedup keys; logs the counts.
  void purge();

 private:
  explicit Runtime(Config config);

  Config config_;
  SystemClock clock_;
  SystemRandom random_;
  std::unique_ptr<adapters::observability::JsonLineLog> log_;
  adapters::observability::PrometheusMetrics metrics_;
  core::Result<void> open_local();
  core::Result<void> open_aws(std::vector<std::string>* problems);

  std::unique_ptr<AwsBackends> aws_;  // before the adapters that call through its clients
  std::unique_ptr<core::EventQueue> queue_;
  adapters::sqlite::SqliteEventQueue* sqlite_queue_ = nullptr;  // local: the dedup purge
  std::unique_ptr<core::StateStore> state_;
  std::unique_ptr<core::FlagStore> flag_store_;
  std::unique_ptr<DecisionStack> stack_;
};

// The Richpanel client settings of a configuration, with a fresh shared request budget.
adapters::richpanel::RichpanelSettings richpanel_settings(const Config& config,
                                                          const core::Clock& clock);

// The Shopify client settings of a configuration (the caller checks shop and token are set).
adapters::shopify::ShopifySettings shopify_settings(const Config& config);

// Creates the data dir (0700) when missing; error text for the user on failure.
std::string ensure_data_dir(const std::string& path);

}  // namespace rpmw::app
