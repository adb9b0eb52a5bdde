#pragma once
// Creates the two state tables exactly as the CloudFormation template does (keys, both sparse
// GSIs, TTL on `expires_at`), under fresh names so every test starts empty on a shared moto.
#include <string>

#include "adapters/aws/aws_json_client.h"
#include "adapters/aws/dynamodb_state_store.h"

namespace rpmw::aws_tests {

// Table names `rpmw-<unique env>-events` / `-conversations` (moto makes them ACTIVE at once).
// REQUIREs success (a test without its tables cannot say anything).
adapters::aws::DynamoDbStateStoreOptions create_state_tables(
    adapters::aws::AwsJsonCaller& dynamodb);

}  // namespace rpmw::aws_tests
