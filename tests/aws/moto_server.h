#pragma once
// A moto_server child process on 127.0.0.1 for the AWS adapter tests. It is a hard dependency of
// these tests: when moto_server is not on PATH the constructor throws, so the test FAILS with a
// clear message instead of being skipped silently.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "adapters/aws/aws_json_client.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace rpmw::testing {

struct MotoServerOptions {
  // Set: moto verifies SigV4 signatures after this many unauthenticated actions (0 = from the
  // first call). Unset: moto accepts any credentials.
  std::optional<int> initial_no_auth_action_count;
  std::chrono::milliseconds ready_timeout{60000};
};

class MotoServer {
 public:
  explicit MotoServer(MotoServerOptions options = {});  // throws std::runtime_error
  ~MotoServer();
  MotoServer(const MotoServer&) = delete;
  MotoServer& operator=(const MotoServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string endpoint_url() const;  // http://127.0.0.1:<port>
  // An endpoint for the adapters (region us-east-1, short timeout).
  adapters::aws::AwsEndpoint endpoint(std::string region = "us-east-1") const;
  // Forgets every resource (POST /moto-api/reset).
  void reset();
  // The last lines moto wrote, for failure messages.
  std::string log_tail() const;

 private:
  TempDir dir_;
  std::unique_ptr<Process> process_;
  std::uint16_t port_ = 0;
};

// One server without signature checking shared by every test of the binary (moto takes seconds
// to start). Tests use unique resource names, or call reset() first.
MotoServer& shared_moto();

// Credentials moto accepts when it does not check signatures, and the ones tests sign with when
// it does (moto knows no secret for them but derives its check from the request).
adapters::aws::AwsCredentials test_credentials();

// A name unique within this test process: "<prefix>-<n>".
std::string unique_name(const std::string& prefix);

}  // namespace rpmw::testing
