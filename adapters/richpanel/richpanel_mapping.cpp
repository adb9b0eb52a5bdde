#include "adapters/richpanel/richpanel_mapping.h"

#include "adapters/http/json_fields.h"
#include "core/common/ascii.h"
#include "core/text/features.h"

namespace rpmw::adapters::richpanel {
namespace json = boost::json;
namespace {

std::string str(const json::object& o, std::string_view key) {
  return http::json_text(o, key);
}

std::int64_t epoch_ms(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) return 0;
  if (it->value().is_int64()) return it->value().as_int64();
  if (it->value().is_uint64()) return static_cast<std::int64_t>(it->value().as_uint64());
  if (it->value().is_double()) return static_cast<std::int64_t>(it->value().as_double());
  return 0;
}

const json::array* array_at(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_array() ? &it->value().as_array() : nullptr;
}

const json::object* object_at(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_object() ? &it->value().as_object() : nullptr;
}

const json::object* unwrap(const json::value& value, std::string_view wrapper) {
  if (!value.is_object()) return nullptr;
  const json::object& o = value.as_object();
  if (const json::object* inner = object_at(o, wrapper)) return inner;
  return &o;
}

}  // namespace

core::Result<core::Ticket> ticket_from_json(const json::value& value) {
  const json::object* t = unwrap(value, "ticket");
  if (t == nullptr) return core::fail(core::ErrorKind::permanent, "ticket_not_an_object");
  core::Ticket ticket;
  ticket.id = str(*t, "id");
  if (ticket.id.empty()) return core::fail(core::ErrorKind::permanent, "ticket_missing_id");
  ticket.number = str(*t, "conversation_no");
  ticket.status = str(*t, "status");
  for (char& c : ticket.status) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ticket.subject = str(*t, "subject");
  std::string channel = str(*t, "channel");
  const json::object* via = object_at(*t, "via");
  if (via != nullptr) channel = str(*via, "channel");
  ticket.channel = core::text::canonical_channel(channel);
  if (const json::object* profile = object_at(*t, "customer_profile")) {
    ticket.customer_email = std::string(core::trim_ascii(str(*profile, "email")));
    ticket.customer_phone = std::string(core::trim_ascii(str(*profile, "phone")));
  }
  // An email ticket's sender is the customer when the profile has no address.
  if (ticket.customer_email.empty() && ticket.channel == "email" && via != nullptr) {
    if (const json::object* source = object_at(*via, "source")) {
      if (const json::object* from = object_at(*source, "from")) {
        ticket.customer_email = std::string(core::trim_ascii(str(*from, "address")));
      }
    }
  }
  if (const json::array* tags = array_at(*t, "tags")) {
    for (const json::value& tag : *tags) {
      if (tag.is_string()) ticket.tags.emplace_back(tag.as_string());
    }
  }
  if (const json::array* comments = array_at(*t, "comments")) {
    for (const json::value& item : *comments) {
      if (!item.is_object()) continue;
      const json::object& c = item.as_object();
      core::Comment comment;
      comment.id = str(c, "id");
      comment.author_id = str(c, "author_id");
      comment.created_at = str(c, "created_at");
      comment.body_html = str(c, "body");
      comment.plain_body = str(c, "plain_body");
      auto op = c.find("is_operator");
      comment.is_operator = op != c.end() && op->value().is_bool() && op->value().as_bool();
      if (const json::object* via = object_at(c, "via")) {
        auto is_op = via->find("isOperator");
        if (is_op != via->end() && is_op->value().is_bool() && is_op->value().as_bool()) {
          comment.is_operator = true;
        }
      }
      if (const json::array* attachments = array_at(c, "attachments")) {
        comment.attachment_count = static_cast<int>(attachments->size());
      }
      ticket.comments.push_back(std::move(comment));
    }
  }
  return ticket;
}

core::Result<core::Order> order_from_json(const json::value& value) {
  const json::object* o = unwrap(value, "order");
  if (o == nullptr) return core::fail(core::ErrorKind::permanent, "order_not_an_object");
  core::Order order;
  order.order_id = str(*o, "orderId");
  if (order.order_id.empty()) return core::fail(core::ErrorKind::permanent, "order_missing_id");
  order.order_name = str(*o, "orderName");
  order.status = str(*o, "status");
  order.financial_status = str(*o, "financialStatus");
  order.fulfillment_status = str(*o, "fulfillmentStatus");
  order.created_at_ms = epoch_ms(*o, "createdAt");
  order.status_url = str(*o, "statusUrl");
  order.shipping_method = str(*o, "shippingMethod");
  // A pre-order's ship-by date, when sent: the date part of "2026-03-20" or "2026-03-20T…Z".
  order.ship_by_date = str(*o, "shipByDate").substr(0, 10);
  if (const json::array* tags = array_at(*o, "tags")) {
    for (const json::value& tag : *tags) {
      if (tag.is_string()) order.tags.emplace_back(tag.as_string());
    }
  }
  if (const json::array* fulfillments = array_at(*o, "fulfillment")) {
    for (const json::value& item : *fulfillments) {
      if (!item.is_object()) continue;
      const json::object& f = item.as_object();
      core::Fulfillment fulfillment;
      fulfillment.status = str(f, "status");
      fulfillment.created_at_ms = epoch_ms(f, "createdAt");
      if (const json::array* tracking = array_at(f, "tracking")) {
        for (const json::value& t : *tracking) {
          if (!t.is_object()) continue;
          const json::object& to = t.as_object();
          fulfillment.tracking.push_back(
              core::Tracking{str(to, "trackingNumber"), str(to, "trackingCompany"),
                             str(to, "trackingUrl"), str(to, "shippingDate")});
        }
      }
      order.fulfillments.push_back(std::move(fulfillment));
    }
  }
  return order;
}

}  // namespace rpmw::adapters::richpanel
