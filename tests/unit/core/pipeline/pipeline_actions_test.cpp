// The pipeline acting on a helpdesk (step 9): the plan is stored before the first write, and a
// retry after a failure resumes it instead of deciding again.
#include <doctest/doctest.h>

#include <algorithm>
#include <boost/json.hpp>

#include "adapters/observability/prometheus_metrics.h"
#include "app/runtime/engine_kit.h"
#include "core/ingest/webhook.h"
#include "core/pipeline/pipeline.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_helpdesk.h"
#include "tests/fakes/in_memory_flags.h"
#include "tests/fakes/in_memory_state.h"
#include "tests/fakes/recording_event_log.h"
#include "tests/unit/core/actions/actions_test_support.h"

namespace json = boost::json;
using rpmw::actions_test::catalog;
using rpmw::core::ErrorKind;
using rpmw::core::pipeline::PipelineOutcome;

namespace {

constexpr const char* kTicket = "t-act";
constexpr const char* kDamaged =
    "Hello, my blender arrived with the glass jar cracked. Order 1042.";

rpmw::core::flags::FlagDefaults live_defaults(const std::string& flags = "") {
  rpmw::core::flags::FlagDefaults d;
  d.richpanel_configured = true;
  d.initial["automation_enabled"] = "true";
  if (!flags.empty()) d.initial[flags] = "true";
  return d;
}

struct Harness {
  explicit Harness(const std::string& channel = "livechat", const std::string& flag = "")
      : flags(flag_store, clock, log, live_defaults(flag), std::chrono::seconds(30)),
        kit(rpmw::app::EngineKit::embedded()),
        pipeline(
            {state, flags, clock, log, metrics, kit->engine(), &helpdesk, &catalog(), "bot-1"}) {
    rpmw::core::Ticket t;
    t.id = kTicket;
    t.status = "OPEN";
    t.channel = channel;
    rpmw::core::Comment c;
    c.id = "c1";
    c.plain_body = kDamaged;
    t.comments.push_back(c);
    helpdesk.put_ticket(t);
  }

  rpmw::core::Result<PipelineOutcome> process() {
    rpmw::core::ingest::Envelope envelope;
    envelope.webhook.ticket_id = kTicket;
    envelope.webhook.message_id = "m1";
    envelope.trace_id = "trc_1";
    rpmw::core::QueuedEvent event;
    event.event_id = "evt_1";
    event.group = kTicket;
    event.body = rpmw::core::ingest::encode_envelope(envelope);
    return pipeline.process(event);
  }

  json::object last_record() {
    const auto all = state.all_decisions();
    REQUIRE_FALSE(all.empty());
    return json::parse(all.back().json).as_object();
  }

  bool tagged(const std::string& tag) const {
    const auto tags = helpdesk.ticket(kTicket)->tags;
    return std::find(tags.begin(), tags.end(), tag) != tags.end();
  }

  rpmw::fakes::FakeClock clock;
  rpmw::fakes::InMemoryStateStore state{clock};
  rpmw::fakes::InMemoryFlagStore flag_store;
  rpmw::fakes::RecordingEventLog log;
  rpmw::adapters::observability::PrometheusMetrics metrics;
  rpmw::fakes::FakeHelpdesk helpdesk;
  rpmw::core::flags::FlagService flags;
  std::unique_ptr<rpmw::app::EngineKit> kit;
  rpmw::core::pipeline::Pipeline pipeline;
};

}  // namespace

TEST_CASE("pipeline actions: a Tier 1 reply, recorded with what was done") {
  Harness h;
  auto outcome = h.process();
  REQUIRE(outcome.has_value());
  CHECK(outcome->action == "send_reply");
  CHECK(outcome->reply == "sent");
  const json::object record = h.last_record();
  CHECK(record.at("template_id").as_string() == "t_damaged_item_intake");
  const json::object& execution = record.at("execution").as_object();
  CHECK(execution.at("mode").as_string() == "live");
  CHECK(execution.at("reply").as_string() == "sent");
  CHECK(execution.at("tags").as_string() == "applied");
  CHECK(execution.at("vendor_calls").as_int64() == 3);  // + the ticket read = 4 (spec/03)
  CHECK(h.helpdesk.calls().size() == 4);
  CHECK(h.tagged("mw-auto-replied"));
  // The cooldown sees the reply.
  auto conversation = h.state.get_conversation(kTicket);
  REQUIRE(conversation.has_value());
  REQUIRE(conversation->has_value());
  CHECK((*conversation)->auto_reply_epoch_ms.size() == 1);
  CHECK(json::serialize(record).find("blender") == std::string::npos);
}

