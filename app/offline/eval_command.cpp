// `rpmw eval GOLDEN.jsonl`: the decision engine on every labelled example, the metrics and gates
// of spec/02, a markdown and an HTML report; exit 1 when a gate fails.
#include <boost/json.hpp>

#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>

#include "app/offline/offline_commands.h"
#include "app/offline/offline_input.h"
#include "app/offline/offline_support.h"
#include "app/runtime/engine_kit.h"
#include "core/eval/metrics.h"
#include "core/eval/report_render.h"
#include "tests/fakes/fake_order_source.h"
#include "tests/fakes/in_memory_flags.h"

namespace rpmw::app {
namespace json = boost::json;
namespace {

bool write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  return static_cast<bool>(out);
}

void print_human(const core::eval::Report& r) {
  std::cout << std::fixed << std::setprecision(3);
  std::cout << "examples        " << r.examples << "\n"
            << "accuracy        " << r.accuracy << "\n"
            << "macro F1        " << r.macro_f1 << "\n"
            << "weighted F1     " << r.weighted_f1 << "\n"
            << "team accuracy   " << r.team_accuracy << "\n"
            << "Tier 0 FN / FP  " << r.tier0_false_negative_ids.size() << " / "
            << r.tier0_false_positive_ids.size() << "\n"
            << "Tier 2 violations " << r.tier2_violation_ids.size() << "\n"
            << "schema invalid  " << r.schema_invalid << "\n"
            << "ECE             " << r.ece << "\n"
            << "latency p50/p99 " << r.latency_p50_us << " / " << r.latency_p99_us << " µs\n\n";
  for (const core::eval::Gate& g : r.gates) {
    std::cout << (g.passed ? "  PASS  " : "  FAIL  ") << std::left << std::setw(34) << g.name
              << std::right << g.value << (g.higher_is_better ? " >= " : " <= ") << g.threshold
              << "\n";
  }
  if (!r.tier0_false_negative_ids.empty()) {
    std::cout << "\nTier 0 false negatives:";
    for (const std::string& id : r.tier0_false_negative_ids) std::cout << " " << id;
    std::cout << "\n";
  }
  std::cout << "\n" << (r.passed ? "all gates passed" : "GATES FAILED") << "\n";
}

}  // namespace

int run_eval(const ConfigResult& loaded, const EvalOptions& options) {
  if (!loaded.ok()) return 2;
  std::vector<core::eval::GoldenExample> examples;
  std::vector<OfflineEvent> events;
  bool bad = false;
  const bool read = for_each_line(options.golden, [&](const std::string& line, int number) {
    auto example = core::eval::parse_golden_line(line);
    auto event = parse_offline_event(line, number);
    if (!example || !event) {
      std::cerr << "rpmw eval: " << options.golden << ":" << number << ": "
                << (!example ? example.error().code : event.error().code) << "\n";
      bad = true;
      return;
    }
    examples.push_back(std::move(*example));
    events.push_back(std::move(*event));
  });
  if (!read) {
    std::cerr << "rpmw eval: cannot read " << options.golden << "\n";
    return 2;
  }
  if (bad) return 2;
  std::map<std::string, std::string> initial;
  if (std::string error = offline_flags(loaded.config, options.flags.flags, initial);
      !error.empty()) {
    std::cerr << "rpmw eval: " << error << "\n";
    return 2;
  }
  std::optional<core::eval::Report> baseline;
  if (!options.baseline.empty()) {
    std::ifstream in(options.baseline);
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    json::value v = json::parse(text.str(), ec);
    if (!in || ec || !v.is_object()) {
      std::cerr << "rpmw eval: cannot read the baseline report " << options.baseline << "\n";
      return 2;
    }
    auto parsed = core::eval::report_from_json(v.as_object());
    if (!parsed) {
      std::cerr << "rpmw eval: baseline: " << parsed.error().code << "\n";
      return 2;
    }
    baseline = std::move(*parsed);
  }

  fakes::FakeOrderSource orders;
  auto kit = offline_engine(loaded.config, orders, "eval");
  if (!kit) return 2;
  // Decide as a fully enabled tenant would, so the tiers are what the policy allows at most.
  fakes::InMemoryFlagStore flag_store;
  NullEventLog log;
  struct EpochClock final : core::Clock {
    core::TimePoint now() const override { return core::from_epoch_ms(1'767'225'600'000); }
  } clock;
  core::flags::FlagDefaults defaults;
  defaults.richpanel_configured = true;
  defaults.llm_configured = !loaded.config.llm_base_url.empty();
  defaults.initial = {{"automation_enabled", "true"}};
  for (auto& [k, v] : initial) defaults.initial[k] = v;
  core::flags::FlagService flag_service(flag_store, clock, log, defaults, std::chrono::hours(1));
  const core::flags::FlagSnapshot flags = flag_service.snapshot();

  std::vector<core::eval::Prediction> predictions;
  ProgressBar progress(events.size(), !options.json);
  for (const OfflineEvent& e : events) {
    if (e.order) {
      orders.link(e.ticket.id, core::OrderLink{e.order->order_id, "eval"});
      orders.put_order("eval", *e.order);
    }
    const core::Comment* latest = &e.ticket.comments.back();
    for (auto it = e.ticket.comments.rbegin(); it != e.ticket.comments.rend(); ++it) {
      if (!it->is_operator) {
        latest = &*it;
        break;
      }
    }
    const auto started = std::chrono::steady_clock::now();
    const core::pipeline::EngineResult result =
        kit->engine().run(core::pipeline::EngineInput{e.ticket, *latest, flags, {}, clock.now()});
    const double micros =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started)
            .count();
    core::eval::Prediction p;
    p.primary_intent = result.decision.primary_intent;
    p.secondary_intents = result.decision.secondary_intents;
    p.destination_team = result.decision.team;
    p.tier = result.decision.tier;
    p.action = result.decision.action;
    p.template_id = result.decision.template_id;
    p.confidence = result.decision.classifier_confidence;
    p.schema_valid = result.outcome != core::policy::ClassifierOutcome::Kind::schema_invalid;
    p.latency_us = micros;
    predictions.push_back(std::move(p));
    progress.tick();
  }
  progress.finish();

  std::set<std::string> tier0;
  for (const auto& intent : kit->policies().intents) {
    if (intent.tier == core::policy::TierPolicy::tier0) tier0.insert(intent.id);
  }
  core::eval::GateSettings gates;
  gates.macro_f1_min = options.min_macro_f1;
  gates.weighted_f1_min = options.min_weighted_f1;
  gates.top_intent_f1_min = options.min_top_f1;
  const core::eval::Report report =
      core::eval::compute_report(examples, predictions, tier0, gates, baseline);
  const std::string title = "rpmw eval — " + options.golden + " (policy " +
                            kit->policies().version + ", rules " + kit->policies().rules_version +
                            ")";
  if (!options.report_md.empty() &&
      !write_text(options.report_md, core::eval::render_markdown(report, title))) {
    std::cerr << "rpmw eval: cannot write " << options.report_md << "\n";
    return 2;
  }
  if (!options.report_html.empty() &&
      !write_text(options.report_html, core::eval::render_html(report, title))) {
    std::cerr << "rpmw eval: cannot write " << options.report_html << "\n";
    return 2;
  }
  if (options.json) {
    std::cout << json::serialize(core::eval::report_to_json(report)) << "\n";
  } else {
    print_human(report);
  }
  return report.passed ? 0 : 1;
}

}  // namespace rpmw::app
