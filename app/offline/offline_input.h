#pragma once
// One recorded event of a replay or golden file: the webhook body, an optional Richpanel ticket
// snapshot and linked order, or just `text` + `channel` (then a synthetic one-comment ticket).
#include <optional>
#include <string>
#include <string_view>

#include "core/common/error.h"
#include "core/ingest/webhook.h"
#include "core/ports/helpdesk.h"
#include "core/ports/order_source.h"

namespace rpmw::app {

struct OfflineEvent {
  std::string id;  // example_id, else the webhook's message_id, else "line-<n>"
  core::ingest::WebhookEvent webhook;
  core::Ticket ticket;
  std::optional<core::Order> order;
};

// Error codes: invalid_json, not_an_object, missing_ticket (no ticket, webhook ticket_id or text),
// bad_ticket:<code>, bad_order:<code>.
core::Result<OfflineEvent> parse_offline_event(std::string_view line, int line_number);

}  // namespace rpmw::app
