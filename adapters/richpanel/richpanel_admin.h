#pragma once
// The Richpanel account endpoints `rpmw bootstrap` and `rpmw preflight` use (spec/04): users,
// tags (list + create), teams, channels, and the read-only ticket-by-number lookup. Lists follow
// `next_page` until it is null, with a page cap so a misbehaving server cannot loop us. Parsing is
// tolerant (the documented key, its plural/singular twin, or a bare array); only the fields
// listed here are kept, so no agent email or other PII is held.
#include <memory>
#include <string>
#include <vector>

#include "adapters/richpanel/richpanel_api.h"
#include "core/ports/helpdesk.h"

namespace rpmw::adapters::richpanel {

struct RichpanelUser {
  std::string id;
  std::string name;
  std::string role;  // empty when not sent
};

struct RichpanelTag {
  std::string id;
  std::string name;
  std::string description;
};

struct RichpanelTeam {
  std::string id;
  std::string name;
};

struct RichpanelChannel {
  std::string id;
  std::string type;
};

class RichpanelAdmin {
 public:
  static constexpr int kPerPage = 100;  // Richpanel's maximum
  static constexpr int kDefaultMaxPages = 50;

  explicit RichpanelAdmin(std::shared_ptr<RichpanelApi> api, int max_pages = kDefaultMaxPages);

  // Errors are the RichpanelApi ones, plus permanent "richpanel_unexpected_body" (no list in a
  // 2xx answer) and "richpanel_too_many_pages" (next_page still set after max_pages pages).
  core::Result<std::vector<RichpanelUser>> list_users();
  core::Result<std::vector<RichpanelTag>> list_tags();
  // The created tag as answered (fields missing from the answer are filled from the request).
  core::Result<RichpanelTag> create_tag(const std::string& name, const std::string& description);
  core::Result<std::vector<RichpanelTeam>> list_teams();  // the answer's key is "team"
  core::Result<std::vector<RichpanelChannel>> list_channels();
  core::Result<core::Ticket> get_ticket_by_number(const std::string& number);

  // X-RateLimit-Limit / -Remaining of the latest answer that carried them (-1: unknown).
  RichpanelRateLimit rate_limit() const { return api_->last_rate_limit(); }
  RichpanelApi& api() { return *api_; }

 private:
  // Every item of a paginated list under `keys` (the first present wins).
  core::Result<std::vector<boost::json::object>> list(std::string_view segment,
                                                      const std::vector<std::string_view>& keys);

  std::shared_ptr<RichpanelApi> api_;
  int max_pages_;
};

}  // namespace rpmw::adapters::richpanel
