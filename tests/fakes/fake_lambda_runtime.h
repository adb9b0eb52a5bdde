#pragma once
// A fake Lambda Runtime API (2018-06-01) on 127.0.0.1: queued invocations are handed out by
// GET /runtime/invocation/next (which blocks until one is queued, like the real one), and the
// runtime's responses, invocation errors and init errors are recorded. Plain POSIX sockets with a
// thread per connection, because `next` blocks for as long as the queue is empty.
//
// Control API (same port, for the process form, fake_lambda_runtime_main.cpp):
//   POST /_control/invocations[?deadline_in_ms=N&trace_id=T]  body = the event → {"request_id"}
//   GET  /_control/outcomes                     [{"request_id","kind","body","error_type"}]
//   GET  /_control/outcomes/ID[?wait_ms=N]      one outcome, 404 while there is none
//   GET  /_control/init_error[?wait_ms=N]       {"error_type","body"}, 404 while there is none
//   GET  /_control/stats                        {"next_calls","pending","outcomes"}
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rpmw::fakes {

struct LambdaOutcome {
  std::string request_id;
  std::string kind;  // response | error
  std::string body;
  std::string error_type;  // the Lambda-Runtime-Function-Error-Type header of an error
};

struct LambdaInitError {
  std::string error_type;
  std::string body;
};

class FakeLambdaRuntime {
 public:
  explicit FakeLambdaRuntime(std::uint16_t port = 0);  // throws std::runtime_error
  ~FakeLambdaRuntime();
  FakeLambdaRuntime(const FakeLambdaRuntime&) = delete;
  FakeLambdaRuntime& operator=(const FakeLambdaRuntime&) = delete;

  std::uint16_t port() const;
  std::string address() const;  // "127.0.0.1:<port>", what AWS_LAMBDA_RUNTIME_API takes

  // Queues one invocation and returns its request id. `deadline_ms`: epoch ms (0: now + 30 s).
  std::string enqueue(std::string payload, std::int64_t deadline_ms = 0,
                      std::string trace_id = "Root=1-00000000-000000000000000000000000;Sampled=0");
  std::optional<LambdaOutcome> wait_outcome(const std::string& request_id,
                                            std::chrono::milliseconds timeout);
  std::vector<LambdaOutcome> outcomes() const;
  std::optional<LambdaInitError> wait_init_error(std::chrono::milliseconds timeout);
  int next_calls() const;
  // When the first `next` arrived (steady clock): the end of a cold start.
  std::optional<std::chrono::steady_clock::time_point> first_next_at() const;
  // Waits until `count` next calls arrived (the runtime is idle after count-1 invocations).
  bool wait_next_calls(int count, std::chrono::milliseconds timeout);

  void stop();  // idempotent; blocked `next` calls are dropped

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rpmw::fakes
