#include "app/cli/richpanel_session.h"

#include <fstream>
#include <iostream>

#include "app/cli/commands.h"
#include "app/policy/policy_loader.h"
#include "app/runtime/runtime.h"

namespace rpmw::app {

std::unique_ptr<RichpanelSession> RichpanelSession::open(const ConfigResult& loaded,
                                                         const char* command) {
  if (!loaded.ok()) {
    report_config_errors(loaded);
    return nullptr;
  }
  if (loaded.config.richpanel_api_key.empty()) {
    std::cerr << "rpmw " << command
              << ": RPMW_RICHPANEL_API_KEY is not set; it needs the Richpanel API key of the "
                 "account (and RPMW_RICHPANEL_BASE_URL for anything but api.richpanel.com)\n";
    return nullptr;
  }
  PolicyLoad load = load_policies({loaded.config.policies_dir, loaded.config.templates_dir});
  if (!load.ok()) {
    std::cerr << "rpmw " << command << ": the policy files are invalid:\n";
    for (const std::string& e : load.errors) std::cerr << "  - " << e << "\n";
    return nullptr;
  }

  std::unique_ptr<RichpanelSession> session(new RichpanelSession());
  session->config_ = loaded.config;
  session->policies_ = std::move(load.set);
  const Config& c = session->config_;
  // The same settings and pacing as the worker: these commands share the account's budget with
  // everything else that talks to Richpanel.
  adapters::richpanel::RichpanelSettings settings = richpanel_settings(c, session->clock_);
  session->budget_ = settings.budget;
  auto api = std::make_shared<adapters::richpanel::RichpanelApi>(std::move(settings));
  session->admin_ = std::make_unique<adapters::richpanel::RichpanelAdmin>(api);
  session->orders_ = std::make_unique<adapters::richpanel::RichpanelOrderSource>(api);
  return session;
}

std::string describe_richpanel_error(const core::Error& error) {
  const std::string& code = error.code;
  if (code == "richpanel_auth") return "Richpanel refused the API key (HTTP 401/403)";
  if (code == "richpanel_not_found") return "not found in Richpanel (HTTP 404)";
  if (code == "richpanel_429" || code == "richpanel_budget") {
    return "rate limited by Richpanel; try again in a minute (" + code + ")";
  }
  if (code == "richpanel_5xx") return "Richpanel answered with a server error (HTTP 5xx)";
  if (code == "richpanel_timeout") return "Richpanel did not answer in time";
  if (code == "richpanel_connect_failed") {
    return "cannot connect to Richpanel (check RPMW_RICHPANEL_BASE_URL and the network)";
  }
  if (code == "richpanel_egress_denied" || code == "richpanel_invalid_url") {
    return "RPMW_RICHPANEL_BASE_URL is not a usable http(s) URL (" + code + ")";
  }
  if (code == "richpanel_redirect_not_followed") {
    return "Richpanel answered with a redirect, which rpmw never follows (check the base URL)";
  }
  return "Richpanel call failed (" + code + ")";
}

std::string known_webhook_token(const Config& config) {
  if (!config.webhook_tokens.empty()) return config.webhook_tokens.front();
  std::ifstream in(config.data_dir + "/secrets/webhook_token");
  std::string token;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  return token;
}

}  // namespace rpmw::app
