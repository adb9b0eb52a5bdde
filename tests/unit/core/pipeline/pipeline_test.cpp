#include "core/pipeline/pipeline.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <string>

#include "adapters/observability/prometheus_metrics.h"
#include "app/runtime/engine_kit.h"
#include "core/ingest/webhook.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_helpdesk.h"
#include "tests/fakes/in_memory_flags.h"
#include "tests/fakes/in_memory_state.h"
#include "tests/fakes/recording_event_log.h"

namespace json = boost::json;
using rpmw::adapters::observability::PrometheusMetrics;
using rpmw::core::ErrorKind;
using rpmw::core::QueuedEvent;
using rpmw::core::flags::FlagDefaults;
using rpmw::core::flags::FlagService;
using rpmw::core::pipeline::Pipeline;
using rpmw::core::pipeline::PipelineDeps;
using rpmw::core::pipeline::PipelineOutcome;
using rpmw::fakes::FakeClock;
using rpmw::fakes::FakeHelpdesk;
using rpmw::fakes::InMemoryFlagStore;
using rpmw::fakes::InMemoryStateStore;
using rpmw::fakes::RecordingEventLog;

namespace {

constexpr std::string_view kCustomerText =
    "Hi, Jane Doe here, jane.doe@example.com, 742 Evergreen Terrace, where is order 1001?";

struct Harness {
  explicit Harness(FlagDefaults defaults = {}, FakeHelpdesk* helpdesk_in = nullptr)
      : flags(flag_store, clock, log, std::move(defaults), std::chrono::seconds(30)),
        kit(rpmw::app::EngineKit::embedded()),
        pipeline(PipelineDeps{state, flags, clock, log, metrics, kit->engine(), helpdesk_in,
                              nullptr, ""}) {}

  FakeClock clock;
  InMemoryStateStore state{clock};
  InMemoryFlagStore flag_store;
  RecordingEventLog log;
  PrometheusMetrics metrics;
  FlagService flags;
  std::unique_ptr<rpmw::app::EngineKit> kit;
  Pipeline pipeline;
};

QueuedEvent queued(const std::string& ticket_id, const std::string& message_id,
                   const std::string& event_id = "evt_01TEST",
                   const std::string& channel = "email") {
  rpmw::core::ingest::Envelope envelope;
  envelope.webhook.ticket_id = ticket_id;
  envelope.webhook.message_id = message_id;
  envelope.webhook.channel = channel;
  envelope.webhook.customer_message = std::string(kCustomerText);
  envelope.trace_id = "trc_01TRACE";
  envelope.received_at_ms = 1'767'225'599'000;
  QueuedEvent event;
  event.event_id = event_id;
  event.group = ticket_id;
  event.body = rpmw::core::ingest::encode_envelope(envelope);
  event.trace_id = envelope.trace_id;
  event.receipt = event_id + ":1";
  event.receive_count = 1;
  return event;
}

rpmw::core::Comment comment(std::string id, bool is_operator, std::string text = "") {
  rpmw::core::Comment c;
  c.id = std::move(id);
  c.is_operator = is_operator;
  c.plain_body = std::move(text);
  return c;
}

}  // namespace

