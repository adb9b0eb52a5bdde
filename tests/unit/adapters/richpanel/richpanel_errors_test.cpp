// Status mapping and retries of the Richpanel adapter, end to end against the fake.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include <boost/asio.hpp>

#include "adapters/richpanel/richpanel_api.h"
#include "adapters/richpanel/richpanel_helpdesk.h"
#include "tests/fakes/fake_clock.h"
#include "tests/unit/adapters/richpanel/richpanel_test_support.h"

namespace json = boost::json;
using rpmw::adapters::richpanel::RichpanelApi;
using rpmw::adapters::richpanel::RichpanelHelpdesk;
using rpmw::core::ErrorKind;
using rpmw::fakes::FakeRichpanelFault;
using rpmw::fakes::FakeRichpanelRateLimit;
using rpmw::richpanel_test::kEmailId;
using rpmw::richpanel_test::RichpanelFixture;
using std::chrono::milliseconds;

namespace {

// A loopback port with nothing listening (bound, then closed).
std::uint16_t closed_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

}  // namespace

TEST_CASE("adapters/richpanel: a wrong or missing key is permanent richpanel_auth, not retried") {
  RichpanelFixture f;
  auto settings = f.settings();
  settings.api_key = "rp-wrong-key";
  RichpanelHelpdesk helpdesk(settings);
  const auto ticket = helpdesk.get_ticket(kEmailId);
  REQUIRE_FALSE(ticket.has_value());
  CHECK(ticket.error().kind == ErrorKind::permanent);
  CHECK(ticket.error().code == "richpanel_auth");
  CHECK(ticket.error().code.find("rp-wrong-key") == std::string::npos);
  CHECK(f.server.call_count() == 1);
  CHECK(f.server.calls()[0].status == 401);

  settings.api_key.clear();
  RichpanelHelpdesk keyless(settings);
  CHECK(keyless.add_tags(kEmailId, {"x"}).error().code == "richpanel_auth");
}

TEST_CASE("adapters/richpanel: an unknown ticket is not_found, not retried") {
  RichpanelFixture f;
  RichpanelHelpdesk helpdesk(f.settings());
  const auto ticket = helpdesk.get_ticket("<nobody@example.com>");
  REQUIRE_FALSE(ticket.has_value());
  CHECK(ticket.error().kind == ErrorKind::not_found);
  CHECK(ticket.error().code == "richpanel_not_found");
  CHECK(helpdesk.set_status("<nobody@example.com>", "CLOSED").error().kind == ErrorKind::not_found);
  CHECK(f.server.call_count() == 2);
}

TEST_CASE("adapters/richpanel: a 400 names the first param in both body shapes, never the value") {
  RichpanelFixture f;
  RichpanelApi api(f.settings());
  const json::value unwrapped = json::object{{"status", "CLOSED"}};
  const json::value lower = json::parse(R"({"ticket":{"status":"closed"}})");
  SUBCASE("errors object") {}
  SUBCASE("bare array") {
    f.server.set_bare_error_array(true);
  }
  const auto top_level = api.call("PUT", {"tickets", kEmailId}, &unwrapped);
  REQUIRE_FALSE(top_level.has_value());
  CHECK(top_level.error().kind == ErrorKind::permanent);
  CHECK(top_level.error().code == "richpanel_400:status");
  const auto lower_case = api.call("PUT", {"tickets", kEmailId}, &lower);
  REQUIRE_FALSE(lower_case.has_value());
  CHECK(lower_case.error().code == "richpanel_400:ticket.status");
  CHECK(f.server.call_count() == 2);  // a 400 is not retried
  CHECK(f.server.ticket(kEmailId)->at("status") == "OPEN");
}

TEST_CASE("adapters/richpanel: the fake ignores `state` and keeps the ticket unchanged") {
  RichpanelFixture f;
  RichpanelApi api(f.settings());
  const json::value state = json::parse(R"({"ticket":{"state":"closed"}})");
  REQUIRE(api.call("PUT", {"tickets", kEmailId}, &state).has_value());
  CHECK(f.server.ticket(kEmailId)->at("status") == "OPEN");
}

