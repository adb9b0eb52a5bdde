#pragma once
// The SQS JSON shapes SqsEventQueue reads and writes: FIFO ids within SQS's limits, our message
// attributes, and a received message parsed back into a QueuedEvent. Pure functions, no I/O.
#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/event_queue.h"

namespace rpmw::adapters::aws {

// Message attribute names (SQS allows at most 10 per message).
inline constexpr const char* kAttrEventId = "rpmw_event_id";
inline constexpr const char* kAttrTraceId = "rpmw_trace_id";
inline constexpr const char* kAttrDedupKey = "rpmw_dedup_key";
inline constexpr const char* kAttrGroup = "rpmw_group";
inline constexpr const char* kAttrEnqueuedAt = "rpmw_enqueued_at_ms";
inline constexpr const char* kAttrReason = "rpmw_reason";
inline constexpr const char* kAttrReceiveCount = "rpmw_receive_count";
inline constexpr const char* kAttrDeadAt = "rpmw_dead_at_ms";

// A MessageGroupId / MessageDeduplicationId: 1..128 characters of alphanumerics and ASCII
// punctuation. Anything else (too long, spaces, non-ASCII) becomes "sha256:<hex>".
std::string sqs_fifo_id(std::string_view value);

// One message as the adapter sees it: the delivery plus what a dead letter carries.
struct SqsMessage {
  core::QueuedEvent event;
  std::string message_group_id;  // as SQS has it (possibly hashed)
  std::string sequence_number;
  std::int64_t sent_at_ms = 0;  // SentTimestamp: SQS's clock
  std::string reason;           // dead letters only; empty when SQS's redrive policy moved it
  int dead_receive_count = 0;
  std::optional<std::int64_t> dead_at_ms;
};

// Parses one element of ReceiveMessage's "Messages"; nullopt without a receipt handle.
std::optional<SqsMessage> parse_sqs_message(const boost::json::object& message);

// {"name": {"DataType": "String"|"Number", "StringValue": ...}} entries; empty values are left
// out (SQS rejects them).
void put_string_attribute(boost::json::object& attributes, const char* name,
                          std::string_view value);
void put_number_attribute(boost::json::object& attributes, const char* name, std::int64_t value);

// The DeadLetter metadata of a DLQ message (reason "redrive_policy" when SQS moved it itself).
core::DeadLetter to_dead_letter(const SqsMessage& message);

// Dead letters newest first: by our dead-at time, then SQS's send time, then the later scanned
// first (a FIFO queue hands out older messages first). Sequence numbers cannot order them: they
// only increase within one message group.
void sort_newest_first(std::vector<SqsMessage>& messages);

}  // namespace rpmw::adapters::aws
