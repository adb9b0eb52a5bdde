#pragma once
// The webhook ingress settings of a configuration, shared by the HTTP server and the Lambda
// ingress handler so both check requests exactly alike.
#include <string>
#include <vector>

#include "app/config/config.h"
#include "core/ingest/ingress.h"

namespace rpmw::app {

struct IngressSetup {
  core::ingest::AuthSettings auth;
  core::ingest::RateLimitSettings rate;
  core::ingest::IngressSettings ingress;
};

IngressSetup ingress_setup(const Config& config, const std::vector<std::string>& webhook_tokens);

}  // namespace rpmw::app