TEST_CASE("core/pipeline: process records one decision without customer text") {
  Harness h;
  auto outcome = h.pipeline.process(queued("t-1", "<m-1@mail>"));
  REQUIRE(outcome.has_value());
  CHECK(outcome->kind == PipelineOutcome::Kind::processed);
  CHECK(outcome->event_key == "t-1:<m-1@mail>");
  CHECK(outcome->ticket_id == "t-1");
  CHECK(outcome->action == "route_only");

  const auto decisions = h.state.all_decisions();
  REQUIRE(decisions.size() == 1);
  const auto& d = decisions.front();
  CHECK(d.ticket_id == "t-1");
  CHECK(d.event_key == "t-1:<m-1@mail>");
  CHECK(d.event_id == "evt_01TEST");
  CHECK(d.trace_id == "trc_01TRACE");
  CHECK(d.at == h.clock.now());

  json::value v = json::parse(d.json);
  REQUIRE(v.is_object());
  const json::object& record = v.as_object();
  CHECK(record.at("status").as_string() == "decided");
  CHECK(record.at("trace_id").as_string() == "trc_01TRACE");
  CHECK(record.at("event_key").as_string() == "t-1:<m-1@mail>");
  CHECK(record.at("event_id").as_string() == "evt_01TEST");
  CHECK(record.at("ticket_id").as_string() == "t-1");
  CHECK(record.at("channel").as_string() == "email");
  // "where is order 1001?" is an order-status question; automation is off by default.
  CHECK(record.at("primary_intent").as_string() == "order_status_tracking");
  CHECK(record.at("destination_team").as_string() == "Email Support Team");
  CHECK(record.at("action").as_string() == "route_only");
  CHECK(record.at("classifier").as_string() == "rules");
  const auto& reasons = record.at("reason_codes").as_array();
  CHECK(std::find(reasons.begin(), reasons.end(), json::value("automation_disabled")) !=
        reasons.end());
  CHECK(std::find(reasons.begin(), reasons.end(), json::value("shadow_mode")) != reasons.end());
  CHECK(record.at("shadow_mode").as_bool());
  CHECK(record.at("versions").as_object().at("policy").as_string().size() > 0);
  CHECK(record.at("redactions").as_int64() >= 2);  // the email and the street address
  auto made = h.log.find("policy.decision.made");
  REQUIRE(made.has_value());
  CHECK(rpmw::fakes::field_text(*made, "primary_intent") == "order_status_tracking");

  for (const char* needle : {"Jane", "jane.doe", "Evergreen", "where is order"}) {
    CHECK(d.json.find(needle) == std::string::npos);
  }

  auto event = h.state.get_event("t-1:<m-1@mail>");
  REQUIRE(event.has_value());
  REQUIRE(event->has_value());
  CHECK((*event)->status == rpmw::core::EventStatus::done);
}

TEST_CASE("core/pipeline: the event key falls back to the event id without a message id") {
  Harness h;
  auto outcome = h.pipeline.process(queued("t-1", "", "evt_FALLBACK", ""));
  REQUIRE(outcome.has_value());
  CHECK(outcome->event_key == "t-1:evt_FALLBACK");
  const auto decisions = h.state.all_decisions();
  REQUIRE(decisions.size() == 1);
  json::value v = json::parse(decisions.front().json);
  CHECK(v.as_object().at("channel").as_string() == "unknown");
}

TEST_CASE("core/pipeline: the same event processed twice is a duplicate with one decision") {
  Harness h;
  auto first = h.pipeline.process(queued("t-1", "<m-1@mail>", "evt_A"));
  REQUIRE(first.has_value());
  // A redelivery, or the same message arriving through a second webhook (new event id).
  auto second = h.pipeline.process(queued("t-1", "<m-1@mail>", "evt_B"));
  REQUIRE(second.has_value());
  CHECK(second->kind == PipelineOutcome::Kind::duplicate);
  CHECK(second->event_key == first->event_key);
  CHECK(h.state.all_decisions().size() == 1);
  auto logged = h.log.find("system.idempotency.duplicate_event_detected");
  REQUIRE(logged.has_value());
  CHECK(rpmw::fakes::field_text(*logged, "step") == "worker");
  CHECK(rpmw::fakes::field_text(*logged, "event_key") == "t-1:<m-1@mail>");

  // Another message on the same ticket is processed.
  auto third = h.pipeline.process(queued("t-1", "<m-2@mail>", "evt_C"));
  REQUIRE(third.has_value());
  CHECK(third->kind == PipelineOutcome::Kind::processed);
  CHECK(h.state.all_decisions().size() == 2);
}

