#include "core/actions/action_executor.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "adapters/observability/prometheus_metrics.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_helpdesk.h"
#include "tests/fakes/in_memory_state.h"
#include "tests/fakes/recording_event_log.h"
#include "tests/unit/core/actions/actions_test_support.h"

using rpmw::actions_test::catalog;
using rpmw::actions_test::has;
using rpmw::core::ErrorKind;
using rpmw::core::actions::ActionExecutor;
using rpmw::core::actions::ActionPlan;
using rpmw::core::actions::ExecutionInput;
using rpmw::core::actions::ExecutionReport;
using rpmw::core::policy::PolicyDecision;

namespace {

rpmw::core::Error transient() {
  return {ErrorKind::transient, "http_503", std::nullopt};
}

struct Harness {
  explicit Harness(std::string channel = "email") {
    rpmw::core::Ticket t;
    t.id = "<CAF1x9Qp7=abc+x@mail.gmail.com>";
    t.status = "OPEN";
    t.channel = channel;
    rpmw::core::Comment c;
    c.id = "c1";
    c.plain_body = "my parcel arrived broken";
    t.comments.push_back(c);
    helpdesk.put_ticket(t);
  }

  ActionPlan plan(const std::string& template_id, const std::string& tier,
                  std::map<std::string, std::string> vars = {}, bool close = false) {
    PolicyDecision d;
    d.action = "send_reply";
    d.template_id = template_id;
    d.tier = tier;
    d.template_vars = std::move(vars);
    d.close_after_reply = close;
    d.tags = {"route-returns-admin", "mw-routing-applied", "mw-processed"};
    const std::string channel = helpdesk.ticket(ticket_id)->channel;
    return rpmw::core::actions::plan_actions(
        d, {catalog(), channel, "bot-1", [](const std::string&) { return true; }});
  }

  // One attempt: reads the ticket first, as the pipeline does.
  rpmw::core::Result<ExecutionReport> run(const ActionPlan& plan) {
    const rpmw::core::Ticket ticket = *helpdesk.ticket(ticket_id);
    return executor.execute(ExecutionInput{event_key, trace, ticket, comment_id, plan, deadline});
  }

  std::vector<std::string> methods() const {
    std::vector<std::string> out;
    for (const auto& c : helpdesk.calls()) out.push_back(c.method);
    return out;
  }

  std::string ticket_id = "<CAF1x9Qp7=abc+x@mail.gmail.com>";
  std::string event_key = ticket_id + ":c1";
  std::string trace = "trc_1";
  std::string comment_id = "c1";
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  rpmw::fakes::FakeClock clock;
  rpmw::fakes::FakeHelpdesk helpdesk;
  rpmw::fakes::InMemoryStateStore state{clock};
  rpmw::fakes::RecordingEventLog log;
  rpmw::adapters::observability::PrometheusMetrics metrics;
  ActionExecutor executor{{helpdesk, state, catalog(), log, metrics, "bot-1"}};
};

}  // namespace

TEST_CASE("executor: route-only is one add-tags call, once per event") {
  Harness h;
  ActionPlan plan;
  plan.tags = {"route-returns-admin", "mw-routing-applied"};
  auto first = h.run(plan);
  REQUIRE(first.has_value());
  CHECK(first->tags == "applied");
  CHECK(first->vendor_calls == 1);
  CHECK(h.methods() == std::vector<std::string>{"add_tags"});
  CHECK(h.helpdesk.ticket(h.ticket_id)->tags == plan.tags);

  auto again = h.run(plan);  // a redelivery of the same event
  REQUIRE(again.has_value());
  CHECK(again->tags == "already_applied");
  CHECK(again->vendor_calls == 0);
  CHECK(h.helpdesk.calls().size() == 1);
}

