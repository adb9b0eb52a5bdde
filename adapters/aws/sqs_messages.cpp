#include "adapters/aws/sqs_messages.h"

#include <algorithm>
#include <charconv>

#include "core/common/crypto.h"

namespace rpmw::adapters::aws {
namespace {

std::string text_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<std::int64_t> number_of(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string attribute(const boost::json::object& message, std::string_view name) {
  const auto* attributes = message.if_contains("MessageAttributes");
  if (attributes == nullptr || !attributes->is_object()) return {};
  const auto* entry = attributes->get_object().if_contains(name);
  if (entry == nullptr || !entry->is_object()) return {};
  return text_of(entry->get_object(), "StringValue");
}

std::string system_attribute(const boost::json::object& message, std::string_view name) {
  const auto* attributes = message.if_contains("Attributes");
  if (attributes == nullptr || !attributes->is_object()) return {};
  return text_of(attributes->get_object(), name);
}

}  // namespace

std::string sqs_fifo_id(std::string_view value) {
  bool ok = !value.empty() && value.size() <= 128;
  for (const char c : value) {
    // Printable ASCII without the space: alphanumerics and punctuation.
    ok = ok && c > ' ' && c <= '~';
  }
  if (ok) return std::string(value);
  return "sha256:" + core::sha256_hex(value);
}

void put_string_attribute(boost::json::object& attributes, const char* name,
                          std::string_view value) {
  if (value.empty()) return;
  attributes[name] = {{"DataType", "String"}, {"StringValue", value}};
}

void put_number_attribute(boost::json::object& attributes, const char* name, std::int64_t value) {
  attributes[name] = {{"DataType", "Number"}, {"StringValue", std::to_string(value)}};
}

std::optional<SqsMessage> parse_sqs_message(const boost::json::object& message) {
  SqsMessage out;
  out.event.receipt = text_of(message, "ReceiptHandle");
  if (out.event.receipt.empty()) return std::nullopt;
  out.event.body = text_of(message, "Body");
  out.event.event_id = attribute(message, kAttrEventId);
  if (out.event.event_id.empty()) out.event.event_id = text_of(message, "MessageId");
  out.event.trace_id = attribute(message, kAttrTraceId);
  out.message_group_id = system_attribute(message, "MessageGroupId");
  out.event.group = attribute(message, kAttrGroup);
  if (out.event.group.empty()) out.event.group = out.message_group_id;
  out.event.dedup_key = attribute(message, kAttrDedupKey);
  if (out.event.dedup_key.empty()) {
    out.event.dedup_key = system_attribute(message, "MessageDeduplicationId");
  }
  out.sequence_number = system_attribute(message, "SequenceNumber");
  out.sent_at_ms = number_of(system_attribute(message, "SentTimestamp")).value_or(0);
  out.event.receive_count =
      static_cast<int>(number_of(system_attribute(message, "ApproximateReceiveCount")).value_or(1));
  auto enqueued = number_of(attribute(message, kAttrEnqueuedAt));
  if (!enqueued) enqueued = number_of(system_attribute(message, "SentTimestamp"));
  out.event.enqueued_at = core::from_epoch_ms(enqueued.value_or(0));
  out.reason = attribute(message, kAttrReason);
  out.dead_receive_count = static_cast<int>(
      number_of(attribute(message, kAttrReceiveCount)).value_or(out.event.receive_count));
  out.dead_at_ms = number_of(attribute(message, kAttrDeadAt));
  if (!out.dead_at_ms) out.dead_at_ms = number_of(system_attribute(message, "SentTimestamp"));
  return out;
}

core::DeadLetter to_dead_letter(const SqsMessage& message) {
  core::DeadLetter dead;
  dead.event_id = message.event.event_id;
  dead.group = message.event.group;
  dead.trace_id = message.event.trace_id;
  dead.reason = message.reason.empty() ? "redrive_policy" : message.reason;
  dead.receive_count = message.dead_receive_count;
  dead.enqueued_at = message.event.enqueued_at;
  dead.dead_at = core::from_epoch_ms(message.dead_at_ms.value_or(0));
  return dead;
}

void sort_newest_first(std::vector<SqsMessage>& messages) {
  std::reverse(messages.begin(), messages.end());
  std::stable_sort(messages.begin(), messages.end(), [](const SqsMessage& a, const SqsMessage& b) {
    const auto da = a.dead_at_ms.value_or(0);
    const auto db = b.dead_at_ms.value_or(0);
    if (da != db) return da > db;
    return a.sent_at_ms > b.sent_at_ms;
  });
}

}  // namespace rpmw::adapters::aws
