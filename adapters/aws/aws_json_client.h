#pragma once
// AWS JSON-protocol calls (SQS, DynamoDB, SSM, Secrets Manager) over libcurl's SigV4, without the
// AWS SDK: `POST /` with `X-Amz-Target: <target_prefix>.<Operation>`. Callers depend on the
// AwsJsonCaller interface so adapters can be unit-tested with a scripted caller.
#include <boost/json.hpp>

#include <string>
#include <string_view>

#include "core/common/error.h"

namespace rpmw::adapters::aws {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // Lambda and STS credentials; sent as X-Amz-Security-Token
};

// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN from the process environment.
AwsCredentials credentials_from_env();

struct AwsService {
  std::string signing_name;   // "sqs", "dynamodb", "ssm", "secretsmanager"
  std::string target_prefix;  // "AmazonSQS", "DynamoDB_20120810", "AmazonSSM", "secretsmanager"
  std::string json_version;   // "1.0" or "1.1" → application/x-amz-json-<version>
};

AwsService sqs_service();
AwsService dynamodb_service();
AwsService ssm_service();
AwsService secrets_manager_service();

struct AwsEndpoint {
  std::string region;        // never empty (curl would guess it from the host)
  std::string endpoint_url;  // empty: https://<signing_name>.<region>.amazonaws.com
  std::string ca_bundle_path;
  int timeout_ms = 5000;
};

// A failed call. `Error.code` is "aws_<ErrorType>" with the `__type` stripped through '#'
// (e.g. "aws_ConditionalCheckFailedException"), or the transport's code. Kinds:
// throttling → rate_limited, conditional check → conflict, missing resource/parameter/secret →
// not_found, 5xx and transport → transient, other 4xx → permanent.
class AwsJsonCaller {
 public:
  virtual ~AwsJsonCaller() = default;
  virtual core::Result<boost::json::value> call(std::string_view operation,
                                                const boost::json::object& request) = 0;
};

// Thread-safe (one pooled curl handle per concurrent call).
class AwsJsonClient final : public AwsJsonCaller {
 public:
  AwsJsonClient(AwsService service, AwsEndpoint endpoint, AwsCredentials credentials);
  ~AwsJsonClient() override;
  core::Result<boost::json::value> call(std::string_view operation,
                                        const boost::json::object& request) override;

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace rpmw::adapters::aws
