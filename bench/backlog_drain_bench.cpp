// Backlog drain (issue 4): N queued events drained by the real worker pool, pipeline and Richpanel
// adapter against the in-process fake Richpanel enforcing a fixed-window rate limit. Prints the
// drain time next to the budget's lower bound (events × calls per event ÷ rate) and the 429s.
// Asserts nothing.
//   rpmw_backlog_drain_bench [--events N] [--limit L] [--window-ms W] [--rate-factor F]
//                            [--burst B] [--workers K] [--no-retry-after]
// Defaults: 2,000 events, 50 requests per 30 s. `--window-ms 1000` compresses time 30x.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>

#include <boost/json.hpp>

#include "app/config/config.h"
#include "app/runtime/runtime.h"
#include "app/worker/worker_pool.h"
#include "core/ingest/webhook.h"
#include "tests/fakes/fake_richpanel_server.h"

namespace {

struct Options {
  long events = 2000;
  int limit = 50;
  long window_ms = 30000;
  double rate_factor = 0.97;  // rpmw's budget as a share of the vendor's
  double burst = 1;
  int workers = 4;
  bool retry_after = true;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : "0"; };
    if (arg == "--events") o.events = std::stol(value());
    if (arg == "--limit") o.limit = std::stoi(value());
    if (arg == "--window-ms") o.window_ms = std::stol(value());
    if (arg == "--rate-factor") o.rate_factor = std::stod(value());
    if (arg == "--burst") o.burst = std::stod(value());
    if (arg == "--workers") o.workers = std::stoi(value());
    if (arg == "--no-retry-after") o.retry_after = false;
  }
  return o;
}

const char* const kTexts[] = {
    "I want to return the shoes I bought, they do not fit.",
    "You charged my card twice for the same order, please fix the billing.",
    "The app keeps crashing when I open it on my phone.",
    "Hello, my blender arrived with the glass jar cracked. Order 1042.",
};

}  // namespace

int main(int argc, char** argv) {
  using namespace rpmw;
  namespace json = boost::json;
  const Options o = parse(argc, argv);

  fakes::FakeRichpanelServer richpanel;
  fakes::FakeRichpanelRateLimit limit;
  limit.limit = o.limit;
  limit.window = std::chrono::milliseconds(o.window_ms);
  limit.send_retry_after = o.retry_after;
  richpanel.set_rate_limit(limit);
  for (long i = 0; i < o.events; ++i) {
    const std::string id = "drain-" + std::to_string(i);
    richpanel.put_ticket(json::object{
        {"id", id},
        {"status", "OPEN"},
        {"via", {{"channel", "email"}}},
        {"tags", json::array()},
        {"comments", json::array{json::object{
                         {"id", "c1"}, {"is_operator", false}, {"plain_body", kTexts[i % 4]}}}}});
  }

  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("rpmw-drain-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  app::Config config;
  config.data_dir = dir.string();
  config.log_level = "error";
  config.richpanel_base_url = richpanel.base_url();
  config.richpanel_api_key = fakes::FakeRichpanelServer::kDefaultKey;
  config.richpanel_bot_author_id = fakes::FakeRichpanelServer::kOperatorId;
  const double vendor_rate = o.limit * 1000.0 / static_cast<double>(o.window_ms);
  config.richpanel_rate = vendor_rate * o.rate_factor;
  config.richpanel_burst = o.burst;
  config.richpanel_cooldown_ms = o.window_ms * 2;
  auto runtime = app::Runtime::open(config);
  if (!runtime) {
    std::fprintf(stderr, "cannot open runtime: %s\n", runtime.error().code.c_str());
    return 1;
  }
  app::Runtime& rt = **runtime;

  for (long i = 0; i < o.events; ++i) {
    core::ingest::Envelope envelope;
    envelope.webhook.ticket_id = "drain-" + std::to_string(i);
    envelope.webhook.message_id = "m1";
    envelope.trace_id = "trc_drain";
    if (!rt.queue().enqueue({envelope.webhook.ticket_id, envelope.webhook.ticket_id + ":m1",
                             core::ingest::encode_envelope(envelope), envelope.trace_id})) {
      std::fprintf(stderr, "enqueue failed\n");
      return 1;
    }
  }
  richpanel.clear_calls();

  app::WorkerPoolSettings settings;
  settings.workers = o.workers;
  settings.poll_wait = std::chrono::milliseconds(50);
  app::WorkerPool pool(settings, rt.queue(), rt.pipeline(), rt.clock(), rt.random(), rt.log(),
                       rt.metrics());
  const auto started = std::chrono::steady_clock::now();
  pool.start();
  std::int64_t depth = o.events;
  while (depth > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto stats = rt.queue().stats();
    if (stats) depth = stats->depth;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  pool.request_stop();
  pool.join();

  long rate_limited = 0;
  for (const auto& call : richpanel.calls()) rate_limited += call.status == 429 ? 1 : 0;
  const auto calls = static_cast<double>(richpanel.call_count());
  const double per_event = (calls - static_cast<double>(rate_limited)) / o.events;
  const double bound = static_cast<double>(o.events) * per_event / vendor_rate;
  std::printf(
      "backlog drain: %ld events, vendor budget %d requests / %.1f s (%.2f/s), rpmw at "
      "%.0f%% of it, burst %.0f, %d workers\n",
      o.events, o.limit, o.window_ms / 1000.0, vendor_rate, o.rate_factor * 100, o.burst,
      o.workers);
  std::printf("  calls per event %.2f, 429s %ld, lower bound %.1f s, drain %.1f s (%+.1f%%)\n",
              per_event, rate_limited, bound, seconds, (seconds / bound - 1) * 100);
  std::filesystem::remove_all(dir);
  return 0;
}