TEST_CASE("core/pipeline: an undecodable envelope is a permanent error") {
  Harness h;
  QueuedEvent garbage = queued("t-1", "m-1");
  garbage.body = "this is not json";
  auto outcome = h.pipeline.process(garbage);
  REQUIRE_FALSE(outcome.has_value());
  CHECK(outcome.error().kind == ErrorKind::permanent);
  CHECK(outcome.error().code == "envelope_invalid_json");

  garbage.body = R"({"v":1,"trace_id":"trc_x"})";
  outcome = h.pipeline.process(garbage);
  REQUIRE_FALSE(outcome.has_value());
  CHECK(outcome.error().kind == ErrorKind::permanent);
  CHECK(h.state.all_decisions().empty());
}

TEST_CASE("core/pipeline: a state store failure propagates its error") {
  Harness h;
  SUBCASE("begin_event") {
    h.state.fail_next({ErrorKind::transient, "sqlite_busy", std::chrono::milliseconds(50)},
                      "begin_event");
    auto outcome = h.pipeline.process(queued("t-1", "m-1"));
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().kind == ErrorKind::transient);
    CHECK(outcome.error().code == "sqlite_busy");
    CHECK(outcome.error().retry_after == std::chrono::milliseconds(50));
  }
  SUBCASE("finish_event") {
    h.state.fail_next({ErrorKind::unavailable, "sqlite_full", {}}, "finish_event");
    auto outcome = h.pipeline.process(queued("t-1", "m-1"));
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().kind == ErrorKind::unavailable);
    CHECK(outcome.error().code == "sqlite_full");
  }
  CHECK(h.state.all_decisions().empty());
  // The retry after the failure processes the event (it was never marked done).
  auto retried = h.pipeline.process(queued("t-1", "m-1"));
  REQUIRE(retried.has_value());
  CHECK(retried->kind == PipelineOutcome::Kind::processed);
  CHECK(h.state.all_decisions().size() == 1);
}

TEST_CASE(
    "core/pipeline: with a helpdesk and shadow mode off the key uses the latest customer comment") {
  FakeHelpdesk helpdesk;
  rpmw::core::Ticket ticket;
  ticket.id = "t-1";
  ticket.channel = "livechat";
  // Newest first would be c-3; an operator comment in between does not change the key. (A ticket
  // whose newest comment is an operator's is skipped: see "a newest operator comment …".)
  ticket.comments = {comment("c-1", false, "first"), comment("c-2", true, "operator"),
                     comment("c-3", false, "second")};
  helpdesk.put_ticket(ticket);

  FlagDefaults defaults;
  defaults.richpanel_configured = true;  // shadow_mode defaults to false
  Harness h(defaults, &helpdesk);
  // The webhook's message id is not what keys the event: the ticket read is authoritative.
  auto outcome = h.pipeline.process(queued("t-1", "<webhook-m@mail>", "evt_H", "email"));
  REQUIRE(outcome.has_value());
  CHECK(outcome->event_key == "t-1:c-3");
  CHECK(helpdesk.count("get_ticket") == 1);
  const auto decisions = h.state.all_decisions();
  REQUIRE(decisions.size() == 1);
  json::value v = json::parse(decisions.front().json);
  CHECK_FALSE(v.as_object().at("shadow_mode").as_bool());
  CHECK(v.as_object().at("channel").as_string() == "livechat");

  // A second webhook for the same customer comment is a duplicate.
  auto again = h.pipeline.process(queued("t-1", "", "evt_I"));
  REQUIRE(again.has_value());
  CHECK(again->kind == PipelineOutcome::Kind::duplicate);
  CHECK(h.state.all_decisions().size() == 1);

  // Operator-only tickets fall back to the event id and are skipped: nothing new from the customer.
  rpmw::core::Ticket operator_only;
  operator_only.id = "t-2";
  operator_only.comments = {comment("c-9", true)};
  helpdesk.put_ticket(operator_only);
  auto fallback = h.pipeline.process(queued("t-2", "m", "evt_J"));
  REQUIRE(fallback.has_value());
  CHECK(fallback->event_key == "t-2:evt_J");
  CHECK(fallback->kind == PipelineOutcome::Kind::skipped);
  json::value skipped = json::parse(h.state.all_decisions().back().json);
  CHECK(skipped.as_object().at("reason_codes").as_array()[0].as_string() == "operator_last");
}