TEST_CASE("adapters/richpanel: 429 with Retry-After waits it out, at most 3 attempts") {
  RichpanelFixture f;
  f.server.set_retry_after_seconds(2);
  f.server.set_fault(FakeRichpanelFault::rate_limited, 5);
  RichpanelHelpdesk helpdesk(f.settings());
  const auto ticket = helpdesk.get_ticket(kEmailId);
  REQUIRE_FALSE(ticket.has_value());
  CHECK(ticket.error().kind == ErrorKind::rate_limited);
  CHECK(ticket.error().code == "richpanel_429");
  REQUIRE(ticket.error().retry_after.has_value());
  CHECK(*ticket.error().retry_after == milliseconds(2000));
  CHECK(f.server.call_count() == 3);
  CHECK(f.pauses->all() == std::vector<milliseconds>{milliseconds(2000), milliseconds(2000)});
  CHECK(f.pauses->attempts().empty());  // the hint replaces the backoff
}

TEST_CASE("adapters/richpanel: a long Retry-After is handed back instead of waited out") {
  RichpanelFixture f;
  f.server.set_retry_after_seconds(30);
  f.server.set_fault(FakeRichpanelFault::rate_limited, 1);
  RichpanelHelpdesk helpdesk(f.settings());
  const auto status = helpdesk.add_tags(kEmailId, {"x"});
  REQUIRE_FALSE(status.has_value());
  CHECK(status.error().kind == ErrorKind::rate_limited);
  CHECK(status.error().retry_after == std::optional<milliseconds>(milliseconds(30000)));
  CHECK(f.server.call_count() == 1);
  CHECK(f.pauses->all().empty());
}

TEST_CASE("adapters/richpanel: 429 without Retry-After backs off through the injected backoff") {
  RichpanelFixture f;
  f.server.set_rate_limit({0, milliseconds(30000), false});
  SUBCASE("persistent: 3 attempts then rate_limited without a hint") {
    f.server.set_fault(FakeRichpanelFault::rate_limited, 10);
    RichpanelHelpdesk helpdesk(f.settings());
    const auto ticket = helpdesk.get_ticket(kEmailId);
    REQUIRE_FALSE(ticket.has_value());
    CHECK(ticket.error().kind == ErrorKind::rate_limited);
    CHECK_FALSE(ticket.error().retry_after.has_value());
    CHECK(f.server.call_count() == 3);
    CHECK(f.pauses->attempts() == std::vector<int>{1, 2});
    CHECK(f.pauses->all() == std::vector<milliseconds>{milliseconds(1000), milliseconds(2000)});
  }
  SUBCASE("once: the second attempt succeeds") {
    f.server.set_fault(FakeRichpanelFault::rate_limited, 1);
    RichpanelHelpdesk helpdesk(f.settings());
    REQUIRE(helpdesk.get_ticket(kEmailId).has_value());
    CHECK(f.server.call_count() == 2);
    CHECK(f.pauses->attempts() == std::vector<int>{1});
  }
  SUBCASE("attempts above 3 are clamped to 3") {
    f.server.set_fault(FakeRichpanelFault::rate_limited, 10);
    auto settings = f.settings();
    settings.attempts = 10;
    RichpanelHelpdesk helpdesk(settings);
    CHECK_FALSE(helpdesk.get_ticket(kEmailId).has_value());
    CHECK(f.server.call_count() == 3);
  }
}

TEST_CASE("adapters/richpanel: the fake's rate limit answers 429 once the window is spent") {
  RichpanelFixture f;
  f.server.set_rate_limit({2, milliseconds(60000), true});
  auto settings = f.settings();
  settings.attempts = 1;
  RichpanelHelpdesk helpdesk(settings);
  CHECK(helpdesk.get_ticket(kEmailId).has_value());
  CHECK(helpdesk.get_ticket(kEmailId).has_value());
  const auto third = helpdesk.get_ticket(kEmailId);
  REQUIRE_FALSE(third.has_value());
  CHECK(third.error().kind == ErrorKind::rate_limited);
  REQUIRE(third.error().retry_after.has_value());
  CHECK(*third.error().retry_after > milliseconds(0));
  CHECK(*third.error().retry_after <= milliseconds(60000));
  const auto calls = f.server.calls();
  REQUIRE(calls.size() == 3);
  CHECK(calls[2].status == 429);
}

