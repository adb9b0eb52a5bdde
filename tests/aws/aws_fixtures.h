#pragma once
// Resources the AWS tests create in moto.
#include <string>

#include "adapters/aws/aws_json_client.h"

namespace rpmw::testing {

struct SqsQueues {
  std::string queue_url;
  std::string dlq_url;
};

// `<name>.fifo` with a redrive policy to `<name>-dlq.fifo` (maxReceiveCount `max_receives`).
// Throws std::runtime_error when moto refuses.
SqsQueues create_fifo_with_dlq(adapters::aws::AwsJsonCaller& sqs, const std::string& name,
                               int max_receives = 5, int visibility_s = 30);

}  // namespace rpmw::testing