TEST_CASE("core/pipeline: a newest operator comment means nothing new from the customer") {
  FakeHelpdesk helpdesk;
  rpmw::core::Ticket ticket;
  ticket.id = "t-1";
  ticket.channel = "email";
  ticket.comments = {comment("c-1", false, "where is my order?"),
                     comment("c-2", true, "auto-reply from a Richpanel rule")};
  helpdesk.put_ticket(ticket);
  FlagDefaults defaults;
  defaults.richpanel_configured = true;
  Harness h(defaults, &helpdesk);
  auto outcome = h.pipeline.process(queued("t-1", "", "evt_K"));
  REQUIRE(outcome.has_value());
  CHECK(outcome->kind == PipelineOutcome::Kind::skipped);
  CHECK(outcome->event_key == "t-1:c-1");
  CHECK(h.log.find("policy.decision.made") == std::nullopt);
}

TEST_CASE("core/pipeline: a helpdesk read failure propagates and shadow mode skips the read") {
  FakeHelpdesk helpdesk;
  SUBCASE("failure") {
    FlagDefaults defaults;
    defaults.richpanel_configured = true;
    Harness h(defaults, &helpdesk);
    helpdesk.fail_next({ErrorKind::rate_limited, "richpanel_429", std::chrono::seconds(3)},
                       "get_ticket");
    auto outcome = h.pipeline.process(queued("t-1", "m-1"));
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().kind == ErrorKind::rate_limited);
    CHECK(outcome.error().retry_after == std::chrono::milliseconds(3000));
    CHECK(h.state.all_decisions().empty());

    // Unknown ticket: the helpdesk's not_found comes back as is.
    auto missing = h.pipeline.process(queued("t-404", "m-1"));
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().kind == ErrorKind::not_found);
  }
  SUBCASE("shadow mode switched on by flag: the ticket is still read, nothing is written") {
    rpmw::core::Ticket ticket;
    ticket.id = "t-1";
    ticket.channel = "email";
    ticket.comments = {comment("c-1", false, "please cancel my order 55120")};
    helpdesk.put_ticket(ticket);
    FlagDefaults defaults;
    defaults.richpanel_configured = true;
    Harness h(defaults, &helpdesk);
    REQUIRE(h.flags.set("shadow_mode", "true", "test").has_value());
    auto outcome = h.pipeline.process(queued("t-1", "m-1"));
    REQUIRE(outcome.has_value());
    CHECK(outcome->event_key == "t-1:c-1");
    CHECK(helpdesk.count("get_ticket") == 1);
    CHECK(helpdesk.calls().size() == 1);  // the read, and no write of any kind
    json::value v = json::parse(h.state.all_decisions().front().json);
    CHECK(v.as_object().at("shadow_mode").as_bool());
    CHECK(v.as_object().at("primary_intent").as_string() == "cancel_order");
  }
}

TEST_CASE("core/pipeline: synthetic_ticket and event_key_for") {
  using rpmw::core::pipeline::event_key_for;
  using rpmw::core::pipeline::synthetic_ticket;
  CHECK(event_key_for("t-1", "c-1") == "t-1:c-1");
  CHECK(event_key_for("<a@b>", "<c@d>") == "<a@b>:<c@d>");
  const auto ticket = synthetic_ticket("t-1", "c-1", "", "hello");
  CHECK(ticket.id == "t-1");
  CHECK(ticket.status == "OPEN");
  CHECK(ticket.channel == "unknown");
  REQUIRE(ticket.comments.size() == 1);
  CHECK(ticket.comments[0].id == "c-1");
  CHECK(ticket.comments[0].plain_body == "hello");
  CHECK_FALSE(ticket.comments[0].is_operator);
  CHECK(synthetic_ticket("t-1", "c-1", "email", "").channel == "email");
}
