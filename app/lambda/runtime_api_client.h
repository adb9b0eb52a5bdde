#pragma once
// The Lambda Runtime API (2018-06-01) over plain HTTP to $AWS_LAMBDA_RUNTIME_API: next invocation,
// response, invocation error, init error. One easy handle, reused (the loop is single-threaded).
#include <cstdint>
#include <string>

#include "adapters/http/http_client.h"
#include "core/common/error.h"

namespace rpmw::app::lambda {

struct Invocation {
  std::string request_id;
  std::int64_t deadline_ms = 0;  // epoch ms; 0 when the header is missing
  std::string trace_id;          // Lambda-Runtime-Trace-Id (X-Ray), exported as _X_AMZN_TRACE_ID
  std::string function_arn;
  std::string payload;
};

// {"errorMessage","errorType","stackTrace":[]}
std::string runtime_error_body(const std::string& error_type, const std::string& message);

class RuntimeApiClient {
 public:
  // `address` is host:port as Lambda sets it in AWS_LAMBDA_RUNTIME_API.
  explicit RuntimeApiClient(const std::string& address);

  // Blocks until Lambda hands over the next event (no timeout: the sandbox is frozen meanwhile).
  core::Result<Invocation> next();
  core::Status respond(const std::string& request_id, const std::string& body);
  core::Status fail(const std::string& request_id, const std::string& error_type,
                    const std::string& message);
  core::Status init_error(const std::string& error_type, const std::string& message);

 private:
  core::Status post(const std::string& path, const std::string& body,
                    const std::string& error_type);

  std::string base_;
  adapters::http::HttpClient client_;
};

}  // namespace rpmw::app::lambda
