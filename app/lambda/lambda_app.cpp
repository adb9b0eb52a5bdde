#include "app/lambda/lambda_app.h"

#include "app/runtime/ingress_setup.h"

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
  const IngressSetup setup = ingress_setup(config, config.webhook_tokens);
  // Per sandbox: API Gateway's stage throttling is the real limit; this one only caps a burst on
  // one warm instance.
  limiter_ = std::make_unique<core::ingest::RateLimiter>(setup.rate, clock_);
  ingress_ = std::make_unique<core::ingest::Ingress>(
      setup.ingress, core::ingest::Authenticator(setup.auth, clock_), *limiter_, *ports_.queue,
      clock_, random_, *log_, *metrics_);
  ingress_handler_ = std::make_unique<IngressHandler>(*ingress_, *metrics_);
  return {};
}

tl::expected<void, InitError> LambdaApp::build_worker() {
  const Config& config = ports_.config;
  std::vector<std::string> errors;
  stack_ = DecisionStack::create(
      DecisionStackDeps{config, *ports_.state, *ports_.flag_store, clock_, *log_, *metrics_},
      errors);
  if (!stack_) {
    std::string message = "the policy files are invalid:";
    for (const std::string& e : errors) message += " " + e + ";";
    return tl::unexpected(InitError{"Runtime.ConfigInvalid", message});
  }
  WorkerHandlerSettings settings;
  settings.max_receives = config.queue_max_receives;
  settings.event_deadline = std::chrono::seconds(config.event_deadline_s());
  worker_handler_ = std::make_unique<WorkerHandler>(
      WorkerHandlerDeps{stack_->pipeline(), ports_.queue.get(), clock_, random_, *log_, *metrics_,
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
