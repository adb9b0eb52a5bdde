#include "tests/fakes/fake_helpdesk.h"

#include <doctest/doctest.h>

using rpmw::core::ErrorKind;

namespace {

rpmw::core::Ticket make_ticket(std::string id) {
  rpmw::core::Ticket ticket;
  ticket.id = std::move(id);
  ticket.status = "OPEN";
  ticket.channel = "email";
  ticket.tags = {"a", "b"};
  return ticket;
}

}  // namespace

TEST_CASE("fakes: FakeHelpdesk serves tickets and reports unknown ones as not_found") {
  rpmw::fakes::FakeHelpdesk helpdesk;
  helpdesk.put_ticket(make_ticket("t-1"));
  const auto ticket = helpdesk.get_ticket("t-1");
  REQUIRE(ticket.has_value());
  CHECK(ticket->channel == "email");

  const auto missing = helpdesk.get_ticket("t-404");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().kind == ErrorKind::not_found);
  CHECK(helpdesk.add_tags("t-404", {"x"}).error().kind == ErrorKind::not_found);
  CHECK(helpdesk.count("get_ticket") == 2);
}

TEST_CASE("fakes: FakeHelpdesk unions added tags and removes tags") {
  rpmw::fakes::FakeHelpdesk helpdesk;
  helpdesk.put_ticket(make_ticket("t-1"));
  REQUIRE(helpdesk.add_tags("t-1", {"b", "c", "c"}).has_value());
  CHECK(helpdesk.ticket("t-1")->tags == std::vector<std::string>{"a", "b", "c"});
  REQUIRE(helpdesk.remove_tags("t-1", {"a", "zzz"}).has_value());
  CHECK(helpdesk.ticket("t-1")->tags == std::vector<std::string>{"b", "c"});

  const auto calls = helpdesk.calls();
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].method == "add_tags");
  CHECK(calls[0].ticket_id == "t-1");
  CHECK(calls[0].tags == std::vector<std::string>{"b", "c", "c"});
  CHECK(calls[1].method == "remove_tags");
}

TEST_CASE("fakes: FakeHelpdesk replies append operator comments") {
  rpmw::fakes::FakeHelpdesk helpdesk;
  helpdesk.put_ticket(make_ticket("t-1"));
  REQUIRE(helpdesk.send_message("t-1", "<p>Hello</p>", "bot-1").has_value());
  REQUIRE(helpdesk.add_public_comment("t-1", "Hi there").has_value());
  const auto comments = helpdesk.ticket("t-1")->comments;
  REQUIRE(comments.size() == 2);
  CHECK(comments[0].is_operator);
  CHECK(comments[0].author_id == "bot-1");
  CHECK(comments[0].body_html == "<p>Hello</p>");
  CHECK(comments[1].plain_body == "Hi there");
  CHECK(comments[0].id != comments[1].id);
  const auto calls = helpdesk.calls();
  CHECK(calls[0].body == "<p>Hello</p>");
  CHECK(calls[0].author_id == "bot-1");
  CHECK(calls[1].method == "add_public_comment");
}

TEST_CASE("fakes: FakeHelpdesk set_status only takes upper-case OPEN or CLOSED") {
  rpmw::fakes::FakeHelpdesk helpdesk;
  helpdesk.put_ticket(make_ticket("t-1"));
  REQUIRE(helpdesk.set_status("t-1", "CLOSED").has_value());
  CHECK(helpdesk.ticket("t-1")->status == "CLOSED");
  for (const char* bad : {"closed", "Open", "RESOLVED", ""}) {
    const auto status = helpdesk.set_status("t-1", bad);
    REQUIRE_FALSE(status.has_value());
    CHECK(status.error().kind == ErrorKind::permanent);
    CHECK(status.error().code == "invalid_status");
  }
  CHECK(helpdesk.ticket("t-1")->status == "CLOSED");
  CHECK(helpdesk.count("set_status") == 5);
  CHECK(helpdesk.calls()[1].status == "closed");
}

TEST_CASE("fakes: FakeHelpdesk fail_next injects queued failures without side effects") {
  rpmw::fakes::FakeHelpdesk helpdesk;
  helpdesk.put_ticket(make_ticket("t-1"));
  helpdesk.fail_next({ErrorKind::rate_limited, "richpanel_429", std::chrono::milliseconds(1500)},
                     "add_tags");
  helpdesk.fail_next({ErrorKind::transient, "richpanel_503", std::nullopt});

  // The method-specific failure waits for its method; the generic one hits the next call.
  const auto ticket = helpdesk.get_ticket("t-1");
  REQUIRE_FALSE(ticket.has_value());
  CHECK(ticket.error().code == "richpanel_503");

  const auto tagged = helpdesk.add_tags("t-1", {"x"});
  REQUIRE_FALSE(tagged.has_value());
  CHECK(tagged.error().kind == ErrorKind::rate_limited);
  CHECK(tagged.error().retry_after == std::chrono::milliseconds(1500));
  CHECK(helpdesk.ticket("t-1")->tags == std::vector<std::string>{"a", "b"});

  CHECK(helpdesk.add_tags("t-1", {"x"}).has_value());
  CHECK(helpdesk.count("add_tags") == 2);
}
