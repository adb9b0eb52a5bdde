// libFuzzer target: the Lambda event mappers (app/lambda/lambda_events.h) on arbitrary bytes —
// API Gateway HTTP API v2 requests, SQS events, base64 — and the answers built from them.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "app/lambda/lambda_events.h"

namespace lambda = rpmw::app::lambda;
namespace json = boost::json;

namespace {

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_lambda_events: property violated: %s\n", what);
  std::abort();
}

bool lower_case(std::string_view name) {
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  if (auto decoded = lambda::base64_decode(input)) {
    require(decoded->size() <= input.size() / 4 * 3 + 2, "base64 output larger than possible");
  }

  if (auto request = lambda::parse_api_gateway_v2(input)) {
    for (const auto& [name, value] : request->headers) {
      require(lower_case(name), "header name not lower-cased");
    }
    require(!request->body_invalid || request->body.empty(), "invalid body kept bytes");
    const auto in = lambda::to_ingress_request(*request);
    require(in.body.size() == request->body.size(), "ingress view of another body");
    lambda::ApiGatewayResponse response;
    response.status = 400;
    response.headers = {{"content-type", "application/json"}};
    response.body = request->path + request->raw_query;  // arbitrary bytes must serialize
    boost::system::error_code ec;
    const json::value round = json::parse(lambda::serialize_api_gateway_response(response), ec);
    require(!ec && round.is_object(), "response is not JSON");
  } else {
    require(request.error().code == "apigw_event_invalid", "unexpected API Gateway error code");
  }

  if (auto records = lambda::parse_sqs_event(input)) {
    std::vector<std::string> ids;
    for (const auto& r : *records) {
      require(!r.message_id.empty(), "record without a message id");
      require(!r.event.event_id.empty(), "record without an event id");
      require(r.event.receive_count >= 0, "negative receive count");
      ids.push_back(r.message_id);
    }
    boost::system::error_code ec;
    const json::value answer = json::parse(lambda::batch_item_failures(ids), ec);
    require(!ec && answer.at("batchItemFailures").as_array().size() == ids.size(),
            "batchItemFailures lost an id");
  } else {
    require(records.error().code == "sqs_event_invalid", "unexpected SQS error code");
  }
  return 0;
}