TEST_CASE("executor: an email reply goes through send-message with the bot author, then tags") {
  Harness h;
  const ActionPlan plan = h.plan("t_damaged_item_intake", "TIER_1_SAFE_ASSIST");
  auto report = h.run(plan);
  REQUIRE(report.has_value());
  CHECK(report->reply == "sent");
  CHECK(report->vendor_calls == 3);
  CHECK(h.methods() == std::vector<std::string>{"send_message", "get_ticket", "add_tags"});
  const auto calls = h.helpdesk.calls();
  CHECK(calls[0].author_id == "bot-1");
  CHECK(calls[0].body == plan.reply->body);
  CHECK(has(calls[2].tags, "mw-auto-replied"));
  CHECK(has(calls[2].tags, "mw-template-t_damaged_item_intake"));
  CHECK(has(calls[2].tags, "route-returns-admin"));
  CHECK(h.log.count("action.reply.success") == 1);
}

TEST_CASE("executor: other channels get a public comment") {
  Harness h("livechat");
  auto report = h.run(h.plan("t_damaged_item_intake", "TIER_1_SAFE_ASSIST"));
  REQUIRE(report.has_value());
  CHECK(h.methods() == std::vector<std::string>{"add_public_comment", "get_ticket", "add_tags"});
}

TEST_CASE("executor: a 5xx after send-message landed: the retry finds the reply, sends nothing") {
  Harness h;
  const ActionPlan plan = h.plan("t_damaged_item_intake", "TIER_1_SAFE_ASSIST");
  h.helpdesk.fail_next_after_applying(transient(), "send_message");
  auto first = h.run(plan);
  REQUIRE_FALSE(first.has_value());
  CHECK(first.error().retryable());
  CHECK(h.helpdesk.count("add_tags") == 0);

  auto retry = h.run(plan);
  REQUIRE(retry.has_value());
  CHECK(retry->reply == "already_sent");
  CHECK(h.helpdesk.count("send_message") == 1);
  CHECK(has(h.helpdesk.ticket(h.ticket_id)->tags, "mw-auto-replied"));
}

TEST_CASE("executor: a send that failed before landing is sent on the retry, once") {
  Harness h;
  const ActionPlan plan = h.plan("t_damaged_item_intake", "TIER_1_SAFE_ASSIST");
  SUBCASE("5xx") {
    h.helpdesk.fail_next(transient(), "send_message");
  }
  SUBCASE("429") {
    h.helpdesk.fail_next({ErrorKind::rate_limited, "http_429", std::nullopt}, "send_message");
  }
  REQUIRE_FALSE(h.run(plan).has_value());
  auto retry = h.run(plan);
  REQUIRE(retry.has_value());
  CHECK(retry->reply == "sent");
  CHECK(h.helpdesk.count("send_message") == 2);  // the failed call and the one that landed
  CHECK(h.helpdesk.ticket(h.ticket_id)->comments.size() == 2);
  auto third = h.run(plan);
  REQUIRE(third.has_value());
  CHECK(third->reply == "already_sent");
  CHECK(h.helpdesk.ticket(h.ticket_id)->comments.size() == 2);
}

TEST_CASE("executor: a permanent send failure routes to a human with mw-send-failed") {
  Harness h;
  h.helpdesk.fail_next({ErrorKind::permanent, "http_400", std::nullopt}, "send_message");
  auto report = h.run(h.plan("t_damaged_item_intake", "TIER_1_SAFE_ASSIST"));
  REQUIRE(report.has_value());
  CHECK(report->reply == "failed");
  const auto tags = h.helpdesk.ticket(h.ticket_id)->tags;
  CHECK(has(tags, "mw-send-failed"));
  CHECK(has(tags, "mw-escalated-human"));
  CHECK_FALSE(has(tags, "mw-auto-replied"));
  CHECK(has(tags, "route-returns-admin"));
}

