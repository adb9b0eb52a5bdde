// `rpmw serve` and `rpmw worker`: the long-running local processes.
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <iostream>
#include <thread>

#include "app/cli/commands.h"
#include "app/runtime/ingress_setup.h"
#include "app/runtime/local_tokens.h"
#include "app/runtime/runtime.h"
#include "app/server/http_server.h"
#include "app/server/routes.h"
#include "app/worker/worker_pool.h"
#include "core/ingest/ingress.h"

namespace rpmw::app {
namespace {

bool split_listen(const std::string& listen, std::string& host, std::uint16_t& port) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  try {
    const int value = std::stoi(listen.substr(colon + 1));
    if (value < 0 || value > 65535) return false;
    port = static_cast<std::uint16_t>(value);
  } catch (...) {
    return false;
  }
  return true;
}

// Blocks SIGINT/SIGTERM in every thread started after this, so sigwait() below receives them.
sigset_t block_shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// Runs the periodic purge until stopped: every minute, so the in-memory dedup window of the
// queue holds little more than its 5 minutes of keys.
class PurgeLoop {
 public:
  explicit PurgeLoop(Runtime& runtime)
      : thread_([this, &runtime] {
          std::unique_lock lock(mutex_);
          while (!stop_) {
            if (cv_.wait_for(lock, std::chrono::minutes(1), [this] { return stop_; })) break;
            lock.unlock();
            runtime.purge();
            lock.lock();
          }
        }) {}
  ~PurgeLoop() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

void print_banner(const Config& config, const std::string& base_url, const ResolvedTokens& tokens,
                  bool shadow) {
  std::cerr << "rpmw " << RPMW_VERSION << " serving on " << base_url << " (profile "
            << config.profile << ", data " << config.data_dir << ")\n"
            << "  webhook URL:   " << base_url << "/webhooks/richpanel\n";
  if (tokens.webhook_generated_now) {
    std::cerr << "  webhook token: " << tokens.webhook_tokens.front()
              << "\n                 (generated now and stored in " << tokens.webhook_token_file
              << "; it is printed only this once)\n";
  } else if (!tokens.webhook_token_file.empty()) {
    std::cerr << "  webhook token: stored in " << tokens.webhook_token_file << "\n";
  } else {
    std::cerr << "  webhook token: from configuration (RPMW_WEBHOOK_TOKENS)\n";
  }
  std::cerr << "  send it as header X-Middleware-Token; health " << base_url << "/healthz, metrics "
            << base_url << "/metrics\n";
  if (shadow) {
    std::cerr << "  mode: shadow — no Richpanel key, decisions are recorded and nothing is written "
                 "to Richpanel\n";
  }
  std::cerr.flush();
}

}  // namespace

int run_serve(const ConfigResult& loaded, const ServeOptions& options) {
  if (!loaded.ok()) return report_config_errors(loaded);
  const Config& config = loaded.config;
  if (options.print_config) {
    std::cout << print_config(config);
    return 0;
  }
  std::string host;
  std::uint16_t port = 0;
  if (!split_listen(config.listen, host, port)) {
    std::cerr << "rpmw: listen: expected host:port, got '" << config.listen << "'\n";
    return 2;
  }
  const sigset_t signals = block_shutdown_signals();

  std::vector<std::string> problems;
  auto runtime = Runtime::open(config, &problems);
  if (!runtime && runtime.error().code == "secrets_unavailable") {
    std::cerr << "rpmw: cannot read the secrets from Secrets Manager:\n";
    for (const std::string& p : problems) std::cerr << "  - " << p << "\n";
    return 1;
  }
  if (!runtime && !problems.empty()) {
    std::cerr << "rpmw: the policy files are invalid:\n";
    for (const std::string& p : problems) std::cerr << "  - " << p << "\n";
    return 2;
  }
  if (!runtime) {
    std::cerr << "rpmw: cannot open the " << config.profile << " store: " << runtime.error().code
              << "\n";
    return 1;
  }
  Runtime& rt = **runtime;
  if (options.with_http && config.profile == "aws") {
    // Generated tokens suit a local store only; on aws they come from Secrets Manager (env wins).
    if (auto read = rt.resolve_webhook_tokens(); !read || rt.config().webhook_tokens.empty()) {
      std::cerr << "rpmw: no webhook token: set RPMW_WEBHOOK_TOKENS or the secret "
                << config.secrets_prefix << "webhook_tokens\n";
      return 1;
    }
  }
  auto tokens = resolve_local_tokens(rt.config().webhook_tokens, config.admin_token,
                                     config.data_dir, rt.random());
  if (!tokens) {
    std::cerr << "rpmw: cannot store generated tokens under " << config.data_dir
              << "/secrets: " << tokens.error().code << "\n";
    return 1;
  }

  std::unique_ptr<core::ingest::RateLimiter> limiter;
  std::unique_ptr<core::ingest::Ingress> ingress;
  std::unique_ptr<EnqueueBatcher> batcher;
  std::unique_ptr<AdminRoutes> admin;
  std::unique_ptr<ServiceRoutes> routes;
  std::unique_ptr<HttpServer> server;
  if (options.with_http) {
    const IngressSetup setup = ingress_setup(config, tokens->webhook_tokens);
    limiter = std::make_unique<core::ingest::RateLimiter>(setup.rate, rt.clock());
    ingress = std::make_unique<core::ingest::Ingress>(
        setup.ingress, core::ingest::Authenticator(setup.auth, rt.clock()), *limiter, rt.queue(),
        rt.clock(), rt.random(), rt.log(), rt.metrics());
    batcher = std::make_unique<EnqueueBatcher>(rt.queue(), rt.metrics());
    const core::policy::PolicySet& policies = rt.engine().policies();
    admin = std::make_unique<AdminRoutes>(
        AdminRoutesDeps{tokens->admin_token, rt.queue(), rt.state(), rt.flags(), rt.log(),
                        rt.clock(), RPMW_RELEASE, config.env,
                        AdminVersions{policies.version, policies.lexicon_version,
                                      policies.rules_version, policies.templates_version},
                        rt.clock().now()});
    routes = std::make_unique<ServiceRoutes>(ServiceRoutesDeps{
        *ingress, rt.queue(), rt.metrics(), [&rt] { return rt.metrics().render(); },
        [&rt] {
          return rt.queue().stats().has_value() && rt.state().get_event("readyz").has_value();
        },
        batcher.get(), admin.get()});
    server = std::make_unique<HttpServer>(
        HttpServerSettings{host, port, config.http_threads, std::chrono::seconds(15)}, *routes);
    auto bound = server->start();
    if (!bound) {
      std::cerr << "rpmw: cannot listen on " << config.listen << ": " << bound.error().code << "\n";
      return 1;
    }
    const std::string address = host + ":" + std::to_string(*bound);
    write_file_atomically(config.data_dir + "/listen.addr", address + "\n", 0644);
    core::LogEvent event(core::LogLevel::info, "system.server.listening");
    event.code("host", host)
        .num("port", std::int64_t{*bound})
        .num("workers", std::int64_t{config.workers});
    rt.log().write(event);
    print_banner(config, "http://" + address, *tokens, rt.flags().snapshot().shadow_mode);
  }

  WorkerPoolSettings pool_settings;
  pool_settings.workers = config.workers;
  pool_settings.visibility = std::chrono::seconds(config.queue_visibility_timeout_s);
  WorkerPool pool(pool_settings, rt.queue(), rt.pipeline(), rt.clock(), rt.random(), rt.log(),
                  rt.metrics());
  pool.start();
  rt.log().write(core::LogEvent(core::LogLevel::info, "system.workers.started")
                     .num("workers", std::int64_t{config.workers}));
  PurgeLoop purge(rt);

  int received = 0;
  sigwait(&signals, &received);
  rt.log().write(core::LogEvent(core::LogLevel::info, "system.shutdown.start")
                     .code("signal", received == SIGTERM ? "SIGTERM" : "SIGINT"));
  const auto grace = std::chrono::seconds(std::max<std::int64_t>(1, config.shutdown_grace_s));
  // Stop accepting and let answered-to-be requests finish (they need the batcher), then the rest.
  if (server) server->stop(std::chrono::duration_cast<std::chrono::milliseconds>(grace) / 2);
  if (batcher) batcher->stop();
  pool.request_stop();
  pool.join();
  rt.log().write(core::LogEvent(core::LogLevel::info, "system.shutdown.complete"));
  return 0;
}

}  // namespace rpmw::app
