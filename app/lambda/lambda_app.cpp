#include "app/lambda/lambda_app.h"

#include <algorithm>

#include "app/runtime/runtime.h"
#include "app/runtime/vendor_call_log.h"
#include "app/templates/catalog_loader.h"

namespace rpmw::app::lambda {

tl::expected<std::unique_ptr<LambdaApp>, InitError> LambdaApp::create(
    const Config& config, HandlerKind kind, const std::string& function_name) {
  std::unique_ptr<LambdaApp> app(new LambdaApp());
  app->kind_ = kind;
  core::LogLevel level = core::LogLevel::info;
  core::parse_log_level(config.log_level, level);
  app->log_ = std::make_unique<adapters::observability::JsonLineLog>(level, RPMW_RELEASE,
                                                                     config.env, app->clock_);
  app->metrics_ = std::make_unique<adapters::observability::EmfMetrics>(
      adapters::observability::EmfContext{"rpmw", config.env, RPMW_RELEASE, function_name},
      app->clock_);
  auto ports = make_lambda_ports(config, kind, app->clock_, app->random_);
  if (!ports) return tl::unexpected(ports.error());
  app->ports_ = std::move(*ports);
  auto built = kind == HandlerKind::ingress ? app->build_ingress() : app->build_worker();
  if (!built) return tl::unexpected(built.error());
  return app;
}

tl::expected<void, InitError> LambdaApp::build_ingress() {
  const Config& config = ports_.config;
  core::ingest::AuthSettings auth;
  auth.token_header = config.webhook_token_header;
  std::transform(auth.token_header.begin(), auth.token_header.end(), auth.token_header.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auth.tokens = config.webhook_tokens;
  auth.query_token_enabled = config.webhook_query_token;
  auth.hmac_secrets = config.webhook_hmac_secrets;
  // Per sandbox: API Gateway's stage throttling is the real limit; this one only caps a burst on
  // one warm instance.
  core::ingest::RateLimitSettings rate{config.ingress_rate, config.ingress_burst,
                                       config.ingress_source_rate, config.ingress_source_burst};
  limiter_ = std::make_unique<core::ingest::RateLimiter>(rate, clock_);
  core::ingest::IngressSettings settings;
  settings.limits.max_body_bytes = static_cast<std::size_t>(config.max_body_bytes);
  settings.limits.max_depth = config.max_json_depth;
  settings.max_queue_depth = config.queue_max_depth;
  settings.depth_refresh = std::chrono::milliseconds(config.queue_depth_refresh_ms);
  ingress_ = std::make_unique<core::ingest::Ingress>(
      settings, core::ingest::Authenticator(auth, clock_), *limiter_, *ports_.queue, clock_,
      random_, *log_, *metrics_);
  ingress_handler_ = std::make_unique<IngressHandler>(*ingress_, *metrics_);
  return {};
}

tl::expected<void, InitError> LambdaApp::build_worker() {
  const Config& config = ports_.config;
  core::flags::FlagDefaults defaults;
  defaults.richpanel_configured = !config.richpanel_api_key.empty();
  defaults.llm_configured = !config.llm_base_url.empty();
  defaults.initial = config.flags;
  flags_ = std::make_unique<core::flags::FlagService>(
      *ports_.flag_store, clock_, *log_, defaults, std::chrono::seconds(config.flag_cache_ttl_s));
  if (!config.richpanel_api_key.empty()) {
    adapters::richpanel::RichpanelSettings settings = richpanel_settings(config, clock_);
    settings.observer = vendor_call_log(*log_, *metrics_);
    auto api = std::make_shared<adapters::richpanel::RichpanelApi>(std::move(settings));
    helpdesk_ = std::make_unique<adapters::richpanel::RichpanelHelpdesk>(api);
    orders_ = std::make_unique<adapters::richpanel::RichpanelOrderSource>(api);
  }
  if (!config.shopify_shop.empty() && !config.shopify_access_token.empty()) {
    adapters::shopify::ShopifySettings settings = shopify_settings(config);
    settings.observer = vendor_call_log(*log_, *metrics_);
    order_search_ = std::make_unique<adapters::shopify::ShopifyOrderSearch>(std::move(settings));
  }
  std::vector<std::string> errors;
  engine_ = EngineKit::create(PolicySources{config.policies_dir, config.templates_dir},
                              EngineOptions{.orders = orders_.get(),
                                            .order_search = order_search_.get(),
                                            .llm_options = llm_options_of(config)},
                              errors);
  CatalogLoad templates = load_template_catalog(config.templates_dir);
  for (std::string& e : templates.errors) errors.push_back(std::move(e));
  if (!engine_ || !errors.empty()) {
    std::string message = "the policy files are invalid:";
    for (const std::string& e : errors) message += " " + e + ";";
    return tl::unexpected(InitError{"Runtime.ConfigInvalid", message});
  }
  catalog_ = std::move(templates.catalog);
  core::pipeline::PipelineDeps deps{*ports_.state,   *flags_,   clock_,
                                    *log_,           *metrics_, engine_->engine(),
                                    helpdesk_.get(), &catalog_, config.richpanel_bot_author_id};
  pipeline_ = std::make_unique<core::pipeline::Pipeline>(deps);
  WorkerHandlerSettings settings;
  settings.max_receives = config.queue_max_receives;
  settings.event_deadline = std::chrono::seconds(config.event_deadline_s());
  worker_handler_ = std::make_unique<WorkerHandler>(
      WorkerHandlerDeps{*pipeline_, ports_.queue.get(), clock_, random_, *log_, *metrics_,
                        ports_.send_dead},
      settings);
  return {};
}

std::size_t LambdaApp::flush_metrics() {
  return metrics_->flush(adapters::observability::FileLineSink::standard_output());
}

core::Result<std::string> LambdaApp::invoke(const Invocation& invocation) {
  if (kind_ == HandlerKind::ingress) return ingress_handler_->handle(invocation.payload);
  return worker_handler_->handle(invocation.payload, invocation.deadline_ms);
}

}  // namespace rpmw::app::lambda
