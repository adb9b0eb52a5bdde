// `rpmw lambda`: the Lambda custom runtime (provided.al2023). Reads _HANDLER (ingress | worker),
// reports bad configuration through /runtime/init/error, then loops next → handler → response.
#include <cstdlib>
#include <iostream>
#include <thread>

#include "app/cli/commands.h"
#include "app/lambda/lambda_app.h"
#include "app/lambda/runtime_api_client.h"

namespace rpmw::app {
namespace {

std::string env_or(const char* name, std::string fallback = {}) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::string(value) : fallback;
}

// Lambda defaults that differ from a VM: only /tmp is writable, and AL2023's CA path is not
// Debian's, so the bundle shipped in the zip is used unless RPMW_CA_BUNDLE says otherwise.
Config lambda_config(Config config) {
  const std::string task_root = env_or("LAMBDA_TASK_ROOT");
  if (std::getenv("RPMW_DATA_DIR") == nullptr && !task_root.empty()) config.data_dir = "/tmp/rpmw";
  if (config.ca_bundle.empty() && !task_root.empty()) {
    config.ca_bundle = task_root + "/certs/ca-bundle.pem";
  }
  return config;
}

int init_failed(lambda::RuntimeApiClient& runtime, const std::string& type,
                const std::string& message) {
  std::cerr << "rpmw lambda: " << message << "\n";
  if (auto posted = runtime.init_error(type, message); !posted) {
    std::cerr << "rpmw lambda: could not report the init error: " << posted.error().code << "\n";
  }
  return 2;
}

}  // namespace

int run_lambda(const ConfigResult& loaded) {
  const std::string api = env_or("AWS_LAMBDA_RUNTIME_API");
  if (api.empty()) {
    std::cerr << "rpmw lambda: AWS_LAMBDA_RUNTIME_API is not set (run it under Lambda, or against "
                 "tests/fakes/fake_lambda_runtime)\n";
    return 2;
  }
  lambda::RuntimeApiClient runtime(api);
  if (!loaded.ok()) {
    std::string message = "invalid configuration:";
    for (const std::string& e : loaded.errors) message += " " + e + ";";
    return init_failed(runtime, "Runtime.ConfigInvalid", message);
  }
  const std::string handler = env_or("_HANDLER");
  if (handler != "ingress" && handler != "worker") {
    return init_failed(runtime, "Runtime.ConfigInvalid",
                       "_HANDLER must be 'ingress' or 'worker', got '" + handler + "'");
  }
  const auto kind =
      handler == "ingress" ? lambda::HandlerKind::ingress : lambda::HandlerKind::worker;
  const auto init_started = std::chrono::steady_clock::now();
  auto app = lambda::LambdaApp::create(lambda_config(loaded.config), kind,
                                       env_or("AWS_LAMBDA_FUNCTION_NAME"));
  if (!app) return init_failed(runtime, app.error().type, app.error().message);
  core::EventLog& log = (*app)->log();
  log.write(core::LogEvent(core::LogLevel::info, "system.lambda.init.complete")
                .code("handler", handler)
                .latency_ms(std::chrono::duration<double, std::milli>(
                                std::chrono::steady_clock::now() - init_started)
                                .count()));

  int next_failures = 0;
  while (true) {
    auto invocation = runtime.next();
    if (!invocation) {
      log.write(core::LogEvent(core::LogLevel::error, "system.lambda.next.failed")
                    .result(invocation.error().code));
      // The Runtime API is local to the sandbox: repeated failures mean it is gone.
      if (++next_failures >= 5) return 1;
      std::this_thread::sleep_for(std::chrono::milliseconds(100 * next_failures));
      continue;
    }
    next_failures = 0;
    if (invocation->trace_id.empty()) {
      ::unsetenv("_X_AMZN_TRACE_ID");
    } else {
      ::setenv("_X_AMZN_TRACE_ID", invocation->trace_id.c_str(), 1);
    }
    auto result = (*app)->invoke(*invocation);
    // Before the response: once it is posted Lambda may freeze the sandbox, and the invocation's
    // metrics are then already on the log stream (a few hundred bytes, microseconds).
    (*app)->flush_metrics();
    core::Status posted = result
                              ? runtime.respond(invocation->request_id, *result)
                              : runtime.fail(invocation->request_id,
                                             result.error().kind == core::ErrorKind::invalid_input
                                                 ? "Runtime.InvalidEvent"
                                                 : "Runtime.HandlerFailed",
                                             result.error().code);
    if (!result) {
      log.write(core::LogEvent(core::LogLevel::warn, "system.lambda.invocation.failed")
                    .result(result.error().code));
    }
    if (!posted) {
      log.write(core::LogEvent(core::LogLevel::error, "system.lambda.post.failed")
                    .result(posted.error().code));
    }
  }
}

}  // namespace rpmw::app
