#pragma once
// What one Lambda sandbox keeps between invocations: the ports (lambda_runtime.h), the handler
// they serve, and the objects the handler needs (Ingress for `ingress`; flags, decision engine,
// Richpanel adapters and Pipeline for `worker`). Built once at init.
#include <memory>
#include <string>
#include <vector>

#include "adapters/observability/emf_metrics.h"
#include "adapters/observability/json_line_log.h"
#include "app/lambda/ingress_handler.h"
#include "app/lambda/lambda_runtime.h"
#include "app/lambda/runtime_api_client.h"
#include "app/lambda/worker_handler.h"
#include "app/runtime/decision_stack.h"
#include "app/system/system_clock.h"
#include "core/ingest/ingress.h"

namespace rpmw::app::lambda {

class LambdaApp {
 public:
  // `function_name`: AWS_LAMBDA_FUNCTION_NAME, a property of the EMF lines.
  static tl::expected<std::unique_ptr<LambdaApp>, InitError> create(
      const Config& config, HandlerKind kind, const std::string& function_name);

  // The response body for one invocation, or the error reported to Lambda (its code becomes the
  // errorMessage; Runtime.* errorType by kind).
  core::Result<std::string> invoke(const Invocation& invocation);
  core::EventLog& log() { return *log_; }
  // Writes the metrics recorded since the last call as CloudWatch EMF lines to stdout (the log
  // stream); nothing when nothing changed. Returns the number of lines.
  std::size_t flush_metrics();

 private:
  LambdaApp() = default;
  tl::expected<void, InitError> build_ingress();
  tl::expected<void, InitError> build_worker();

  HandlerKind kind_ = HandlerKind::ingress;
  SystemClock clock_;
  SystemRandom random_;
  LambdaPorts ports_;
  std::unique_ptr<adapters::observability::JsonLineLog> log_;
  // What changed per invocation, printed as EMF lines (no /metrics endpoint on Lambda).
  std::unique_ptr<adapters::observability::EmfMetrics> metrics_;

  std::unique_ptr<core::ingest::RateLimiter> limiter_;
  std::unique_ptr<core::ingest::Ingress> ingress_;
  std::unique_ptr<IngressHandler> ingress_handler_;

  std::unique_ptr<DecisionStack> stack_;
  std::unique_ptr<WorkerHandler> worker_handler_;
};

}  // namespace rpmw::app::lambda
