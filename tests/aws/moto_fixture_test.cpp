// The moto fixture never lets the AWS tests pass vacuously: without moto_server they fail.
#include <doctest/doctest.h>

#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>

#include "tests/aws/moto_server.h"

namespace {

// Sets PATH for one scope and restores it.
class ScopedPath {
 public:
  explicit ScopedPath(const char* value) {
    if (const char* old = std::getenv("PATH")) saved_ = old;
    ::setenv("PATH", value, 1);
  }
  ~ScopedPath() {
    if (saved_) {
      ::setenv("PATH", saved_->c_str(), 1);
    } else {
      ::unsetenv("PATH");
    }
  }

 private:
  std::optional<std::string> saved_;
};

}  // namespace

TEST_CASE("aws/moto: without moto_server on PATH the fixture throws a clear message") {
  ScopedPath path("/nonexistent-rpmw-path");
  CHECK_THROWS_WITH_AS(rpmw::testing::MotoServer(), doctest::Contains("moto_server is not on PATH"),
                       std::runtime_error);
}

TEST_CASE("aws/moto: reset forgets every resource") {
  rpmw::testing::MotoServer moto;
  rpmw::adapters::aws::AwsJsonClient sqs(rpmw::adapters::aws::sqs_service(), moto.endpoint(),
                                         rpmw::testing::test_credentials());
  REQUIRE(sqs.call("CreateQueue", {{"QueueName", "reset-me"}}).has_value());
  REQUIRE(sqs.call("GetQueueUrl", {{"QueueName", "reset-me"}}).has_value());
  moto.reset();
  auto gone = sqs.call("GetQueueUrl", {{"QueueName", "reset-me"}});
  REQUIRE_FALSE(gone.has_value());
  CHECK(gone.error().kind == rpmw::core::ErrorKind::not_found);
}
