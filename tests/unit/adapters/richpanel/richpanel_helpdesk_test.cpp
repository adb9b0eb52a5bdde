#include "adapters/richpanel/richpanel_helpdesk.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/unit/adapters/richpanel/richpanel_test_support.h"

namespace json = boost::json;
using rpmw::adapters::richpanel::RichpanelHelpdesk;
using rpmw::adapters::richpanel::RichpanelOrderSource;
using rpmw::core::ErrorKind;
using rpmw::fakes::FakeRichpanelServer;
using rpmw::richpanel_test::kChatId;
using rpmw::richpanel_test::kEmailId;
using rpmw::richpanel_test::RichpanelFixture;

namespace {

std::vector<std::string> tags_of(const json::object& ticket) {
  std::vector<std::string> out;
  for (const auto& t : ticket.at("tags").as_array()) out.emplace_back(t.as_string());
  return out;
}

}  // namespace

TEST_CASE("adapters/richpanel: get_ticket maps the ticket and the fake sees the decoded id") {
  RichpanelFixture f;
  RichpanelHelpdesk helpdesk(f.settings());
  const auto ticket = helpdesk.get_ticket(kEmailId);
  REQUIRE(ticket.has_value());
  CHECK(ticket->id == kEmailId);
  CHECK(ticket->number == "1042");
  CHECK(ticket->status == "OPEN");
  CHECK(ticket->channel == "email");
  CHECK(ticket->tags == std::vector<std::string>{"vip"});
  REQUIRE(ticket->comments.size() == 1);
  CHECK(ticket->comments[0].plain_body == "Where is #1042063?");
  CHECK_FALSE(ticket->comments[0].is_operator);

  const auto calls = f.server.calls();
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].method == "GET");
  CHECK(calls[0].path == std::string("/v1/tickets/") + kEmailId);
  CHECK(calls[0].target == "/v1/tickets/%3CCAF1x9Qp7%3Dabc%2Bx%40mail.gmail.com%3E");
  CHECK(calls[0].headers.at("x-richpanel-key") == FakeRichpanelServer::kDefaultKey);
  CHECK(calls[0].headers.at("accept") == "application/json");
  CHECK_FALSE(calls[0].headers.contains("content-type"));  // no body, no content type
  CHECK(calls[0].body.empty());
}

TEST_CASE("adapters/richpanel: a '/' and a space in an id stay inside one segment") {
  RichpanelFixture f;
  RichpanelHelpdesk helpdesk(f.settings());
  const auto ticket = helpdesk.get_ticket(kChatId);
  REQUIRE(ticket.has_value());
  CHECK(ticket->id == kChatId);
  CHECK(f.server.calls().at(0).target == "/v1/tickets/chat%2F42%20a");
}

TEST_CASE("adapters/richpanel: add_tags and remove_tags change the tags of an encoded id") {
  RichpanelFixture f;
  RichpanelHelpdesk helpdesk(f.settings());
  REQUIRE(helpdesk.add_tags(kEmailId, {"mw-intent-order-status", "vip"}).has_value());
  CHECK(tags_of(*f.server.ticket(kEmailId)) ==
        std::vector<std::string>{"vip", "mw-intent-order-status"});
  REQUIRE(helpdesk.remove_tags(kEmailId, {"vip", "absent"}).has_value());
  CHECK(tags_of(*f.server.ticket(kEmailId)) == std::vector<std::string>{"mw-intent-order-status"});

  const auto calls = f.server.calls();
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].method == "PUT");
  CHECK(calls[0].path == std::string("/v1/tickets/") + kEmailId + "/add-tags");
  CHECK(json::parse(calls[0].body) == json::parse(R"({"tags":["mw-intent-order-status","vip"]})"));
  CHECK(calls[0].headers.at("content-type") == "application/json");
  CHECK(calls[1].path == std::string("/v1/tickets/") + kEmailId + "/remove-tags");
  CHECK(json::parse(calls[1].body) == json::parse(R"({"tags":["vip","absent"]})"));
}

TEST_CASE(
    "adapters/richpanel: send_message on an email ticket is delivered as an operator comment") {
  RichpanelFixture f;
  RichpanelHelpdesk helpdesk(f.settings());
  REQUIRE(helpdesk.send_message(kEmailId, "Your order shipped.", "agent-7").has_value());
  const auto calls = f.server.calls();
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].path == std::string("/v1/tickets/") + kEmailId + "/send-message");
  CHECK(json::parse(calls[0].body) ==
        json::parse(R"({"body":"Your order shipped.","author_id":"agent-7"})"));
  CHECK(calls[0].delivered);

  const auto ticket = helpdesk.get_ticket(kEmailId);
  REQUIRE(ticket.has_value());
  REQUIRE(ticket->comments.size() == 2);
  CHECK(ticket->comments.back().is_operator);
  CHECK(ticket->comments.back().author_id == "agent-7");
  CHECK(ticket->comments.back().plain_body == "Your order shipped.");
}

TEST_CASE("adapters/richpanel: add_public_comment sends a wrapped public comment") {
  RichpanelFixture f;
  RichpanelHelpdesk helpdesk(f.settings());
  REQUIRE(helpdesk.add_public_comment(kChatId, "We are on it.").has_value());
  const auto calls = f.server.calls();
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].method == "PUT");
  CHECK(calls[0].path == std::string("/v1/tickets/") + kChatId);
  CHECK(json::parse(calls[0].body) ==
        json::parse(R"({"ticket":{"comment":{"body":"We are on it.","type":"public"}}})"));
  CHECK_FALSE(calls[0].delivered);
  const auto ticket = helpdesk.get_ticket(kChatId);
  REQUIRE(ticket.has_value());
  REQUIRE(ticket->comments.size() == 1);
  CHECK(ticket->comments[0].is_operator);
  CHECK(ticket->comments[0].author_id == FakeRichpanelServer::kOperatorId);
}

