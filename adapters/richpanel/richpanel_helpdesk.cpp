#include "adapters/richpanel/richpanel_helpdesk.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "adapters/richpanel/richpanel_mapping.h"

namespace rpmw::adapters::richpanel {
namespace json = boost::json;
using core::ErrorKind;

namespace {

core::Status done(const core::Result<json::value>& result) {
  if (!result) return tl::unexpected(result.error());
  return {};
}

std::string string_at(const json::object& o, std::string_view key) {
  const auto* value = o.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : std::string();
}

}  // namespace

RichpanelHelpdesk::RichpanelHelpdesk(std::shared_ptr<RichpanelApi> api) : api_(std::move(api)) {}

RichpanelHelpdesk::RichpanelHelpdesk(RichpanelSettings settings)
    : api_(std::make_shared<RichpanelApi>(std::move(settings))) {}

core::Result<core::Ticket> RichpanelHelpdesk::get_ticket(const std::string& ticket_id) {
  auto answer = api_->call("GET", {"tickets", ticket_id});
  if (!answer) return tl::unexpected(answer.error());
  const auto* top = answer->if_object();
  if (top == nullptr || top->if_contains("ticket") == nullptr) {
    return core::fail(ErrorKind::permanent, "richpanel_unexpected_body");
  }
  return ticket_from_json(*answer);
}

core::Status RichpanelHelpdesk::tags(const std::string& ticket_id, const char* action,
                                     const std::vector<std::string>& tags) {
  json::array names;
  for (const auto& tag : tags) names.emplace_back(tag);
  const json::value body = json::object{{"tags", std::move(names)}};
  return done(api_->call("PUT", {"tickets", ticket_id, action}, &body));
}

core::Status RichpanelHelpdesk::add_tags(const std::string& ticket_id,
                                         const std::vector<std::string>& tags) {
  return this->tags(ticket_id, "add-tags", tags);
}

core::Status RichpanelHelpdesk::remove_tags(const std::string& ticket_id,
                                            const std::vector<std::string>& tags) {
  return this->tags(ticket_id, "remove-tags", tags);
}

core::Status RichpanelHelpdesk::send_message(const std::string& ticket_id, const std::string& body,
                                             const std::string& author_id) {
  const json::value request = json::object{{"body", body}, {"author_id", author_id}};
  return done(api_->call("PUT", {"tickets", ticket_id, "send-message"}, &request));
}

core::Status RichpanelHelpdesk::add_public_comment(const std::string& ticket_id,
                                                   const std::string& body) {
  // Wrapped in "ticket": top-level fields are a 400 (spec/04).
  const json::value request =
      json::object{{"ticket", {{"comment", {{"body", body}, {"type", "public"}}}}}};
  return done(api_->call("PUT", {"tickets", ticket_id}, &request));
}

core::Status RichpanelHelpdesk::set_status(const std::string& ticket_id,
                                           const std::string& status) {
  std::string upper = status;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (upper != "OPEN" && upper != "CLOSED") {
    return core::fail(ErrorKind::permanent, "invalid_status");
  }
  const json::value request = json::object{{"ticket", {{"status", upper}}}};
  return done(api_->call("PUT", {"tickets", ticket_id}, &request));
}

RichpanelOrderSource::RichpanelOrderSource(std::shared_ptr<RichpanelApi> api)
    : api_(std::move(api)) {}

RichpanelOrderSource::RichpanelOrderSource(RichpanelSettings settings)
    : api_(std::make_shared<RichpanelApi>(std::move(settings))) {}

core::Result<std::vector<core::OrderLink>> RichpanelOrderSource::linked_orders(
    const std::string& ticket_id) {
  auto answer = api_->call("GET", {"order", ticket_id});
  if (!answer) return tl::unexpected(answer.error());
  const auto* top = answer->if_object();
  if (top == nullptr) return core::fail(ErrorKind::permanent, "richpanel_unexpected_body");
  std::vector<core::OrderLink> links;
  core::OrderLink link{string_at(*top, "orderId"), string_at(*top, "appClientId")};
  if (!link.order_id.empty() && !link.app_client_id.empty()) links.push_back(std::move(link));
  return links;
}

core::Result<core::Order> RichpanelOrderSource::get_order(const core::OrderLink& link) {
  if (link.order_id.empty() || link.app_client_id.empty()) {
    return core::fail(ErrorKind::invalid_input, "order_link_incomplete");
  }
  auto answer = api_->call("GET", {"order", link.app_client_id, link.order_id});
  if (!answer) return tl::unexpected(answer.error());
  return order_from_json(*answer);
}

}  // namespace rpmw::adapters::richpanel