TEST_CASE("executor: a reply the read-back cannot confirm is never sent twice") {
  Harness h;
  const ActionPlan plan = h.plan("t_damaged_item_intake", "TIER_1_SAFE_ASSIST");
  h.helpdesk.hide_operator_comments(true);
  auto first = h.run(plan);
  REQUIRE_FALSE(first.has_value());
  CHECK(first.error().code == "reply_unverified");
  // The pipeline's next attempt reads the ticket, which still does not show it.
  rpmw::core::Ticket hidden = *h.helpdesk.get_ticket(h.ticket_id);
  auto retry = h.executor.execute(
      ExecutionInput{h.event_key, h.trace, hidden, h.comment_id, plan, h.deadline});
  REQUIRE(retry.has_value());
  CHECK(retry->reply == "failed");
  CHECK(h.helpdesk.count("send_message") == 1);
  CHECK(has(h.helpdesk.ticket(h.ticket_id)->tags, "mw-send-failed"));
  CHECK_FALSE(has(h.helpdesk.ticket(h.ticket_id)->tags, "mw-auto-replied"));
}

TEST_CASE("executor: an operator who answered first is not talked over") {
  Harness h;
  const ActionPlan plan = h.plan("t_damaged_item_intake", "TIER_1_SAFE_ASSIST");
  h.helpdesk.add_public_comment(h.ticket_id, "An agent got here first.");
  h.helpdesk.calls();  // the set-up call is not the executor's
  const std::size_t before = h.helpdesk.calls().size();
  auto report = h.run(plan);
  REQUIRE(report.has_value());
  CHECK(report->reply == "operator_replied");
  CHECK(h.helpdesk.calls().size() == before + 1);  // tags only
  CHECK(has(h.helpdesk.ticket(h.ticket_id)->tags, "mw-escalated-human"));
}

TEST_CASE("executor: the ETA reply closes the ticket after the tags; a close timeout resumes") {
  Harness h("livechat");
  const ActionPlan plan = h.plan("t_order_eta_no_tracking_verified", "TIER_2_VERIFIED",
                                 {{"order_id", "#1042"},
                                  {"shipping_bucket", "standard"},
                                  {"eta_remaining_human", "2 business days"}},
                                 true);
  REQUIRE(plan.close_after_reply);
  h.helpdesk.fail_next({ErrorKind::transient, "timeout", std::nullopt}, "set_status");
  REQUIRE_FALSE(h.run(plan).has_value());
  CHECK(h.helpdesk.ticket(h.ticket_id)->status == "OPEN");

  auto retry = h.run(plan);
  REQUIRE(retry.has_value());
  CHECK(retry->reply == "already_sent");
  CHECK(retry->tags == "already_applied");
  CHECK(retry->close == "closed");
  CHECK(h.helpdesk.ticket(h.ticket_id)->status == "CLOSED");
  CHECK(h.helpdesk.count("add_public_comment") == 1);
  CHECK(h.helpdesk.count("add_tags") == 1);
  CHECK(has(h.helpdesk.ticket(h.ticket_id)->tags, "mw-auto-closed"));
}

TEST_CASE("executor: a plan that asks to close a template outside the allow-list does not close") {
  Harness h("livechat");
  ActionPlan plan = h.plan("t_damaged_item_intake", "TIER_1_SAFE_ASSIST");
  plan.close_after_reply = true;  // a tampered or buggy plan
  auto report = h.run(plan);
  REQUIRE(report.has_value());
  CHECK(report->close == "none");
  CHECK(h.helpdesk.count("set_status") == 0);
}

TEST_CASE("executor: past the event deadline no vendor step starts; the retry resumes") {
  Harness h;
  const ActionPlan plan = h.plan("t_damaged_item_intake", "TIER_1_SAFE_ASSIST");
  h.deadline = std::chrono::steady_clock::time_point::min();
  auto late = h.run(plan);
  REQUIRE_FALSE(late.has_value());
  CHECK(late.error().code == "event_deadline_exceeded");
  CHECK(late.error().retryable());
  CHECK(h.helpdesk.calls().empty());

  h.deadline = std::chrono::steady_clock::time_point::max();
  auto retry = h.run(plan);
  REQUIRE(retry.has_value());
  CHECK(retry->reply == "sent");
  CHECK(h.helpdesk.count("send_message") == 1);
}
