#include "app/runtime/decision_stack.h"

#include "app/runtime/runtime.h"
#include "app/runtime/vendor_call_log.h"
#include "app/templates/catalog_loader.h"

namespace rpmw::app {

std::unique_ptr<DecisionStack> DecisionStack::create(const DecisionStackDeps& deps,
                                                     std::vector<std::string>& problems) {
  const Config& config = deps.config;
  std::unique_ptr<DecisionStack> stack(new DecisionStack());
  core::flags::FlagDefaults defaults;
  defaults.richpanel_configured = !config.richpanel_api_key.empty();
  defaults.llm_configured = !config.llm_base_url.empty();
  defaults.initial = config.flags;
  stack->flags_ =
      std::make_unique<core::flags::FlagService>(deps.flag_store, deps.clock, deps.log, defaults,
                                                 std::chrono::seconds(config.flag_cache_ttl_s));
  if (!config.richpanel_api_key.empty()) {
    adapters::richpanel::RichpanelSettings settings = richpanel_settings(config, deps.clock);
    settings.observer = vendor_call_log(deps.log, deps.metrics);
    auto api = std::make_shared<adapters::richpanel::RichpanelApi>(std::move(settings));
    stack->helpdesk_ = std::make_unique<adapters::richpanel::RichpanelHelpdesk>(api);
    stack->orders_ = std::make_unique<adapters::richpanel::RichpanelOrderSource>(api);
  }
  if (!config.shopify_shop.empty() && !config.shopify_access_token.empty()) {
    adapters::shopify::ShopifySettings settings = shopify_settings(config);
    settings.observer = vendor_call_log(deps.log, deps.metrics);
    stack->order_search_ =
        std::make_unique<adapters::shopify::ShopifyOrderSearch>(std::move(settings));
  }
  std::vector<std::string> errors;
  stack->engine_ = EngineKit::create(PolicySources{config.policies_dir, config.templates_dir},
                                     EngineOptions{.orders = stack->orders_.get(),
                                                   .order_search = stack->order_search_.get(),
                                                   .llm_options = llm_options_of(config)},
                                     errors);
  CatalogLoad templates = load_template_catalog(config.templates_dir);
  for (std::string& e : templates.errors) errors.push_back(std::move(e));
  if (!stack->engine_ || !errors.empty()) {
    problems = std::move(errors);
    return nullptr;
  }
  stack->catalog_ = std::move(templates.catalog);
  core::pipeline::PipelineDeps pipeline{deps.state,
                                        *stack->flags_,
                                        deps.clock,
                                        deps.log,
                                        deps.metrics,
                                        stack->engine_->engine(),
                                        stack->helpdesk_.get(),
                                        &stack->catalog_,
                                        config.richpanel_bot_author_id};
  stack->pipeline_ = std::make_unique<core::pipeline::Pipeline>(pipeline);
  stack->pipeline_->set_event_deadline(std::chrono::seconds(config.event_deadline_s()));
  return stack;
}

}  // namespace rpmw::app
