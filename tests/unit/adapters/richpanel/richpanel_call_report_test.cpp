// The Richpanel adapter's call reports: one per logical call, fixed operation names, no ids.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/richpanel/richpanel_api.h"
#include "adapters/richpanel/richpanel_helpdesk.h"
#include "tests/unit/adapters/richpanel/richpanel_test_support.h"

using rpmw::adapters::http::VendorCallReport;
using rpmw::adapters::richpanel::richpanel_operation;
using rpmw::adapters::richpanel::RichpanelHelpdesk;
using rpmw::adapters::richpanel::RichpanelOrderSource;
using rpmw::fakes::FakeRichpanelFault;
using rpmw::richpanel_test::kChatId;
using rpmw::richpanel_test::kEmailId;
using rpmw::richpanel_test::RichpanelFixture;

namespace {

struct Reports {
  std::mutex mutex;
  std::vector<VendorCallReport> seen;
  std::vector<VendorCallReport> all() {
    std::lock_guard lock(mutex);
    return seen;
  }
};

rpmw::adapters::richpanel::RichpanelSettings observed(const RichpanelFixture& f,
                                                      const std::shared_ptr<Reports>& reports) {
  auto settings = f.settings();
  settings.observer = [reports](const VendorCallReport& r) {
    std::lock_guard lock(reports->mutex);
    reports->seen.push_back(r);
  };
  return settings;
}

}  // namespace

TEST_CASE("adapters/richpanel: operation names follow the method and path shape") {
  using V = std::vector<std::string_view>;
  CHECK(richpanel_operation("GET", V{"tickets", "x"}) == "get_ticket");
  CHECK(richpanel_operation("GET", V{"tickets", "number", "42"}) == "get_ticket_by_number");
  CHECK(richpanel_operation("PUT", V{"tickets", "x"}) == "update_ticket");
  CHECK(richpanel_operation("PUT", V{"tickets", "number", "add-tags"}) == "add_tags");
  CHECK(richpanel_operation("PUT", V{"tickets", "x", "remove-tags"}) == "remove_tags");
  CHECK(richpanel_operation("PUT", V{"tickets", "x", "send-message"}) == "send_message");
  CHECK(richpanel_operation("GET", V{"order", "x"}) == "linked_order");
  CHECK(richpanel_operation("GET", V{"order", "app", "o"}) == "get_order");
  CHECK(richpanel_operation("GET", V{"customers", "email", "a@b"}) == "get_customer");
  CHECK(richpanel_operation("GET", V{"users"}) == "list_users");
  CHECK(richpanel_operation("GET", V{"tags"}) == "list_tags");
  CHECK(richpanel_operation("POST", V{"tags"}) == "create_tag");
  CHECK(richpanel_operation("GET", V{"teams"}) == "list_teams");
  CHECK(richpanel_operation("GET", V{"channel"}) == "list_channels");
  CHECK(richpanel_operation("DELETE", V{"tickets", "x"}) == "other");
  CHECK(richpanel_operation("GET", V{}) == "other");
}

TEST_CASE("adapters/richpanel: one report per call, with status, retries and no ids") {
  RichpanelFixture f;
  f.server.set_rate_limit({50, std::chrono::milliseconds(30000), true});
  auto reports = std::make_shared<Reports>();
  auto settings = observed(f, reports);
  RichpanelHelpdesk helpdesk(settings);
  RichpanelOrderSource orders(settings);

  REQUIRE(helpdesk.get_ticket(kEmailId).has_value());
  REQUIRE(helpdesk.add_tags(kEmailId, {"mw-x"}).has_value());
  REQUIRE(helpdesk.send_message(kEmailId, "Hello there", "fake-operator").has_value());
  REQUIRE(orders.linked_orders(kChatId).has_value());
  f.server.set_fault(FakeRichpanelFault::server_error, 2, 503);
  REQUIRE(helpdesk.set_status(kEmailId, "closed").has_value());
  CHECK_FALSE(helpdesk.get_ticket("missing-id").has_value());

  const auto all = reports->all();
  REQUIRE(all.size() == 6);
  const std::vector<std::string> ops = {all[0].operation, all[1].operation, all[2].operation,
                                        all[3].operation, all[4].operation, all[5].operation};
  CHECK(ops == std::vector<std::string>{"get_ticket", "add_tags", "send_message", "linked_order",
                                        "update_ticket", "get_ticket"});
  for (const auto& r : all) {
    CHECK(r.vendor == "richpanel");
    CHECK(r.latency_ms >= 0);
    // Nothing of the request leaks: no id, key or body text in any field.
    for (const std::string& field : {r.vendor, r.operation, r.error_code}) {
      CHECK(field.find("CAF1x9Qp7") == std::string::npos);
      CHECK(field.find("rp-test-key") == std::string::npos);
      CHECK(field.find("Hello") == std::string::npos);
    }
  }
  CHECK(all[0].http_status == 200);
  CHECK(all[0].retries == 0);
  CHECK(all[0].error_code.empty());
  CHECK(all[0].rate_limit_remaining == 49);
  CHECK(all[1].rate_limit_remaining == 48);
  CHECK(all[4].retries == 2);  // two 503s, then success
  CHECK(all[4].http_status == 200);
  CHECK(all[5].http_status == 404);
  CHECK(all[5].error_code == "richpanel_not_found");
  CHECK(all[5].retries == 0);
}

TEST_CASE("adapters/richpanel: a call that never got an answer reports status 0") {
  RichpanelFixture f;
  auto reports = std::make_shared<Reports>();
  auto settings = observed(f, reports);
  settings.attempts = 2;
  settings.timeout = std::chrono::milliseconds(150);
  f.server.set_fault(FakeRichpanelFault::delay, 2, 200, std::chrono::milliseconds(1000));
  RichpanelHelpdesk helpdesk(settings);
  CHECK_FALSE(helpdesk.get_ticket(kEmailId).has_value());
  const auto all = reports->all();
  REQUIRE(all.size() == 1);
  CHECK(all[0].http_status == 0);
  CHECK(all[0].retries == 1);
  CHECK(all[0].error_code == "richpanel_timeout");
  CHECK(all[0].rate_limit_remaining == -1);
  CHECK(all[0].latency_ms >= 250);
}
