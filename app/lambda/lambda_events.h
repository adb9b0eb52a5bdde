#pragma once
// Pure mappers between Lambda event JSON and rpmw's transport-neutral types: API Gateway HTTP API
// (payload v2.0) requests and responses, SQS event records and the partial-batch response. No I/O,
// no clock: the fuzz target and the unit tests call them directly.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/error.h"
#include "core/ingest/ingress.h"
#include "core/ports/event_queue.h"

namespace rpmw::app::lambda {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One API Gateway HTTP API request; owns its (already base64-decoded) body.
struct ApiGatewayRequest {
  std::string method;     // requestContext.http.method, as sent
  std::string path;       // rawPath, else requestContext.http.path
  std::string raw_query;  // rawQueryString, without '?'
  std::string source;     // requestContext.http.sourceIp
  HeaderList headers;     // names lower-cased; API Gateway joins repeated headers with ','
  std::string body;
  bool body_invalid = false;  // isBase64Encoded with a body that is not base64
};

// invalid_input "apigw_event_invalid" when the event is not a JSON object with a requestContext.
core::Result<ApiGatewayRequest> parse_api_gateway_v2(std::string_view event);

// A view of the request for core::ingest (the request must outlive it).
core::ingest::IngressRequest to_ingress_request(const ApiGatewayRequest& request);

struct ApiGatewayResponse {
  int status = 500;
  HeaderList headers;  // content-type first, then retry-after / x-trace-id / allow when set
  std::string body;
};

// {"statusCode","headers","body","isBase64Encoded":false}
std::string serialize_api_gateway_response(const ApiGatewayResponse& response);

// One SQS record mapped onto the queue port's delivery type.
struct SqsRecord {
  std::string message_id;  // the itemIdentifier of a batch item failure
  core::QueuedEvent event;
};

// Message attributes rpmw's SQS adapter sets on every message (String values).
inline constexpr std::string_view kEventIdAttribute =
    "rpmw_event_id";  // as SqsEventQueue sends them
inline constexpr std::string_view kTraceIdAttribute = "rpmw_trace_id";

// Records in event order. invalid_input "sqs_event_invalid" when the event has no Records array
// or a record has no messageId (it could not be reported back); other missing fields stay empty
// and fail later in the pipeline, one record at a time.
core::Result<std::vector<SqsRecord>> parse_sqs_event(std::string_view event);

// {"batchItemFailures":[{"itemIdentifier":"<messageId>"},…]}
std::string batch_item_failures(const std::vector<std::string>& message_ids);

// Standard alphabet, padding optional, no whitespace; nullopt on any other byte.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace rpmw::app::lambda
