// Tickets (read, by number, update, tags, send-message) and orders of the fake Richpanel.
#include <algorithm>

#include "tests/fakes/fake_richpanel_server_state.h"

namespace rpmw::fakes::detail {
namespace json = boost::json;

namespace {

constexpr const char* kCreatedAt = "2026-02-10T03:40:01.120Z";

std::string channel_of(const json::object& ticket) {
  if (const auto* via = ticket.if_contains("via"); via != nullptr && via->is_object()) {
    return string_at(via->get_object(), "channel");
  }
  return string_at(ticket, "channel");
}

std::optional<std::vector<std::string>> tag_list(const json::value& body) {
  const auto* top = body.if_object();
  const auto* tags = top != nullptr ? top->if_contains("tags") : nullptr;
  if (tags == nullptr || !tags->is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& t : tags->get_array()) {
    if (!t.is_string()) return std::nullopt;
    out.emplace_back(t.get_string());
  }
  return out;
}

std::string number_text(const json::value& number) {
  return number.is_string() ? std::string(number.get_string()) : json::serialize(number);
}

}  // namespace

void ServerState::put_ticket(const json::value& value) {
  const json::object* t = unwrap(value, "ticket");
  if (t == nullptr) return;
  const std::string id = string_at(*t, "id");
  if (!id.empty()) data.tickets[id] = *t;
}

void ServerState::link_order(const std::string& ticket_id, const json::value& order_json,
                             const std::string& app_client_id) {
  const json::object* order = unwrap(order_json, "order");
  const std::string order_id = order != nullptr ? string_at(*order, "orderId") : std::string();
  data.links[ticket_id] = json::object{{"orderId", order_id}, {"appClientId", app_client_id}};
  data.orders[{app_client_id, order_id}] = order_json;
}

void ServerState::append_comment(json::object& ticket, std::string author, std::string body,
                                 std::string type) {
  json::value& comments = ticket["comments"];
  if (!comments.is_array()) comments = json::array();
  const std::string channel = channel_of(ticket);
  comments.as_array().push_back(json::object{
      {"id", "fake-comment-" + std::to_string(next_comment++)},
      {"author_id", std::move(author)},
      {"created_at", kCreatedAt},
      {"body", body},
      {"plain_body", body},
      {"type", std::move(type)},
      {"is_operator", true},
      {"attachments", json::array()},
      {"via", {{"channel", channel}, {"isOperator", true}}},
  });
}

Reply ServerState::update(json::object& ticket, const json::value& body) {
  const json::object* top = body.if_object();
  if (top == nullptr) return invalid({"ticket", nullptr});
  for (const auto& [name, value] : *top) {
    if (name != "ticket") return invalid({std::string(name), value});  // unwrapped field
  }
  const json::value* wrapped = top->if_contains("ticket");
  if (wrapped == nullptr || !wrapped->is_object()) return invalid({"ticket", nullptr});
  const json::object& fields = wrapped->get_object();
  const json::value* status = fields.if_contains("status");
  if (status != nullptr && (!status->is_string() ||
                            (status->get_string() != "OPEN" && status->get_string() != "CLOSED"))) {
    return invalid({"ticket.status", *status});
  }
  const json::value* comment = fields.if_contains("comment");
  const json::string* comment_body = nullptr;
  if (comment != nullptr) {
    const auto* c = comment->if_object();
    const auto* b = c != nullptr ? c->if_contains("body") : nullptr;
    if (b == nullptr || !b->is_string()) return invalid({"ticket.comment.body", nullptr});
    comment_body = &b->get_string();
  }
  const json::value* assignee = fields.if_contains("assignee_id");
  if (assignee != nullptr && !assignee->is_string()) {
    return invalid({"ticket.assignee_id", *assignee});
  }
  // Valid: apply. `state` is accepted and ignored, like the real API.
  if (status != nullptr) ticket["status"] = *status;
  if (assignee != nullptr) ticket["assignee_id"] = *assignee;
  if (comment_body != nullptr) {
    std::string type = string_at(comment->get_object(), "type");
    append_comment(ticket, FakeRichpanelServer::kOperatorId, std::string(*comment_body),
                   type.empty() ? "public" : type);
  }
  return json_reply(json::object{{"ticket", ticket}});
}

Reply ServerState::tags(json::object& ticket, const json::value& body, bool add) {
  const auto names = tag_list(body);
  if (!names) return invalid({"tags", nullptr});
  json::value& current = ticket["tags"];
  if (!current.is_array()) current = json::array();
  json::array& list = current.as_array();
  for (const auto& name : *names) {
    const auto it = std::find_if(list.begin(), list.end(), [&](const json::value& v) {
      return v.is_string() && v.get_string() == name;
    });
    if (add && it == list.end()) list.emplace_back(name);
    if (!add && it != list.end()) list.erase(it);
  }
  return {};
}

Reply ServerState::send_message(json::object& ticket, const json::value& body,
                                FakeRichpanelCall& call) {
  const auto* top = body.if_object();
  const auto* text = top != nullptr ? top->if_contains("body") : nullptr;
  const auto* author = top != nullptr ? top->if_contains("author_id") : nullptr;
  if (text == nullptr || !text->is_string()) return invalid({"body", nullptr});
  if (author == nullptr || !author->is_string()) return invalid({"author_id", nullptr});
  append_comment(ticket, std::string(author->get_string()), std::string(text->get_string()),
                 "public");
  call.delivered = channel_of(ticket).starts_with("email");
  return {};
}

std::optional<Reply> ServerState::route_tickets(const Routed& r) {
  const auto& seg = r.seg;
  if (seg[1] == "tickets" && seg.size() == 4 && seg[2] == "number") {
    if (r.method != "GET") return not_found();  // read-only
    for (const auto& [id, ticket] : data.tickets) {
      const json::value* number = ticket.if_contains("conversation_no");
      if (number != nullptr && number_text(*number) == seg[3]) {
        return json_reply(json::object{{"ticket", ticket}});
      }
    }
    return not_found();
  }
  if (seg[1] == "tickets" && (seg.size() == 3 || seg.size() == 4)) {
    const auto it = data.tickets.find(seg[2]);
    if (it == data.tickets.end()) return not_found();
    if (r.method == "GET" && seg.size() == 3) {
      return json_reply(json::object{{"ticket", it->second}});
    }
    if (r.method != "PUT") return not_found();
    // Observed on a real tenant: an unencoded Message-ID on a write endpoint → 200, no change.
    if (r.raw[2].find_first_of("<>@+=") != std::string_view::npos) return Reply{};
    if (seg.size() == 3) return update(it->second, r.body);
    if (seg[3] == "add-tags") return tags(it->second, r.body, true);
    if (seg[3] == "remove-tags") return tags(it->second, r.body, false);
    if (seg[3] == "send-message") return send_message(it->second, r.body, r.call);
    return not_found();
  }
  if (seg[1] == "order" && r.method == "GET" && seg.size() == 3) {
    if (!data.tickets.contains(seg[2]) && !data.links.contains(seg[2])) return not_found();
    const auto link = data.links.find(seg[2]);
    if (link == data.links.end()) return Reply{};
    return json_reply(link->second);
  }
  if (seg[1] == "order" && r.method == "GET" && seg.size() == 4) {
    const auto order = data.orders.find({seg[2], seg[3]});
    if (order == data.orders.end()) return not_found();
    return json_reply(order->second);
  }
  return std::nullopt;
}

}  // namespace rpmw::fakes::detail