TEST_CASE("adapters/richpanel: set_status upper-cases and rejects unknown statuses locally") {
  RichpanelFixture f;
  RichpanelHelpdesk helpdesk(f.settings());
  REQUIRE(helpdesk.set_status(kEmailId, "closed").has_value());
  CHECK(f.server.ticket(kEmailId)->at("status") == "CLOSED");
  CHECK(json::parse(f.server.calls().at(0).body) ==
        json::parse(R"({"ticket":{"status":"CLOSED"}})"));
  REQUIRE(helpdesk.set_status(kEmailId, "Open").has_value());
  CHECK(f.server.ticket(kEmailId)->at("status") == "OPEN");

  for (const char* bad : {"resolved", "SOLVED", "", "open "}) {
    CAPTURE(bad);
    const auto status = helpdesk.set_status(kEmailId, bad);
    REQUIRE_FALSE(status.has_value());
    CHECK(status.error().kind == ErrorKind::permanent);
    CHECK(status.error().code == "invalid_status");
  }
  CHECK(f.server.call_count() == 2);  // the rejected ones never left the process
}

TEST_CASE("adapters/richpanel: linked_orders reads {} as none and one link otherwise") {
  RichpanelFixture f;
  RichpanelOrderSource orders(f.settings());
  const auto none = orders.linked_orders(kChatId);
  REQUIRE(none.has_value());
  CHECK(none->empty());

  f.server.link_order(kEmailId, rpmw::richpanel_test::order_json(), "shop/app 1");
  const auto links = orders.linked_orders(kEmailId);
  REQUIRE(links.has_value());
  REQUIRE(links->size() == 1);
  CHECK(links->at(0).order_id == "5550001");
  CHECK(links->at(0).app_client_id == "shop/app 1");
  CHECK(f.server.calls().at(1).path == std::string("/v1/order/") + kEmailId);

  const auto missing = orders.linked_orders("no-such-ticket");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().kind == ErrorKind::not_found);
}

TEST_CASE("adapters/richpanel: get_order accepts the order bare and under \"order\"") {
  RichpanelFixture f;
  RichpanelOrderSource orders(f.settings());
  SUBCASE("bare") {
    f.server.link_order(kEmailId, rpmw::richpanel_test::order_json(), "app-1");
  }
  SUBCASE("wrapped") {
    f.server.link_order(kEmailId, json::object{{"order", rpmw::richpanel_test::order_json()}},
                        "app-1");
  }
  const auto links = orders.linked_orders(kEmailId);
  REQUIRE(links.has_value());
  REQUIRE(links->size() == 1);
  const auto order = orders.get_order(links->at(0));
  REQUIRE(order.has_value());
  CHECK(order->order_id == "5550001");
  CHECK(order->order_name == "#1042063");
  CHECK(order->financial_status == "paid");
  CHECK(order->created_at_ms == 1767225600000);
  REQUIRE(order->fulfillments.size() == 1);
  REQUIRE(order->fulfillments[0].tracking.size() == 1);
  CHECK(order->fulfillments[0].tracking[0].number == "1Z999");
  CHECK(f.server.calls().back().path == "/v1/order/app-1/5550001");

  const auto unknown = orders.get_order({"999", "app-1"});
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().kind == ErrorKind::not_found);
  CHECK(unknown.error().code == "richpanel_not_found");
  const auto incomplete = orders.get_order({"", "app-1"});
  REQUIRE_FALSE(incomplete.has_value());
  CHECK(incomplete.error().kind == ErrorKind::invalid_input);
}

TEST_CASE("adapters/richpanel: a reply is not repeated after a 5xx that may have landed") {
  RichpanelFixture f;
  rpmw::adapters::richpanel::RichpanelHelpdesk helpdesk(f.settings());
  f.server.set_fault(rpmw::fakes::FakeRichpanelFault::server_error, 1, 502);
  f.server.set_fault_match(std::string("PUT /v1/tickets/") + kEmailId + "/send-message", true);
  auto sent = helpdesk.send_message(kEmailId, "Thanks, we are on it.", "bot-1");
  REQUIRE_FALSE(sent.has_value());
  CHECK(sent.error().retryable());
  CHECK(f.server.call_count() == 1);  // one send: the action layer checks the ticket first

  SUBCASE("a comment update is treated the same way") {
    f.server.clear_calls();
    f.server.set_fault(rpmw::fakes::FakeRichpanelFault::server_error, 1, 503);
    f.server.set_fault_match(std::string("PUT /v1/tickets/") + kChatId, false);
    CHECK_FALSE(helpdesk.add_public_comment(kChatId, "On it.").has_value());
    CHECK(f.server.call_count() == 1);
  }
  SUBCASE("a 429 is refused before anything happened: repeated inline") {
    f.server.clear_calls();
    f.server.set_fault(rpmw::fakes::FakeRichpanelFault::rate_limited, 1);
    f.server.set_fault_match("", false);
    CHECK(helpdesk.send_message(kEmailId, "Thanks.", "bot-1").has_value());
    CHECK(f.server.call_count() == 2);
  }
  SUBCASE("idempotent writes are repeated after a 5xx") {
    f.server.clear_calls();
    f.server.set_fault(rpmw::fakes::FakeRichpanelFault::server_error, 1, 502);
    f.server.set_fault_match("", false);
    CHECK(helpdesk.add_tags(kEmailId, {"route-x"}).has_value());
    CHECK(f.server.call_count() == 2);
  }
}
