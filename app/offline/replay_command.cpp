// `rpmw replay FILE.jsonl`: every recorded event through the full pipeline (ticket read, event
// key, duplicates, decision, record) against in-memory vendors serving the recorded snapshots.
#include <boost/json.hpp>

#include <fstream>
#include <iostream>
#include <map>

#include "app/offline/offline_commands.h"
#include "app/offline/offline_input.h"
#include "app/offline/offline_support.h"
#include "app/runtime/engine_kit.h"
#include "core/eval/replay_diff.h"
#include "core/ingest/webhook.h"
#include "core/pipeline/pipeline.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_helpdesk.h"
#include "tests/fakes/fake_order_source.h"
#include "tests/fakes/in_memory_flags.h"
#include "tests/fakes/in_memory_state.h"
#include "tests/fakes/recording_metrics.h"

namespace rpmw::app {
namespace json = boost::json;
namespace {

std::vector<json::object> read_records(const std::string& path, bool& ok) {
  std::vector<json::object> records;
  ok = for_each_line(path, [&](const std::string& line, int) {
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    if (!ec && v.is_object()) records.push_back(std::move(v.as_object()));
  });
  return records;
}

void print_summary(const std::vector<json::object>& records) {
  std::map<std::string, int> by_action, by_tier, by_team;
  for (const json::object& r : records) {
    auto text = [&](const char* key) {
      auto it = r.find(key);
      return it != r.end() && it->value().is_string() ? std::string(it->value().as_string())
                                                      : std::string("-");
    };
    ++by_action[text("action")];
    ++by_tier[text("tier")];
    ++by_team[text("destination_team")];
  }
  std::cout << records.size() << " decisions\n";
  auto table = [](const char* title, const std::map<std::string, int>& counts) {
    std::cout << "\n" << title << "\n";
    for (const auto& [name, count] : counts) std::cout << "  " << count << "\t" << name << "\n";
  };
  table("by action", by_action);
  table("by tier", by_tier);
  table("by team", by_team);
}

}  // namespace

int run_replay(const ConfigResult& loaded, const ReplayOptions& options) {
  if (!loaded.ok()) return 2;
  std::vector<std::pair<std::string, int>> lines;
  if (!for_each_line(options.input,
                     [&](const std::string& l, int n) { lines.emplace_back(l, n); })) {
    std::cerr << "rpmw replay: cannot read " << options.input << "\n";
    return 2;
  }
  std::vector<OfflineEvent> events;
  for (const auto& [line, number] : lines) {
    auto event = parse_offline_event(line, number);
    if (!event) {
      std::cerr << "rpmw replay: " << options.input << ":" << number << ": " << event.error().code
                << "\n";
      return 2;
    }
    events.push_back(std::move(*event));
  }
  std::map<std::string, std::string> initial;
  if (std::string error = offline_flags(loaded.config, options.flags.flags, initial);
      !error.empty()) {
    std::cerr << "rpmw replay: " << error << "\n";
    return 2;
  }

  fakes::FakeOrderSource orders;
  auto kit = offline_engine(loaded.config, orders, "replay");
  if (!kit) return 2;
  fakes::FakeClock clock;
  fakes::InMemoryStateStore state(clock);
  fakes::InMemoryFlagStore flag_store;
  NullEventLog log;
  fakes::RecordingMetrics metrics;
  core::flags::FlagDefaults defaults;
  defaults.richpanel_configured = true;  // a replay decides as the live system would
  defaults.llm_configured = !loaded.config.llm_base_url.empty();
  defaults.initial = initial;
  core::flags::FlagService flags(flag_store, clock, log, defaults, std::chrono::seconds(30));
  fakes::FakeHelpdesk helpdesk;
  core::pipeline::Pipeline pipeline(core::pipeline::PipelineDeps{
      state, flags, clock, log, metrics, kit->engine(), &helpdesk, nullptr, ""});

  std::ofstream out_file;
  std::ostream* out = nullptr;
  if (!options.out.empty() && options.out != "-") {
    out_file.open(options.out);
    if (!out_file) {
      std::cerr << "rpmw replay: cannot write " << options.out << "\n";
      return 2;
    }
    out = &out_file;
  } else if (options.json || options.out == "-") {
    out = &std::cout;
  }

  ProgressBar progress(events.size(), !options.json);
  std::vector<json::object> records;
  int failures = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    OfflineEvent& e = events[i];
    helpdesk.put_ticket(e.ticket);
    if (e.order) {
      orders.link(e.ticket.id, core::OrderLink{e.order->order_id, "replay"});
      orders.put_order("replay", *e.order);
    }
    core::ingest::Envelope envelope;
    envelope.webhook = e.webhook;
    envelope.trace_id = "trc_replay_" + std::to_string(i + 1);
    envelope.received_at_ms = core::to_epoch_ms(clock.now());
    core::QueuedEvent queued;
    queued.event_id = "evt_replay_" + std::to_string(i + 1);
    queued.group = e.ticket.id;
    queued.body = core::ingest::encode_envelope(envelope);
    queued.trace_id = envelope.trace_id;
    queued.receive_count = 1;
    auto outcome = pipeline.process(queued);
    json::object record;
    if (!outcome) {
      ++failures;
      record = json::object{{"status", "error"}, {"error", outcome.error().code}};
    } else if (outcome->kind == core::pipeline::PipelineOutcome::Kind::duplicate) {
      record = json::object{{"status", "duplicate"},
                            {"event_key", outcome->event_key},
                            {"action", "skipped"},
                            {"reason_codes", json::array{"duplicate_event"}}};
    } else {
      auto stored = state.decisions_for_trace(envelope.trace_id);
      if (stored && !stored->empty()) record = json::parse(stored->back().json).as_object();
    }
    json::object line{{"example_id", e.id}};
    for (auto& kv : record) line[kv.key()] = kv.value();
    if (out != nullptr) *out << json::serialize(line) << "\n";
    records.push_back(std::move(line));
    clock.advance(std::chrono::seconds(1));
    progress.tick();
  }
  progress.finish();

  if (!options.baseline.empty()) {
    bool ok = false;
    const std::vector<json::object> baseline = read_records(options.baseline, ok);
    if (!ok) {
      std::cerr << "rpmw replay: cannot read " << options.baseline << "\n";
      return 2;
    }
    const core::eval::ReplayDiff diff = core::eval::diff_replays(baseline, records);
    if (options.json && out != &std::cout) {
      std::cout << json::serialize(core::eval::replay_diff_to_json(diff)) << "\n";
    } else if (!options.json) {
      std::cout << core::eval::render_replay_diff_text(diff);
    }
  } else if (!options.json) {
    print_summary(records);
    if (!options.out.empty()) std::cout << "\ndecisions written to " << options.out << "\n";
  }
  if (failures > 0) {
    std::cerr << "rpmw replay: " << failures << " event(s) failed\n";
    return 1;
  }
  return 0;
}

}  // namespace rpmw::app
