#include "tests/aws/aws_fixtures.h"

#include <stdexcept>

namespace rpmw::testing {
namespace {

boost::json::value call(adapters::aws::AwsJsonCaller& sqs, std::string_view op,
                        const boost::json::object& request) {
  auto result = sqs.call(op, request);
  if (!result) {
    throw std::runtime_error("moto " + std::string(op) + " failed: " + result.error().code);
  }
  return *result;
}

}  // namespace

SqsQueues create_fifo_with_dlq(adapters::aws::AwsJsonCaller& sqs, const std::string& name,
                               int max_receives, int visibility_s) {
  SqsQueues queues;
  const auto dlq =
      call(sqs, "CreateQueue",
           {{"QueueName", name + "-dlq.fifo"},
            {"Attributes", {{"FifoQueue", "true"}, {"MessageRetentionPeriod", "1209600"}}}});
  queues.dlq_url = std::string(dlq.at("QueueUrl").as_string());
  const auto arn = call(sqs, "GetQueueAttributes",
                        {{"QueueUrl", queues.dlq_url}, {"AttributeNames", {"QueueArn"}}});
  const std::string dlq_arn(arn.at("Attributes").at("QueueArn").as_string());
  const boost::json::object policy{{"deadLetterTargetArn", dlq_arn},
                                   {"maxReceiveCount", std::to_string(max_receives)}};
  const auto main = call(sqs, "CreateQueue",
                         {{"QueueName", name + ".fifo"},
                          {"Attributes",
                           {{"FifoQueue", "true"},
                            {"VisibilityTimeout", std::to_string(visibility_s)},
                            {"RedrivePolicy", boost::json::serialize(policy)}}}});
  queues.queue_url = std::string(main.at("QueueUrl").as_string());
  return queues;
}

}  // namespace rpmw::testing
