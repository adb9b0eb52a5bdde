// End to end, part 2: Tier 2 order-status replies through the linked order, multi-intent priority,
// and the failure cases of the action layer (5xx after a write, a timeout on the close, kill -9
// between reply and close, a 429 storm without Retry-After).
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>

#include "tests/integration/fake_richpanel_process.h"
#include "tests/integration/helpers.h"

namespace rpmw::itest {
namespace {

std::map<std::string, std::string> live_env(const FakeRichpanelProcess& richpanel,
                                            std::map<std::string, std::string> more = {}) {
  std::map<std::string, std::string> env = richpanel.rpmw_env();
  env["RPMW_FLAGS"] = "automation_enabled=true";
  for (auto& [k, v] : more) env[k] = v;
  return env;
}

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// An order placed `age_ms` ago with standard shipping; tracking when `tracking` is set.
json::object order_fixture(const std::string& order_id, long long age_ms, bool tracking) {
  json::object order{{"orderId", order_id},
                     {"orderName", "#" + order_id},
                     {"status", "open"},
                     {"financialStatus", "paid"},
                     {"fulfillmentStatus", tracking ? "fulfilled" : "unfulfilled"},
                     {"createdAt", now_ms() - age_ms},
                     {"statusUrl", "https://shop.example.com/orders/" + order_id},
                     {"shippingMethod", "Standard Shipping"},
                     {"fulfillment", json::array()}};
  if (tracking) {
    order["fulfillment"].as_array().push_back(
        json::object{{"status", "success"},
                     {"createdAt", now_ms() - age_ms / 2},
                     {"tracking", json::array{json::object{{"trackingNumber", "1Z999AA10123456784"},
                                                           {"trackingCompany", "UPS"},
                                                           {"trackingUrl", ""}}}}});
  }
  return order;
}

void link(FakeRichpanelProcess& richpanel, const std::string& ticket, const json::object& order) {
  richpanel.control("orders", json::object{{"ticket_id", ticket}, {"order", order}});
}

json::object deliver(RpmwServer& server, const std::string& ticket, long long before) {
  return deliver_and_decide(server, ticket, ticket + "-m1", before);
}

bool has_tag(const FakeRichpanelCallRecord& call, const std::string& tag) {
  const json::array tags = json::parse(call.body).as_object().at("tags").as_array();
  return std::any_of(tags.begin(), tags.end(),
                     [&](const json::value& v) { return v.as_string() == tag; });
}

std::vector<std::string> lines_for(FakeRichpanelProcess& richpanel, const std::string& ticket) {
  return call_lines(richpanel.calls_for(ticket));
}

const std::string kWhere = "Where is my order #1042? I ordered it a few days ago.";
constexpr long long kHour = 3600LL * 1000;

}  // namespace

TEST_CASE("e2e tier 2: tracking, ETA inside the window (auto-close), late, no linked order") {
  TempDir dir("rpmw-e2e-tier2");
  FakeRichpanelProcess richpanel(dir);
  RpmwServer server(with_env(live_env(richpanel)));

  SUBCASE("tracking present: the verified status reply, 6 calls") {
    richpanel.put_ticket(ticket_fixture("t2-track", "email", "c1", kWhere));
    link(richpanel, "t2-track", order_fixture("1042", 48 * kHour, true));
    const json::object record = deliver(server, "t2-track", 0);
    CHECK(record.at("tier").as_string() == "TIER_2_VERIFIED");
    CHECK(record.at("template_id").as_string() == "t_order_status_verified");
    const auto calls = richpanel.calls();
    REQUIRE(call_lines(calls) ==
            std::vector<std::string>{
                "GET /v1/tickets/t2-track", "GET /v1/order/t2-track",
                "GET /v1/order/shopify-app-1/1042", "PUT /v1/tickets/t2-track/send-message",
                "GET /v1/tickets/t2-track", "PUT /v1/tickets/t2-track/add-tags"});
    const std::string body(json::parse(calls[3].body).as_object().at("body").as_string());
    CHECK(body.find("#1042") != std::string::npos);
    CHECK(body.find("1Z999AA10123456784") != std::string::npos);
    CHECK(has_tag(calls[5], "mw-tier-2"));
    CHECK_FALSE(has_tag(calls[5], "mw-auto-closed"));
  }
  SUBCASE("PII in the message and the order reaches the reply, never the logs") {
    // The strings the PII log scan (99_pii_log_scan_test.cpp) looks for in every server log.
    richpanel.put_ticket(ticket_fixture(
        "t2-pii", "email", "c1",
        "Hi, Jane here (jane.doe+pii@example.com, +1 415-555-0199), 742 Evergreen Terrace. "
        "Where is my order #1042?"));
    json::object order = order_fixture("1042", 48 * kHour, true);
    json::object& tracking =
        order["fulfillment"].as_array()[0].as_object()["tracking"].as_array()[0].as_object();
    tracking["trackingNumber"] = "9400111899223100000000";
    tracking["trackingCompany"] = "USPS";
    tracking["trackingUrl"] =
        "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223100000000";
    link(richpanel, "t2-pii", order);
    const json::object record = deliver(server, "t2-pii", 0);
    CHECK(record.at("template_id").as_string() == "t_order_status_verified");
    const auto calls = richpanel.calls();
    REQUIRE(calls.size() == 6);
    const std::string body(json::parse(calls[3].body).as_object().at("body").as_string());
    CHECK(body.find("9400111899223100000000") != std::string::npos);
    CHECK(body.find("jane.doe") == std::string::npos);  // customer text never reaches a reply
    CHECK(json::serialize(record).find("9400111899223100000000") == std::string::npos);
  }
  SUBCASE("no tracking, inside the window: the ETA reply, then the close") {
    richpanel.put_ticket(ticket_fixture("t2-eta", "email", "c1", kWhere));
    link(richpanel, "t2-eta", order_fixture("2042", kHour, false));
    const json::object record = deliver(server, "t2-eta", 0);
    CHECK(record.at("template_id").as_string() == "t_order_eta_no_tracking_verified");
    const auto calls = richpanel.calls();
    REQUIRE(calls.size() == 7);
    CHECK(calls[3].path == "/v1/tickets/t2-eta/send-message");
    CHECK(has_tag(calls[5], "mw-auto-closed"));
    CHECK(call_lines({calls[6]}) == std::vector<std::string>{"PUT /v1/tickets/t2-eta"});
    CHECK(json::parse(calls[6].body) == json::parse(R"({"ticket":{"status":"CLOSED"}})"));
    CHECK(record.at("execution").as_object().at("close").as_string() == "closed");
  }
  SUBCASE("no tracking and late: the delay reply and a human, no close") {
    richpanel.put_ticket(ticket_fixture("t2-late", "email", "c1", kWhere));
    link(richpanel, "t2-late", order_fixture("3042", 30 * 24 * kHour, false));
    const json::object record = deliver(server, "t2-late", 0);
    CHECK(record.at("template_id").as_string() == "t_shipping_delay_verified");
    const auto calls = richpanel.calls();
    REQUIRE(calls.size() == 6);
    CHECK(has_tag(calls[5], "mw-escalated-human"));
    CHECK_FALSE(has_tag(calls[5], "mw-auto-closed"));
  }
  SUBCASE("no linked order: the Tier 1 ask for the order number") {
    richpanel.put_ticket(ticket_fixture("t2-none", "livechat", "c1", kWhere));
    const json::object record = deliver(server, "t2-none", 0);
    CHECK(record.at("template_id").as_string() == "t_order_status_ask_order_number");
    const auto calls = richpanel.calls();
    REQUIRE(call_lines(calls) ==
            std::vector<std::string>{"GET /v1/tickets/t2-none", "GET /v1/order/t2-none",
                                     "PUT /v1/tickets/t2-none", "GET /v1/tickets/t2-none",
                                     "PUT /v1/tickets/t2-none/add-tags"});
    CHECK(has_tag(calls[4], "mw-order-lookup-needed"));
    CHECK(has_tag(calls[4], "mw-tier-1"));
  }
  SUBCASE("multi-intent: a chargeback next to an order question is Tier 0, tags only") {
    richpanel.put_ticket(ticket_fixture(
        "t2-multi", "email", "c1",
        "Where is my order #1042? If it is not here tomorrow I will file a chargeback."));
    link(richpanel, "t2-multi", order_fixture("4042", kHour, true));
    const json::object record = deliver(server, "t2-multi", 0);
    CHECK(record.at("tier").as_string() == "TIER_0_ESCALATION");
    CHECK(
        call_lines(richpanel.calls()) ==
        std::vector<std::string>{"GET /v1/tickets/t2-multi", "PUT /v1/tickets/t2-multi/add-tags"});
  }
}

TEST_CASE(
    "e2e faults: a 5xx after send-message landed and a timeout on the close: one reply, "
    "the ticket ends closed") {
  TempDir dir("rpmw-e2e-faults");
  FakeRichpanelProcess richpanel(dir);
  RpmwServer server(with_env(live_env(richpanel, {{"RPMW_RICHPANEL_TIMEOUT_MS", "1000"}})));

  SUBCASE("5xx after send-message") {
    richpanel.put_ticket(ticket_fixture("f-5xx", "email", "c1", kWhere));
    link(richpanel, "f-5xx", order_fixture("5042", kHour, false));
    richpanel.control("faults", json::object{{"fault", "server_error"},
                                             {"count", 1},
                                             {"status", 502},
                                             {"match", "PUT /v1/tickets/f-5xx/send-message"},
                                             {"after_apply", true}});
    const json::object record = deliver(server, "f-5xx", 0);
    const auto lines = lines_for(richpanel, "f-5xx");
    CHECK(std::count(lines.begin(), lines.end(), "PUT /v1/tickets/f-5xx/send-message") == 1);
    CHECK(std::count(lines.begin(), lines.end(), "PUT /v1/tickets/f-5xx/add-tags") == 1);
    CHECK(lines.back() == "PUT /v1/tickets/f-5xx");  // the close
    CHECK(record.at("execution").as_object().at("reply").as_string() == "already_sent");
    CHECK(record.at("execution").as_object().at("resumed").as_bool());
  }
  SUBCASE("a timeout on the close: the close is idempotent, the ticket ends closed") {
    richpanel.put_ticket(ticket_fixture("f-close", "email", "c1", kWhere));
    link(richpanel, "f-close", order_fixture("6042", kHour, false));
    richpanel.control("faults", json::object{{"fault", "delay"},
                                             {"count", 1},
                                             {"delay_ms", 3000},
                                             {"match", "PUT /v1/tickets/f-close"}});
    const json::object record = deliver(server, "f-close", 0);
    const auto lines = lines_for(richpanel, "f-close");
    CHECK(std::count(lines.begin(), lines.end(), "PUT /v1/tickets/f-close/send-message") == 1);
    CHECK(std::count(lines.begin(), lines.end(), "PUT /v1/tickets/f-close/add-tags") == 1);
    CHECK(record.at("execution").as_object().at("close").as_string() != "failed");
    HttpClient client;
    const HttpResponse stored = client.get(richpanel.base_url() + "/_control/tickets/f-close");
    CHECK(parse_object(stored.body).at("ticket").as_object().at("status").as_string() == "CLOSED");
  }
  SUBCASE("a 5xx on the close (it did not land): closed on the retry") {
    richpanel.put_ticket(ticket_fixture("f-close5", "email", "c1", kWhere));
    link(richpanel, "f-close5", order_fixture("6043", kHour, false));
    richpanel.control("faults", json::object{{"fault", "server_error"},
                                             {"count", 1},
                                             {"status", 503},
                                             {"match", "PUT /v1/tickets/f-close5"}});
    const json::object record = deliver(server, "f-close5", 0);
    const auto lines = lines_for(richpanel, "f-close5");
    CHECK(std::count(lines.begin(), lines.end(), "PUT /v1/tickets/f-close5/send-message") == 1);
    CHECK(std::count(lines.begin(), lines.end(), "PUT /v1/tickets/f-close5") == 2);
    CHECK(record.at("execution").as_object().at("close").as_string() == "closed");
  }
}

TEST_CASE("e2e faults: kill -9 between the reply and the close: no second reply, ends closed") {
  TempDir dir("rpmw-e2e-kill");
  FakeRichpanelProcess richpanel(dir);
  RpmwServer server(with_env(live_env(richpanel, {{"RPMW_QUEUE_VISIBILITY_TIMEOUT_S", "2"}})));
  richpanel.put_ticket(ticket_fixture("k-1", "email", "c1", kWhere));
  link(richpanel, "k-1", order_fixture("7042", kHour, false));
  // The close is held (it does its work only after the delay), so rpmw dies waiting for it.
  richpanel.control(
      "faults",
      json::object{
          {"fault", "delay"}, {"count", 1}, {"delay_ms", 60000}, {"match", "PUT /v1/tickets/k-1"}});
  HttpClient client;
  REQUIRE(post_webhook(client, server, webhook_body("k-1", "k-1-m1")).status == 202);
  REQUIRE(poll_until(deadline_in(kPollTimeout), [&] {
    const auto lines = lines_for(richpanel, "k-1");
    return std::find(lines.begin(), lines.end(), "PUT /v1/tickets/k-1") != lines.end();
  }));
  server.kill9();
  richpanel.control("reset", json::object());
  server.start();
  REQUIRE(wait_for_decisions(server, 1));
  const json::object record = latest_decision(server, "k-1");
  CHECK(record.at("execution").as_object().at("resumed").as_bool());
  CHECK(record.at("execution").as_object().at("reply").as_string() == "already_sent");
  const auto lines = lines_for(richpanel, "k-1");  // after the restart only
  CHECK(std::count(lines.begin(), lines.end(), "PUT /v1/tickets/k-1/send-message") == 0);
  const HttpResponse stored = client.get(richpanel.base_url() + "/_control/tickets/k-1");
  REQUIRE(stored.status == 200);
  const json::object ticket = parse_object(stored.body).at("ticket").as_object();
  CHECK(ticket.at("status").as_string() == "CLOSED");
  int operator_comments = 0;
  for (const json::value& c : ticket.at("comments").as_array()) {
    if (c.as_object().at("is_operator").as_bool()) ++operator_comments;
  }
  CHECK(operator_comments == 1);
}

TEST_CASE("e2e faults: a 429 storm without Retry-After backs off and processes later") {
  TempDir dir("rpmw-e2e-429");
  FakeRichpanelProcess richpanel(dir);
  RpmwServer server(with_env(live_env(richpanel, {{"RPMW_FLAGS", "automation_enabled=false"},
                                                  {"RPMW_RICHPANEL_RATE", "4"},
                                                  {"RPMW_RICHPANEL_BURST", "4"},
                                                  {"RPMW_RICHPANEL_COOLDOWN_MS", "3000"}})));
  richpanel.control("rate_limit",
                    json::object{{"limit", 3}, {"window_ms", 1500}, {"retry_after", false}});
  const int tickets = 5;
  HttpClient client;
  for (int i = 0; i < tickets; ++i) {
    const std::string id = "rl-" + std::to_string(i);
    richpanel.put_ticket(ticket_fixture(id, "livechat", "c1", kWhere));
    REQUIRE(post_webhook(client, server, webhook_body(id, id + "-m1")).status == 202);
  }
  REQUIRE(wait_for_decisions(server, tickets, std::chrono::seconds(90)));
  const auto calls = richpanel.calls();
  long rate_limited = 0;
  long tag_calls = 0;
  for (const auto& c : calls) {
    if (c.status == 429) ++rate_limited;
    if (c.status == 200 && c.path.ends_with("/add-tags")) ++tag_calls;
  }
  CHECK(tag_calls == tickets);  // every ticket routed exactly once
  CHECK(rate_limited > 0);      // the storm happened
  // No storm from our side: at most a handful of 429s per successful call.
  CHECK(rate_limited <= static_cast<long>(calls.size() - rate_limited));
  CHECK(server.metric(R"(rpmw_worker_jobs_total{result="dead_letter"})").value_or(0) == 0);
}

}  // namespace rpmw::itest
