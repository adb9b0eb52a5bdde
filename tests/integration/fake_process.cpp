#include "tests/integration/fake_process.h"

#include <doctest/doctest.h>

#include <cstdlib>

namespace rpmw::itest {

FakeProcess::FakeProcess(const char* binary_env, std::vector<std::string> args,
                         const testing::TempDir& dir, const std::string& name) {
  const char* bin = std::getenv(binary_env);
  REQUIRE_MESSAGE(bin != nullptr, binary_env << " is not set");
  testing::ProcessOptions options;
  options.program = bin;
  options.args = {"--port", "0"};
  for (std::string& a : args) options.args.push_back(std::move(a));
  options.stdout_path = dir / (name + ".out");
  options.stderr_path = dir / (name + ".err");
  process_ = std::make_unique<testing::Process>(options);
  const bool listening = testing::poll_until(testing::deadline_in(std::chrono::seconds(10)), [&] {
    const std::string out = testing::read_file(options.stdout_path);
    const auto at = out.find("port=");
    if (at == std::string::npos || out.find('\n', at) == std::string::npos) return false;
    port_ = out.substr(at + 5, out.find('\n', at) - at - 5);
    return true;
  });
  REQUIRE_MESSAGE(listening, name << " did not print its port");
}

}  // namespace rpmw::itest
