#pragma once
// `_HANDLER=ingress`: an API Gateway HTTP API (v2) event → the same core::ingest::Ingress the
// HTTP server uses → the API Gateway response. Status codes and bodies match app/server's routes
// for the same request (tests/unit/app/lambda/ingress_parity_test.cpp). The webhook token is
// checked inside Ingress::admit before the queue is touched, so an unauthenticated request costs
// no AWS call.
#include <string>
#include <string_view>

#include "app/lambda/lambda_events.h"
#include "core/ingest/ingress.h"
#include "core/ports/metrics.h"

namespace rpmw::app::lambda {

class IngressHandler {
 public:
  IngressHandler(core::ingest::Ingress& ingress, core::Metrics& metrics)
      : ingress_(ingress), metrics_(metrics) {}

  // The serialized API Gateway response; invalid_input when the event is not an API Gateway v2
  // event (reported to Lambda as an invocation error).
  core::Result<std::string> handle(std::string_view event);
  ApiGatewayResponse respond(const ApiGatewayRequest& request);

 private:
  core::ingest::Ingress& ingress_;
  core::Metrics& metrics_;
};

bool is_webhook_path(std::string_view path);

}  // namespace rpmw::app::lambda