TEST_CASE("adapters/richpanel: 5xx is transient and retried until success") {
  RichpanelFixture f;
  SUBCASE("two failures, then success on the third attempt") {
    f.server.set_fault(FakeRichpanelFault::server_error, 2, 503);
    RichpanelHelpdesk helpdesk(f.settings());
    REQUIRE(helpdesk.add_tags(kEmailId, {"mw-x"}).has_value());
    CHECK(f.server.call_count() == 3);
    CHECK(f.pauses->attempts() == std::vector<int>{1, 2});
  }
  SUBCASE("three failures exhaust the attempts") {
    f.server.set_fault(FakeRichpanelFault::server_error, 3, 500);
    RichpanelHelpdesk helpdesk(f.settings());
    const auto status = helpdesk.add_tags(kEmailId, {"mw-x"});
    REQUIRE_FALSE(status.has_value());
    CHECK(status.error().kind == ErrorKind::transient);
    CHECK(status.error().code == "richpanel_5xx");
    CHECK(f.server.call_count() == 3);
  }
}

TEST_CASE("adapters/richpanel: a response slower than the timeout is a transient timeout") {
  RichpanelFixture f;
  auto settings = f.settings();
  settings.timeout = milliseconds(150);
  settings.connect_timeout = milliseconds(150);
  f.server.set_fault(FakeRichpanelFault::delay, 1, 200, milliseconds(2000));
  SUBCASE("one attempt") {
    settings.attempts = 1;
    RichpanelHelpdesk helpdesk(settings);
    const auto ticket = helpdesk.get_ticket(kEmailId);
    REQUIRE_FALSE(ticket.has_value());
    CHECK(ticket.error().kind == ErrorKind::transient);
    CHECK(ticket.error().code == "richpanel_timeout");
  }
  SUBCASE("the retry succeeds") {
    RichpanelHelpdesk helpdesk(settings);
    REQUIRE(helpdesk.get_ticket(kEmailId).has_value());
    CHECK(f.server.call_count() == 2);
  }
}

TEST_CASE("adapters/richpanel: a refused connection is transient and retried") {
  RichpanelFixture f;
  auto settings = f.settings();
  settings.base_url = "http://127.0.0.1:" + std::to_string(closed_port());
  RichpanelHelpdesk helpdesk(settings);
  const auto ticket = helpdesk.get_ticket(kEmailId);
  REQUIRE_FALSE(ticket.has_value());
  CHECK(ticket.error().kind == ErrorKind::transient);
  CHECK(ticket.error().code == "richpanel_connect_failed");
  CHECK(f.pauses->attempts() == std::vector<int>{1, 2});
}

TEST_CASE("adapters/richpanel: the shared budget paces calls and slows down after a 429") {
  RichpanelFixture f;
  rpmw::fakes::FakeClock clock;
  auto settings = f.settings();
  settings.budget = std::make_shared<rpmw::adapters::http::VendorBudget>(
      rpmw::adapters::http::VendorBudgetSettings{1.0, 2, milliseconds(30000), 0.5}, clock);
  auto pauses = f.pauses;
  settings.sleep = [pauses, &clock](milliseconds how_long) {
    std::lock_guard lock(pauses->mutex);
    pauses->slept.push_back(how_long);
    clock.advance(how_long);
  };
  // Two helpdesks of one account share the budget.
  RichpanelHelpdesk first(settings);
  RichpanelHelpdesk second(settings);
  REQUIRE(first.get_ticket(kEmailId).has_value());
  REQUIRE(second.get_ticket(kEmailId).has_value());
  CHECK(f.pauses->all().empty());  // the burst of 2
  REQUIRE(first.get_ticket(kEmailId).has_value());
  CHECK(f.pauses->all() == std::vector<milliseconds>{milliseconds(1000)});

  // A 429 without Retry-After: the retry waits for the slowed budget, not for a second backoff.
  f.server.set_rate_limit({0, milliseconds(30000), false});
  f.server.set_fault(FakeRichpanelFault::rate_limited, 1);
  REQUIRE(second.get_ticket(kEmailId).has_value());
  CHECK(f.pauses->attempts().empty());
  CHECK(f.pauses->all().back() == milliseconds(2000));
  CHECK(settings.budget->cooling_down());

  // Booked up beyond max_inline_wait: handed back as rate_limited for the queue, nothing sent.
  const std::size_t calls = f.server.call_count();
  for (int i = 0; i < 4; ++i) (void)settings.budget->reserve();
  const auto later = first.get_ticket(kEmailId);
  REQUIRE_FALSE(later.has_value());
  CHECK(later.error().code == "richpanel_budget");
  CHECK(later.error().kind == ErrorKind::rate_limited);
  CHECK(later.error().retry_after > settings.max_inline_wait);
  CHECK(f.server.call_count() == calls);
}
