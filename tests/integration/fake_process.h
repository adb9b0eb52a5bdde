#pragma once
// The fake vendor servers of tests/fakes run as child processes: start the binary named by an
// environment variable (set by CTest) and wait for its "port=<n>" line.
#include <memory>
#include <string>
#include <vector>

#include "tests/support/support.h"

namespace rpmw::itest {

class FakeProcess {
 public:
  // `name` prefixes the stdout/stderr files in `dir`. REQUIREs the variable and the port line.
  FakeProcess(const char* binary_env, std::vector<std::string> args, const testing::TempDir& dir,
              const std::string& name);
  const std::string& port() const { return port_; }

 private:
  std::unique_ptr<testing::Process> process_;
  std::string port_;
};

// fake_llm_server in one mode ($FAKE_LLM_BIN); base_url() is what RPMW_LLM_BASE_URL takes.
struct FakeLlmProcess {
  FakeLlmProcess(const std::string& mode, const testing::TempDir& dir)
      : process("FAKE_LLM_BIN", {"--mode", mode}, dir, "llm-" + mode) {}
  std::string base_url() const { return "http://127.0.0.1:" + process.port() + "/v1"; }
  FakeProcess process;
};

}  // namespace rpmw::itest
