#include "app/runtime/ingress_setup.h"

#include <algorithm>
#include <cctype>

namespace rpmw::app {

IngressSetup ingress_setup(const Config& config, const std::vector<std::string>& webhook_tokens) {
  IngressSetup setup;
  setup.auth.token_header = config.webhook_token_header;
  std::transform(setup.auth.token_header.begin(), setup.auth.token_header.end(),
                 setup.auth.token_header.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  setup.auth.tokens = webhook_tokens;
  setup.auth.query_token_enabled = config.webhook_query_token;
  setup.auth.hmac_secrets = config.webhook_hmac_secrets;
  setup.rate =
      core::ingest::RateLimitSettings{config.ingress_rate, config.ingress_burst,
                                      config.ingress_source_rate, config.ingress_source_burst};
  setup.ingress.limits.max_body_bytes = static_cast<std::size_t>(config.max_body_bytes);
  setup.ingress.limits.max_depth = config.max_json_depth;
  setup.ingress.max_queue_depth = config.queue_max_depth;
  setup.ingress.depth_refresh = std::chrono::milliseconds(config.queue_depth_refresh_ms);
  return setup;
}

}  // namespace rpmw::app
