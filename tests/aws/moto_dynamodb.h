#pragma once
// DynamoDB clients for the state tests: one on the shared moto_server, and one on a moto that
// serves one request at a time, for the race tests.
#include "adapters/aws/aws_json_client.h"

namespace rpmw::aws_tests {

// On shared_moto(). Thread-safe; lives until the binary exits. First call from the main thread.
adapters::aws::AwsJsonCaller& moto_dynamodb();

// On a moto that handles requests strictly one after another, as DynamoDB serialises writes to
// one item. moto_server's threaded server checks a condition and writes without a lock, so two
// racing conditional puts can both pass there (about once in 1500 four-way races, measured):
// a race test on it would fail for moto's sake, not ours. Our clients still race each other.
// Thread-safe; first call from the test's main thread (the child dies with its spawning thread).
adapters::aws::AwsJsonCaller& serial_moto_dynamodb();

}  // namespace rpmw::aws_tests
