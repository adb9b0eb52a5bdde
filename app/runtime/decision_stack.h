#pragma once
// The worker side every driver builds the same way (serve/worker, the CLI, the Lambda worker):
// the flags over a flag store, the Richpanel and Shopify adapters, the decision engine, the
// template catalog and the pipeline over a state store.
#include <memory>
#include <string>
#include <vector>

#include "adapters/richpanel/richpanel_helpdesk.h"
#include "adapters/shopify/shopify_order_search.h"
#include "app/config/config.h"
#include "app/runtime/engine_kit.h"
#include "core/flags/flag_service.h"
#include "core/pipeline/pipeline.h"
#include "core/ports/event_log.h"
#include "core/ports/flag_store.h"
#include "core/ports/metrics.h"
#include "core/ports/state_store.h"
#include "core/templates/catalog.h"

namespace rpmw::app {

struct DecisionStackDeps {
  const Config& config;  // secrets resolved
  core::StateStore& state;
  core::FlagStore& flag_store;
  const core::Clock& clock;
  core::EventLog& log;
  core::Metrics& metrics;
};

class DecisionStack {
 public:
  // Null with one readable line per problem when the policy or template files are invalid.
  static std::unique_ptr<DecisionStack> create(const DecisionStackDeps& deps,
                                               std::vector<std::string>& problems);

  core::flags::FlagService& flags() { return *flags_; }
  core::pipeline::Pipeline& pipeline() { return *pipeline_; }
  EngineKit& engine() { return *engine_; }
  const core::templates::Catalog& catalog() const { return catalog_; }
  // The Richpanel adapters; null without a Richpanel key (decisions are only recorded).
  core::Helpdesk* helpdesk() { return helpdesk_.get(); }
  // The Shopify order search; null unless the shop and its token are set.
  core::OrderSearch* order_search() { return order_search_.get(); }

 private:
  DecisionStack() = default;
  std::unique_ptr<core::flags::FlagService> flags_;
  std::unique_ptr<adapters::richpanel::RichpanelHelpdesk> helpdesk_;
  std::unique_ptr<adapters::richpanel::RichpanelOrderSource> orders_;
  std::unique_ptr<adapters::shopify::ShopifyOrderSearch> order_search_;
  std::unique_ptr<EngineKit> engine_;
  core::templates::Catalog catalog_;
  std::unique_ptr<core::pipeline::Pipeline> pipeline_;
};

}  // namespace rpmw::app
