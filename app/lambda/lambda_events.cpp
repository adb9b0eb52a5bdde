#include "app/lambda/lambda_events.h"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>

namespace rpmw::app::lambda {
namespace json = boost::json;

namespace {

std::optional<json::value> parse_json(std::string_view text) {
  json::parse_options options;
  options.max_depth = 64;
  boost::system::error_code ec;
  json::value value = json::parse(text, ec, {}, options);
  if (ec) return std::nullopt;
  return value;
}

const json::object* object_at(const json::object& parent, std::string_view key) {
  const json::value* v = parent.if_contains(key);
  return v != nullptr ? v->if_object() : nullptr;
}

std::string string_at(const json::object* parent, std::string_view key) {
  if (parent == nullptr) return {};
  const json::value* v = parent->if_contains(key);
  if (v == nullptr) return {};
  if (const json::string* s = v->if_string()) return std::string(*s);
  return {};
}

// SQS sends numeric attributes as strings ("1", "1700000000000").
std::int64_t number_at(const json::object* parent, std::string_view key) {
  const std::string text = string_at(parent, key);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return 0;
  return value;
}

std::string lower(std::string_view in) {
  std::string out(in);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::optional<std::string> base64_decode(std::string_view text) {
  std::size_t end = text.size();
  if (end > 0 && text[end - 1] == '=') --end;
  if (end > 0 && text[end - 1] == '=') --end;
  if (text.size() % 4 != 0 && end != text.size()) return std::nullopt;  // padded, but misaligned
  if (end % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(end / 4 * 3 + 2);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < end; ++i) {
    const int v = base64_value(text[i]);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

core::Result<ApiGatewayRequest> parse_api_gateway_v2(std::string_view event) {
  auto parsed = parse_json(event);
  const json::object* root = parsed ? parsed->if_object() : nullptr;
  const json::object* context = root != nullptr ? object_at(*root, "requestContext") : nullptr;
  if (context == nullptr) return core::fail(core::ErrorKind::invalid_input, "apigw_event_invalid");
  const json::object* http = object_at(*context, "http");

  ApiGatewayRequest request;
  request.method = string_at(http, "method");
  request.path = string_at(root, "rawPath");
  if (request.path.empty()) request.path = string_at(http, "path");
  request.raw_query = string_at(root, "rawQueryString");
  request.source = string_at(http, "sourceIp");
  if (const json::object* headers = object_at(*root, "headers")) {
    request.headers.reserve(headers->size());
    for (const auto& [name, value] : *headers) {
      if (const json::string* s = value.if_string()) {
        request.headers.emplace_back(lower(name), std::string(*s));
      }
    }
  }
  std::string body = string_at(root, "body");
  const json::value* encoded = root->if_contains("isBase64Encoded");
  if (encoded != nullptr && encoded->is_bool() && encoded->get_bool()) {
    if (auto decoded = base64_decode(body)) {
      request.body = std::move(*decoded);
    } else {
      request.body_invalid = true;
    }
  } else {
    request.body = std::move(body);
  }
  return request;
}

core::ingest::IngressRequest to_ingress_request(const ApiGatewayRequest& request) {
  core::ingest::IngressRequest in;
  in.source = request.source;
  in.headers = request.headers;
  in.query = request.raw_query;
  in.body = request.body;
  return in;
}

std::string serialize_api_gateway_response(const ApiGatewayResponse& response) {
  json::object headers;
  for (const auto& [name, value] : response.headers) headers[name] = value;
  json::object out;
  out["statusCode"] = response.status;
  out["headers"] = std::move(headers);
  out["body"] = response.body;
  out["isBase64Encoded"] = false;
  return json::serialize(out);
}

core::Result<std::vector<SqsRecord>> parse_sqs_event(std::string_view event) {
  auto parsed = parse_json(event);
  const json::object* root = parsed ? parsed->if_object() : nullptr;
  const json::value* records = root != nullptr ? root->if_contains("Records") : nullptr;
  if (records == nullptr || !records->is_array()) {
    return core::fail(core::ErrorKind::invalid_input, "sqs_event_invalid");
  }
  std::vector<SqsRecord> out;
  out.reserve(records->get_array().size());
  for (const json::value& item : records->get_array()) {
    const json::object* record = item.if_object();
    SqsRecord mapped;
    mapped.message_id = string_at(record, "messageId");
    if (mapped.message_id.empty()) {
      return core::fail(core::ErrorKind::invalid_input, "sqs_event_invalid");
    }
    const json::object* attributes = object_at(*record, "attributes");
    const json::object* message_attributes = object_at(*record, "messageAttributes");
    auto message_attribute = [&](std::string_view name) {
      return string_at(
          message_attributes != nullptr ? object_at(*message_attributes, name) : nullptr,
          "stringValue");
    };
    core::QueuedEvent& e = mapped.event;
    e.event_id = message_attribute(kEventIdAttribute);
    if (e.event_id.empty()) e.event_id = mapped.message_id;
    e.trace_id = message_attribute(kTraceIdAttribute);
    e.group = string_at(attributes, "MessageGroupId");
    e.dedup_key = string_at(attributes, "MessageDeduplicationId");
    e.body = string_at(record, "body");
    e.receipt = string_at(record, "receiptHandle");
    const std::int64_t count = number_at(attributes, "ApproximateReceiveCount");
    e.receive_count = static_cast<int>(std::clamp<std::int64_t>(count, 0, 1'000'000));
    // Bounded so the conversion to the clock's nanoseconds cannot overflow (2100 at most).
    constexpr std::int64_t kMaxEpochMs = 4'102'444'800'000;  // 2100-01-01
    e.enqueued_at = core::from_epoch_ms(
        std::clamp<std::int64_t>(number_at(attributes, "SentTimestamp"), 0, kMaxEpochMs));
    out.push_back(std::move(mapped));
  }
  return out;
}

std::string batch_item_failures(const std::vector<std::string>& message_ids) {
  json::array failures;
  failures.reserve(message_ids.size());
  for (const std::string& id : message_ids)
    failures.push_back(json::object{{"itemIdentifier", id}});
  json::object out;
  out["batchItemFailures"] = std::move(failures);
  return json::serialize(out);
}

}  // namespace rpmw::app::lambda
