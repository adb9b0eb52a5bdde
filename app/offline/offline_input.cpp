#include "app/offline/offline_input.h"

#include <boost/json.hpp>

#include "adapters/richpanel/richpanel_mapping.h"
#include "core/pipeline/pipeline.h"

namespace rpmw::app {
namespace json = boost::json;
namespace {

std::string str(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().as_string())
                                                  : std::string();
}

}  // namespace

core::Result<OfflineEvent> parse_offline_event(std::string_view line, int line_number) {
  boost::system::error_code ec;
  json::value value = json::parse(line, ec);
  if (ec) return core::fail(core::ErrorKind::invalid_input, "invalid_json");
  if (!value.is_object()) return core::fail(core::ErrorKind::invalid_input, "not_an_object");
  const json::object& o = value.as_object();
  OfflineEvent event;
  if (auto it = o.find("webhook"); it != o.end() && it->value().is_object()) {
    const json::object& w = it->value().as_object();
    event.webhook.ticket_id = str(w, "ticket_id");
    if (event.webhook.ticket_id.empty()) event.webhook.ticket_id = str(w, "conversation_id");
    event.webhook.message_id = str(w, "message_id");
    event.webhook.channel = str(w, "channel");
    event.webhook.customer_message = str(w, "customer_message");
    if (event.webhook.customer_message.empty()) event.webhook.customer_message = str(w, "message");
  }
  event.id = str(o, "example_id");
  if (event.id.empty()) event.id = event.webhook.message_id;
  if (event.id.empty()) event.id = "line-" + std::to_string(line_number);

  if (auto it = o.find("ticket"); it != o.end() && !it->value().is_null()) {
    auto ticket = adapters::richpanel::ticket_from_json(it->value());
    if (!ticket)
      return core::fail(core::ErrorKind::invalid_input, "bad_ticket:" + ticket.error().code);
    event.ticket = std::move(*ticket);
  } else {
    std::string text = str(o, "text");
    if (text.empty()) text = event.webhook.customer_message;
    std::string channel = str(o, "channel");
    if (channel.empty()) channel = event.webhook.channel;
    std::string ticket_id =
        event.webhook.ticket_id.empty() ? "offline-" + event.id : event.webhook.ticket_id;
    if (text.empty() && event.webhook.ticket_id.empty() && o.find("text") == o.end()) {
      return core::fail(core::ErrorKind::invalid_input, "missing_ticket");
    }
    const std::string comment_id =
        event.webhook.message_id.empty() ? "c-" + event.id : event.webhook.message_id;
    event.ticket = core::pipeline::synthetic_ticket(ticket_id, comment_id, channel, text);
  }
  if (event.webhook.ticket_id.empty()) event.webhook.ticket_id = event.ticket.id;
  if (auto it = o.find("order"); it != o.end() && !it->value().is_null()) {
    auto order = adapters::richpanel::order_from_json(it->value());
    if (!order)
      return core::fail(core::ErrorKind::invalid_input, "bad_order:" + order.error().code);
    event.order = std::move(*order);
  }
  return event;
}

}  // namespace rpmw::app
