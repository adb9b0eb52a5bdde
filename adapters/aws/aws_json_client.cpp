#include "adapters/aws/aws_json_client.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <utility>

#include "adapters/http/http_client.h"

namespace rpmw::adapters::aws {
namespace {

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

std::string call_url(const AwsService& service, const AwsEndpoint& endpoint) {
  std::string url = endpoint.endpoint_url.empty() ? "https://" + service.signing_name + "." +
                                                        endpoint.region + ".amazonaws.com"
                                                  : endpoint.endpoint_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url + "/";
}

// "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException" → the part after '#'; the
// x-amzn-ErrorType header form "Type:http://..." → the part before ':'.
std::string error_type(std::string_view raw) {
  if (const auto hash = raw.rfind('#'); hash != std::string_view::npos) {
    raw.remove_prefix(hash + 1);
  }
  if (const auto colon = raw.find(':'); colon != std::string_view::npos) {
    raw = raw.substr(0, colon);
  }
  // Only a safe machine code goes into Error.code.
  std::string out;
  for (const char c : raw) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_';
    if (safe) out.push_back(c);
    if (out.size() >= 96) break;
  }
  return out;
}

bool one_of(std::string_view type, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), type) != names.end();
}

core::ErrorKind error_kind(std::string_view type, long status) {
  if (status == 429 ||
      one_of(type, {"ThrottlingException", "Throttling", "ThrottledException", "RequestThrottled",
                    "TooManyRequestsException", "ProvisionedThroughputExceededException",
                    "RequestLimitExceeded", "RequestThrottledException",
                    "AWS.SimpleQueueService.RequestThrottled"})) {
    return core::ErrorKind::rate_limited;
  }
  if (one_of(type, {"ConditionalCheckFailedException"})) return core::ErrorKind::conflict;
  // Key on the type, never on the status: moto answers a missing secret with 404, AWS with 400.
  if (one_of(type, {"ResourceNotFoundException", "ParameterNotFound", "ParameterVersionNotFound",
                    "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"})) {
    return core::ErrorKind::not_found;
  }
  if (status >= 500) return core::ErrorKind::transient;
  return core::ErrorKind::permanent;
}

core::Error response_error(const http::HttpResponse& response) {
  std::string type;
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(response.body, ec);
  if (!ec && body.is_object()) {
    if (const auto* t = body.get_object().if_contains("__type"); t != nullptr && t->is_string()) {
      type = error_type(t->get_string());
    }
  }
  if (type.empty()) type = error_type(response.header("x-amzn-errortype"));
  // Authentication failures can come back in the query protocol's XML form (moto does that):
  // <ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code>…
  if (type.empty()) {
    const auto open = response.body.find("<Code>");
    const auto close = response.body.find("</Code>");
    if (open != std::string::npos && close != std::string::npos && close > open) {
      type = error_type(std::string_view(response.body).substr(open + 6, close - open - 6));
    }
  }
  core::Error error;
  error.kind = error_kind(type, response.status);
  error.code = type.empty() ? "aws_http_" + std::to_string(response.status) : "aws_" + type;
  return error;
}

}  // namespace

AwsCredentials credentials_from_env() {
  return {env_or_empty("AWS_ACCESS_KEY_ID"), env_or_empty("AWS_SECRET_ACCESS_KEY"),
          env_or_empty("AWS_SESSION_TOKEN")};
}

AwsService sqs_service() {
  return {"sqs", "AmazonSQS", "1.0"};
}
AwsService dynamodb_service() {
  return {"dynamodb", "DynamoDB_20120810", "1.0"};
}
AwsService ssm_service() {
  return {"ssm", "AmazonSSM", "1.1"};
}
AwsService secrets_manager_service() {
  return {"secretsmanager", "secretsmanager", "1.1"};
}

struct AwsJsonClient::Impl {
  Impl(AwsService s, AwsEndpoint e, AwsCredentials c)
      : service(std::move(s)),
        endpoint(std::move(e)),
        credentials(std::move(c)),
        url(call_url(service, endpoint)),
        clients(http::vendor_client_options(url, endpoint.ca_bundle_path)) {}

  AwsService service;
  AwsEndpoint endpoint;
  AwsCredentials credentials;
  std::string url;
  http::HttpClientPool clients;
};

AwsJsonClient::AwsJsonClient(AwsService service, AwsEndpoint endpoint, AwsCredentials credentials)
    : impl_(new Impl(std::move(service), std::move(endpoint), std::move(credentials))) {}

AwsJsonClient::~AwsJsonClient() {
  delete impl_;
}

core::Result<boost::json::value> AwsJsonClient::call(std::string_view operation,
                                                     const boost::json::object& request) {
  if (impl_->endpoint.region.empty()) {
    return core::fail(core::ErrorKind::invalid_input, "aws_region_missing");
  }
  if (impl_->credentials.access_key_id.empty() || impl_->credentials.secret_access_key.empty()) {
    return core::fail(core::ErrorKind::invalid_input, "aws_credentials_missing");
  }
  http::HttpRequest http_request;
  http_request.method = "POST";
  http_request.url = impl_->url;
  http_request.headers = {
      {"Content-Type", "application/x-amz-json-" + impl_->service.json_version},
      {"X-Amz-Target", impl_->service.target_prefix + "." + std::string(operation)}};
  http_request.body = boost::json::serialize(request);
  const auto timeout = std::chrono::milliseconds(std::max(impl_->endpoint.timeout_ms, 1));
  http_request.total_timeout = timeout;
  http_request.connect_timeout = std::min(timeout, std::chrono::milliseconds(3000));
  http_request.sigv4 = http::AwsSigV4{
      impl_->endpoint.region, impl_->service.signing_name, impl_->credentials.access_key_id,
      impl_->credentials.secret_access_key, impl_->credentials.session_token};

  auto response = impl_->clients.send(http_request);
  if (!response) return tl::unexpected(response.error());
  if (response->status < 200 || response->status >= 300) {
    return tl::unexpected(response_error(*response));
  }
  if (response->body.empty()) return boost::json::value(boost::json::object());
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(response->body, ec);
  if (ec) return core::fail(core::ErrorKind::transient, "aws_invalid_response");
  return body;
}

}  // namespace rpmw::adapters::aws