TEST_CASE("pipeline actions: the tag call fails after the reply; the retry resumes the plan") {
  Harness h;
  h.helpdesk.fail_next({ErrorKind::transient, "http_503", std::nullopt}, "add_tags");
  auto first = h.process();
  REQUIRE_FALSE(first.has_value());
  CHECK(first.error().retryable());
  CHECK(h.helpdesk.count("add_public_comment") == 1);
  CHECK(h.state.all_decisions().empty());  // the event is not done yet

  // The ticket now ends with our own operator comment: a fresh decision would skip it as
  // "operator last". The stored plan finishes the job instead.
  auto retry = h.process();
  REQUIRE(retry.has_value());
  CHECK(retry->kind == PipelineOutcome::Kind::processed);
  CHECK(retry->reply == "already_sent");
  CHECK(h.helpdesk.count("add_public_comment") == 1);
  CHECK(h.tagged("mw-auto-replied"));
  CHECK(h.tagged("mw-template-t_damaged_item_intake"));
  const json::object record = h.last_record();
  CHECK(record.at("execution").as_object().at("resumed").as_bool());
  CHECK(h.log.count("worker.actions.resumed") == 1);
  auto conversation = h.state.get_conversation(kTicket);
  REQUIRE(conversation->has_value());
  CHECK((*conversation)->auto_reply_epoch_ms.size() == 1);

  auto third = h.process();  // a redelivery after it finished
  REQUIRE(third.has_value());
  CHECK(third->kind == PipelineOutcome::Kind::duplicate);
  CHECK(h.helpdesk.count("add_tags") == 2);  // the failed call and the one that landed
}

TEST_CASE("pipeline actions: a permanent tag failure is an error for the DLQ") {
  Harness h;
  h.helpdesk.fail_next({ErrorKind::permanent, "http_400", std::nullopt}, "add_tags");
  auto outcome = h.process();
  REQUIRE_FALSE(outcome.has_value());
  CHECK(outcome.error().kind == ErrorKind::permanent);
}

TEST_CASE("pipeline actions: shadow mode reads the ticket and writes nothing") {
  Harness h("livechat", "shadow_mode");
  auto outcome = h.process();
  REQUIRE(outcome.has_value());
  CHECK(h.helpdesk.calls().size() == 1);
  CHECK(h.helpdesk.count("get_ticket") == 1);
  CHECK(h.last_record().at("execution").as_object().at("mode").as_string() == "shadow");
}

TEST_CASE("pipeline actions: safe mode writes tags only") {
  Harness h("livechat", "safe_mode");
  auto outcome = h.process();
  REQUIRE(outcome.has_value());
  CHECK(outcome->action == "route_only");
  CHECK(h.helpdesk.count("add_tags") == 1);
  CHECK(h.helpdesk.count("add_public_comment") == 0);
  CHECK(h.helpdesk.count("set_status") == 0);
}

TEST_CASE("pipeline actions: an email reply without a bot author goes to a human") {
  Harness h("email");
  rpmw::core::pipeline::Pipeline no_author(
      {h.state, h.flags, h.clock, h.log, h.metrics, h.kit->engine(), &h.helpdesk, &catalog(), ""});
  rpmw::core::ingest::Envelope envelope;
  envelope.webhook.ticket_id = kTicket;
  envelope.trace_id = "trc_2";
  rpmw::core::QueuedEvent event;
  event.event_id = "evt_2";
  event.body = rpmw::core::ingest::encode_envelope(envelope);
  auto outcome = no_author.process(event);
  REQUIRE(outcome.has_value());
  CHECK(outcome->action == "route_only");
  CHECK(h.helpdesk.count("send_message") == 0);
  CHECK(h.tagged("mw-send-failed"));
  CHECK(h.tagged("mw-escalated-human"));
  const json::object record = h.last_record();
  const auto& reasons = record.at("reason_codes").as_array();
  CHECK(std::find(reasons.begin(), reasons.end(), json::value("bot_author_missing")) !=
        reasons.end());
}

TEST_CASE("pipeline actions: a kill switch turned on before the retry stops the resumed reply") {
  Harness h;
  // The first attempt stores its plan, then the send fails before landing.
  h.helpdesk.fail_next({ErrorKind::transient, "http_503", std::nullopt}, "add_public_comment");
  REQUIRE_FALSE(h.process().has_value());
  REQUIRE(h.flags.set("safe_mode", "true", "test").has_value());

  auto retry = h.process();
  REQUIRE(retry.has_value());
  CHECK(retry->reply == "blocked");
  CHECK(h.helpdesk.count("add_public_comment") == 1);  // only the failed one
  CHECK(h.helpdesk.count("set_status") == 0);
  CHECK(h.tagged("mw-escalated-human"));
  CHECK_FALSE(h.tagged("mw-auto-replied"));
  const json::object record = h.last_record();
  const auto& reasons = record.at("reason_codes").as_array();
  CHECK(std::find(reasons.begin(), reasons.end(), json::value("safe_mode_route_only")) !=
        reasons.end());
}
