#pragma once
// core::Helpdesk and core::OrderSource over the Richpanel REST API (spec/04). Both share one
// RichpanelApi (key, retries, handle pool) so a process can hold one per account.
#include <memory>
#include <string>
#include <vector>

#include "adapters/richpanel/richpanel_api.h"
#include "core/ports/helpdesk.h"
#include "core/ports/order_source.h"

namespace rpmw::adapters::richpanel {

class RichpanelHelpdesk final : public core::Helpdesk {
 public:
  explicit RichpanelHelpdesk(std::shared_ptr<RichpanelApi> api);
  explicit RichpanelHelpdesk(RichpanelSettings settings);

  core::Result<core::Ticket> get_ticket(const std::string& ticket_id) override;
  core::Status add_tags(const std::string& ticket_id,
                        const std::vector<std::string>& tags) override;
  core::Status remove_tags(const std::string& ticket_id,
                           const std::vector<std::string>& tags) override;
  core::Status send_message(const std::string& ticket_id, const std::string& body,
                            const std::string& author_id) override;
  core::Status add_public_comment(const std::string& ticket_id, const std::string& body) override;
  // OPEN or CLOSED in any case (sent upper-cased); anything else is permanent "invalid_status"
  // without a request, since Richpanel would answer 400.
  core::Status set_status(const std::string& ticket_id, const std::string& status) override;

 private:
  core::Status tags(const std::string& ticket_id, const char* action,
                    const std::vector<std::string>& tags);

  std::shared_ptr<RichpanelApi> api_;
};

class RichpanelOrderSource final : public core::OrderSource {
 public:
  explicit RichpanelOrderSource(std::shared_ptr<RichpanelApi> api);
  explicit RichpanelOrderSource(RichpanelSettings settings);

  // Richpanel links at most one order: {} reads as none.
  core::Result<std::vector<core::OrderLink>> linked_orders(const std::string& ticket_id) override;
  core::Result<core::Order> get_order(const core::OrderLink& link) override;

 private:
  std::shared_ptr<RichpanelApi> api_;
};

}  // namespace rpmw::adapters::richpanel
