#pragma once
// What `rpmw bootstrap` and `rpmw preflight` share: a validated configuration with a Richpanel
// key, the policy set, and the Richpanel adapters over one paced API client.
#include <memory>
#include <string>

#include "adapters/http/vendor_budget.h"
#include "adapters/richpanel/richpanel_admin.h"
#include "adapters/richpanel/richpanel_helpdesk.h"
#include "app/config/config.h"
#include "app/system/system_clock.h"
#include "core/policy/policy_set.h"

namespace rpmw::app {

class RichpanelSession {
 public:
  // Null after printing why on stderr (invalid configuration, no key, invalid policy files):
  // the caller exits 2. `command` names the command in messages.
  static std::unique_ptr<RichpanelSession> open(const ConfigResult& loaded, const char* command);

  const Config& config() const { return config_; }
  const core::policy::PolicySet& policies() const { return policies_; }
  adapters::richpanel::RichpanelAdmin& admin() { return *admin_; }
  adapters::richpanel::RichpanelOrderSource& orders() { return *orders_; }

 private:
  RichpanelSession() = default;
  Config config_;
  core::policy::PolicySet policies_;
  SystemClock clock_;  // before the budget that reads it
  std::shared_ptr<adapters::http::VendorBudget> budget_;
  std::unique_ptr<adapters::richpanel::RichpanelAdmin> admin_;
  std::unique_ptr<adapters::richpanel::RichpanelOrderSource> orders_;
};

// A Richpanel error in operator words, e.g. "Richpanel refused the API key (401/403)". Never
// includes a key, an id or a body: only the error's machine code.
std::string describe_richpanel_error(const core::Error& error);

// The webhook token the operator should paste into Richpanel: the first configured one, else the
// one `rpmw serve` generated in <data_dir>/secrets/webhook_token; empty when there is none yet.
std::string known_webhook_token(const Config& config);

}  // namespace rpmw::app
