#pragma once
// Richpanel JSON (spec/04) → core types. Tolerant: the ticket bare or under "ticket", the order
// bare or under "order"; unknown fields ignored; channels mapped to the canonical set. Used by
// `rpmw replay` for recorded snapshots (and by the REST adapter).
#include <boost/json.hpp>

#include "core/common/error.h"
#include "core/ports/helpdesk.h"
#include "core/ports/order_source.h"

namespace rpmw::adapters::richpanel {

// Errors: permanent "ticket_not_an_object" / "ticket_missing_id".
core::Result<core::Ticket> ticket_from_json(const boost::json::value& value);
// Errors: permanent "order_not_an_object" / "order_missing_id".
core::Result<core::Order> order_from_json(const boost::json::value& value);

}  // namespace rpmw::adapters::richpanel
