#include "tests/aws/moto_dynamodb.h"

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "tests/aws/moto_server.h"
#include "tests/support/support.h"

namespace rpmw::aws_tests {
namespace {

// moto's WSGI app on werkzeug's single-threaded server; it prints the port the kernel chose, so
// there is no window in which another process can take a pre-picked port.
constexpr const char* kSerialMoto = R"py(
from werkzeug.serving import make_server
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
server = make_server("127.0.0.1", 0, DomainDispatcherApplication(create_backend_app), threaded=False)
print(server.port, flush=True)
server.serve_forever()
)py";

class SerialMoto {
 public:
  SerialMoto() : dir_("rpmw-moto-serial") {
    testing::ProcessOptions options;
    options.program = "/usr/bin/env";  // python3 from PATH: the interpreter moto_server uses
    options.args = {"python3", "-c", kSerialMoto};
    options.env_drop_prefixes = {"RPMW_", "AWS_", "INITIAL_NO_AUTH_ACTION_COUNT"};
    options.stdout_path = dir_ / "moto.out";
    options.stderr_path = dir_ / "moto.err";
    process_ = std::make_unique<testing::Process>(options);
    testing::HttpClient client;
    const bool ready = testing::poll_until(
        testing::deadline_in(std::chrono::seconds(60)),
        [&] {
          if (!process_->running()) return true;
          const std::string out = testing::read_file(options.stdout_path);
          if (out.find('\n') == std::string::npos) return false;
          port_ = static_cast<std::uint16_t>(std::stoi(out));
          return client
                     .request("GET", url() + "/moto-api/data.json", {}, {}, std::chrono::seconds(2))
                     .status > 0;
        },
        std::chrono::milliseconds(100));
    if (!ready || !process_->running()) {
      throw std::runtime_error(
          "the serial moto (python3 -c, moto + werkzeug) did not start; log:\n" +
          testing::read_file(options.stderr_path));
    }
  }

  adapters::aws::AwsEndpoint endpoint() const {
    adapters::aws::AwsEndpoint endpoint;
    endpoint.region = "us-east-1";
    endpoint.endpoint_url = url();
    endpoint.timeout_ms = 10000;
    return endpoint;
  }

 private:
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  testing::TempDir dir_;
  std::unique_ptr<testing::Process> process_;
  std::uint16_t port_ = 0;
};

}  // namespace

adapters::aws::AwsJsonCaller& moto_dynamodb() {
  static adapters::aws::AwsJsonClient client(adapters::aws::dynamodb_service(),
                                             testing::shared_moto().endpoint(),
                                             testing::test_credentials());
  return client;
}

adapters::aws::AwsJsonCaller& serial_moto_dynamodb() {
  static SerialMoto moto;
  static adapters::aws::AwsJsonClient client(adapters::aws::dynamodb_service(), moto.endpoint(),
                                             testing::test_credentials());
  return client;
}

}  // namespace rpmw::aws_tests
