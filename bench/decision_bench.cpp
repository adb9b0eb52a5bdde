// Decision throughput on one core: the full worker pipeline (envelope decode, synthetic ticket,
// event key, state claim, normalise, features, redaction, Tier 0 screen, rules classifier, policy,
// decision record, conversation update) with in-memory vendors. Prints figures; asserts nothing.
//   rpmw_decision_bench [GOLDEN.jsonl] [EVENTS]
#include <time.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "app/offline/offline_support.h"
#include "app/runtime/engine_kit.h"
#include "core/ingest/webhook.h"
#include "core/pipeline/pipeline.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/in_memory_flags.h"
#include "tests/fakes/in_memory_state.h"
#include "tests/fakes/recording_metrics.h"

namespace {

double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

std::vector<std::pair<std::string, std::string>> load_texts(const std::string& path) {
  std::vector<std::pair<std::string, std::string>> texts;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    boost::system::error_code ec;
    auto v = boost::json::parse(line, ec);
    if (ec || !v.is_object()) continue;
    const auto& o = v.as_object();
    if (o.contains("text") && o.contains("channel")) {
      texts.emplace_back(std::string(o.at("text").as_string()),
                         std::string(o.at("channel").as_string()));
    }
  }
  if (texts.empty()) texts.emplace_back("Hi, where is my order 1042? Thanks, Jane", "email");
  return texts;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace rpmw;
  const std::string golden = argc > 1 ? argv[1] : "tests/data/golden_v1.jsonl";
  const long events = argc > 2 ? std::stol(argv[2]) : 50000;
  const auto texts = load_texts(golden);

  auto kit = app::EngineKit::embedded();
  fakes::FakeClock clock;
  fakes::InMemoryStateStore state(clock);
  fakes::InMemoryFlagStore flag_store;
  app::NullEventLog log;
  fakes::RecordingMetrics metrics;
  core::flags::FlagDefaults defaults;
  defaults.richpanel_configured = true;
  defaults.initial = {{"automation_enabled", "true"}};
  core::flags::FlagService flags(flag_store, clock, log, defaults, std::chrono::hours(1));
  core::pipeline::Pipeline pipeline(core::pipeline::PipelineDeps{
      state, flags, clock, log, metrics, kit->engine(), nullptr, nullptr, ""});

  // Envelopes are built up front so the timing covers the worker's work only.
  std::vector<core::QueuedEvent> queued;
  queued.reserve(static_cast<std::size_t>(events));
  for (long i = 0; i < events; ++i) {
    const auto& [text, channel] = texts[static_cast<std::size_t>(i) % texts.size()];
    core::ingest::Envelope envelope;
    envelope.webhook.ticket_id = "bench-" + std::to_string(i);
    envelope.webhook.message_id = "m-" + std::to_string(i);
    envelope.webhook.channel = channel;
    envelope.webhook.customer_message = text;
    envelope.trace_id = "trc_bench";
    core::QueuedEvent e;
    e.event_id = "evt_" + std::to_string(i);
    e.group = envelope.webhook.ticket_id;
    e.body = core::ingest::encode_envelope(envelope);
    e.receive_count = 1;
    queued.push_back(std::move(e));
  }
  // First sight: half the corpus warms RE2's lazily built DFAs, then each text of the other half
  // is decided once, the way new customer text arrives in production.
  const core::flags::FlagSnapshot snapshot = flags.snapshot();
  core::Ticket ticket = core::pipeline::synthetic_ticket("t", "c", "email", texts.front().first);
  std::vector<double> unseen;
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = static_cast<std::size_t>(pass); i < texts.size(); i += 2) {
      ticket.comments[0].plain_body = texts[i].first;
      const double t0 = thread_cpu_us();
      (void)kit->engine().run({ticket, ticket.comments[0], snapshot, {}, clock.now()});
      if (pass == 1) unseen.push_back(thread_cpu_us() - t0);
    }
  }
  std::sort(unseen.begin(), unseen.end());
  // Then warm: every text a few more times.
  for (std::size_t i = 0; i < 3 * texts.size(); ++i) {
    ticket.comments[0].plain_body = texts[i % texts.size()].first;
    (void)kit->engine().run({ticket, ticket.comments[0], snapshot, {}, clock.now()});
  }

  std::vector<double> per_event;
  per_event.reserve(queued.size());
  long failures = 0;
  const double cpu_start = thread_cpu_us();
  const auto wall_start = std::chrono::steady_clock::now();
  for (const auto& e : queued) {
    const double t0 = thread_cpu_us();
    if (!pipeline.process(e)) ++failures;
    per_event.push_back(thread_cpu_us() - t0);
  }
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const double cpu_s = (thread_cpu_us() - cpu_start) / 1e6;
  std::sort(per_event.begin(), per_event.end());
  auto pct = [&](double p) {
    return per_event[std::min(per_event.size() - 1,
                              static_cast<std::size_t>(p * static_cast<double>(per_event.size())))];
  };

  // The engine alone (steps 2–8), without the state store.
  const double engine_start = thread_cpu_us();
  const long engine_runs = events;
  for (long i = 0; i < engine_runs; ++i) {
    ticket.comments[0].plain_body = texts[static_cast<std::size_t>(i) % texts.size()].first;
    auto r = kit->engine().run({ticket, ticket.comments[0], snapshot, {}, clock.now()});
    if (r.decision.primary_intent.empty()) ++failures;
  }
  const double engine_cpu_s = (thread_cpu_us() - engine_start) / 1e6;

  std::printf("decision pipeline, one thread, rules classifier, in-memory vendors\n");
  std::printf("  corpus                  %zu texts from %s, %ld events\n", texts.size(),
              golden.c_str(), events);
  std::printf("  full pipeline           %.0f decisions/s per core (CPU), %.0f/s wall\n",
              static_cast<double>(events) / cpu_s, static_cast<double>(events) / wall_s);
  std::printf("  per-event CPU           p50 %.1f us, p99 %.1f us, max %.1f us\n", pct(0.50),
              pct(0.99), per_event.back());
  std::printf("  engine only (steps 2-8) %.0f decisions/s per core\n",
              static_cast<double>(engine_runs) / engine_cpu_s);
  if (!unseen.empty()) {
    std::printf("  first sight of a text   p50 %.1f us, p99 %.1f us (engine, %zu unseen texts)\n",
                unseen[unseen.size() / 2],
                unseen[std::min(unseen.size() - 1, unseen.size() * 99 / 100)], unseen.size());
  }
  std::printf("  failures                %ld\n", failures);
  std::printf("  goal                    >= 20000 decisions/s per core: %s\n",
              static_cast<double>(events) / cpu_s >= 20000 ? "met" : "NOT met");
  return failures == 0 ? 0 : 1;
}
