#include "adapters/aws/sqs_event_queue.h"

#include <algorithm>
#include <set>
#include <utility>

#include "core/common/ids.h"

namespace rpmw::adapters::aws {
namespace {

using core::ErrorKind;
using SteadyClock = std::chrono::steady_clock;

constexpr std::size_t kMaxBatchEntries = 10;
constexpr std::size_t kMaxBatchBytes = 240 * 1024;  // SQS caps a batch at 256 KiB in total

int whole_seconds(std::chrono::milliseconds d, int max) {
  const auto ms = std::max<std::int64_t>(d.count(), 0);
  return static_cast<int>(std::min<std::int64_t>((ms + 999) / 1000, max));
}

std::string text_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::int64_t count_attribute(const boost::json::value& response, std::string_view name) {
  if (!response.is_object()) return 0;
  const auto* attributes = response.get_object().if_contains("Attributes");
  if (attributes == nullptr || !attributes->is_object()) return 0;
  const std::string text = text_of(attributes->get_object(), name);
  try {
    return text.empty() ? 0 : std::stoll(text);
  } catch (...) {
    return 0;
  }
}

// A receipt SQS no longer accepts (expired lease, already deleted) is the contract's stale
// receipt.
core::Error receipt_error(core::Error error) {
  if (error.code == "aws_ReceiptHandleIsInvalid" || error.code == "aws_MessageNotInflight" ||
      error.code == "aws_InvalidParameterValue") {
    return core::Error{ErrorKind::conflict, "stale_receipt", std::nullopt};
  }
  return error;
}

std::vector<SqsMessage> parse_messages(const boost::json::value& response) {
  std::vector<SqsMessage> out;
  if (!response.is_object()) return out;
  const auto* messages = response.get_object().if_contains("Messages");
  if (messages == nullptr || !messages->is_array()) return out;
  for (const auto& m : messages->get_array()) {
    if (!m.is_object()) continue;
    if (auto parsed = parse_sqs_message(m.get_object())) out.push_back(std::move(*parsed));
  }
  return out;
}

boost::json::object receive_request(const std::string& url, int max, int visibility_s, int wait_s) {
  return {{"QueueUrl", url},
          {"MaxNumberOfMessages", std::clamp(max, 1, 10)},
          {"VisibilityTimeout", visibility_s},
          {"WaitTimeSeconds", wait_s},
          {"AttributeNames",
           {"ApproximateReceiveCount", "SentTimestamp", "MessageGroupId", "MessageDeduplicationId",
            "SequenceNumber"}},
          {"MessageAttributeNames", {"All"}}};
}

}  // namespace

SqsEventQueue::SqsEventQueue(AwsJsonCaller& sqs, const core::Clock& clock, core::Random& random,
                             SqsEventQueueOptions options)
    : sqs_(sqs), clock_(clock), random_(random), options_(std::move(options)) {
  dlq_url_ = options_.dlq_url;
}

boost::json::object SqsEventQueue::send_entry(const core::EnqueueRequest& request,
                                              const std::string& event_id) const {
  boost::json::object attributes;
  put_string_attribute(attributes, kAttrEventId, event_id);
  put_string_attribute(attributes, kAttrTraceId, request.trace_id);
  put_string_attribute(attributes, kAttrDedupKey, request.dedup_key);
  put_string_attribute(attributes, kAttrGroup, request.group);
  put_number_attribute(attributes, kAttrEnqueuedAt, core::to_epoch_ms(clock_.now()));
  // An empty dedup key never dedups: the event id is unique.
  const std::string& dedup = request.dedup_key.empty() ? event_id : request.dedup_key;
  return {{"MessageBody", request.body},
          {"MessageGroupId", sqs_fifo_id(request.group)},
          {"MessageDeduplicationId", sqs_fifo_id(dedup)},
          {"MessageAttributes", std::move(attributes)}};
}

core::Result<core::EnqueueResult> SqsEventQueue::enqueue(const core::EnqueueRequest& request) {
  auto results = enqueue_batch({request});
  if (!results) return tl::unexpected(results.error());
  return results->front();
}

core::Result<std::vector<core::EnqueueResult>> SqsEventQueue::enqueue_batch(
    const std::vector<core::EnqueueRequest>& requests) {
  std::vector<core::EnqueueResult> results(requests.size());
  std::map<std::string, std::size_t> first_of_key;  // repeats inside this call are duplicates
  std::vector<std::size_t> to_send;
  {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < requests.size(); ++i) {
      if (requests[i].group.empty() || requests[i].body.empty()) {
        return core::fail(ErrorKind::invalid_input, "sqs_empty_group_or_body");
      }
      const std::string& key = requests[i].dedup_key;
      if (!key.empty()) {
        if (const auto it = first_of_key.find(key); it != first_of_key.end()) {
          results[i] = {results[it->second].event_id, true};
          continue;
        }
        first_of_key.emplace(key, i);
      }
      results[i] = {core::make_event_id(clock_.now(), random_), false};
      to_send.push_back(i);
    }
  }

  std::size_t next = 0;
  while (next < to_send.size()) {
    boost::json::array entries;
    std::size_t bytes = 0;
    while (next < to_send.size() && entries.size() < kMaxBatchEntries) {
      const auto& request = requests[to_send[next]];
      const std::size_t size = request.body.size() + 1024;  // attributes and framing
      if (!entries.empty() && bytes + size > kMaxBatchBytes) break;
      boost::json::object entry = send_entry(request, results[to_send[next]].event_id);
      entry["Id"] = std::to_string(entries.size());
      entries.push_back(std::move(entry));
      bytes += size;
      ++next;
    }
    auto response = sqs_.call("SendMessageBatch",
                              {{"QueueUrl", options_.queue_url}, {"Entries", std::move(entries)}});
    if (!response) return tl::unexpected(response.error());
    const auto* failed =
        response->is_object() ? response->get_object().if_contains("Failed") : nullptr;
    if (failed != nullptr && failed->is_array() && !failed->get_array().empty()) {
      const auto& first = failed->get_array().front();
      const bool sender = first.is_object() && first.get_object().if_contains("SenderFault") &&
                          first.at("SenderFault").is_bool() && first.at("SenderFault").as_bool();
      const std::string code = first.is_object() ? text_of(first.get_object(), "Code") : "";
      return core::fail(sender ? ErrorKind::permanent : ErrorKind::transient,
                        "aws_" + (code.empty() ? std::string("BatchEntryFailed") : code));
    }
  }
  return results;
}

core::Result<std::vector<core::QueuedEvent>> SqsEventQueue::take_held(
    int max, std::chrono::milliseconds visibility) {
  std::vector<core::QueuedEvent> out;
  for (;;) {
    std::optional<Held> candidate;
    {
      std::lock_guard lock(mutex_);
      if (static_cast<int>(out.size()) >= max) break;
      const auto now = SteadyClock::now();
      forget_expired(now);
      for (auto& [group, held] : held_) {
        if (held.empty()) continue;
        const bool busy = std::any_of(handed_.begin(), handed_.end(),
                                      [&](const auto& h) { return h.second.event.group == group; });
        if (busy) continue;
        // Too little lease left to be worth refreshing: SQS will redeliver the whole group.
        if (held.front().lease_until - now < std::chrono::seconds(1)) {
          held.clear();
          continue;
        }
        candidate = std::move(held.front());
        held.erase(held.begin());
        // Handed out now, before the lease refresh below runs unlocked: another thread must see
        // the group busy, or it could hand out the next held message of the group first.
        handed_[candidate->event.receipt] = *candidate;
        break;
      }
    }
    if (!candidate) break;
    const std::string group = candidate->event.group;
    const std::string receipt = candidate->event.receipt;
    if (change_visibility(options_.queue_url, receipt, visibility)) {
      std::lock_guard lock(mutex_);
      if (const auto it = handed_.find(receipt); it != handed_.end()) {
        it->second.lease_until = SteadyClock::now() + visibility;
      }
      out.push_back(std::move(candidate->event));
    } else {
      {
        std::lock_guard lock(mutex_);
        handed_.erase(receipt);
      }
      release_held(group);  // its lease is gone; the rest of the group must not overtake it
    }
  }
  return out;
}

core::Result<std::vector<core::QueuedEvent>> SqsEventQueue::receive(
    int max, std::chrono::milliseconds visibility, std::chrono::milliseconds wait) {
  if (max <= 0) return core::fail(ErrorKind::invalid_input, "bad_max");
  auto out = take_held(max, visibility);
  if (!out) return out;
  if (static_cast<int>(out->size()) >= max) return out;

  const int wait_s = out->empty() ? whole_seconds(wait, 20) : 0;
  auto response = sqs_.call("ReceiveMessage",
                            receive_request(options_.queue_url, max - static_cast<int>(out->size()),
                                            whole_seconds(visibility, 43200), wait_s));
  if (!response) return tl::unexpected(response.error());

  std::vector<core::QueuedEvent> exhausted;
  {
    std::lock_guard lock(mutex_);
    const auto now = SteadyClock::now();
    const auto lease_until = now + visibility;
    forget_expired(now);
    std::set<std::string> busy;
    for (const auto& [receipt, handed] : handed_) busy.insert(handed.event.group);
    for (const auto& [group, held] : held_) {
      if (!held.empty()) busy.insert(group);
    }
    for (auto& message : parse_messages(*response)) {
      core::QueuedEvent& event = message.event;
      const std::string group = event.group;
      if (options_.max_receives > 0 && event.receive_count > options_.max_receives) {
        exhausted.push_back(std::move(event));
        continue;
      }
      if (busy.count(group) > 0 || static_cast<int>(out->size()) >= max) {
        held_[group].push_back(Held{std::move(event), lease_until});
        busy.insert(group);
        continue;
      }
      busy.insert(group);
      handed_[event.receipt] = Held{event, lease_until};
      out->push_back(std::move(event));
    }
  }
  for (auto& event : exhausted) {
    // Reaching here means the redrive policy allows more receives than max_receives.
    if (send_dead(event, "max_receives_exceeded")) {
      (void)sqs_.call("DeleteMessage",
                      {{"QueueUrl", options_.queue_url}, {"ReceiptHandle", event.receipt}});
    }
  }
  return out;
}

// A delivery whose lease ran out is SQS's again (it may already be redelivered): it no longer
// blocks its group here, and its receipt can no longer dead-letter it.
void SqsEventQueue::forget_expired(SteadyClock::time_point now) {
  std::erase_if(handed_, [&](const auto& h) { return h.second.lease_until <= now; });
}

core::Status SqsEventQueue::settle(const std::string& receipt) {
  if (receipt.empty()) return core::fail(ErrorKind::invalid_input, "bad_receipt");
  std::lock_guard lock(mutex_);
  handed_.erase(receipt);
  return {};
}

core::Status SqsEventQueue::change_visibility(const std::string& url, const std::string& receipt,
                                              std::chrono::milliseconds visibility) {
  auto response = sqs_.call("ChangeMessageVisibility",
                            {{"QueueUrl", url},
                             {"ReceiptHandle", receipt},
                             {"VisibilityTimeout", whole_seconds(visibility, 43200)}});
  if (!response) return tl::unexpected(receipt_error(response.error()));
  return {};
}

void SqsEventQueue::release_held(const std::string& group) {
  std::vector<Held> held;
  {
    std::lock_guard lock(mutex_);
    const auto it = held_.find(group);
    if (it == held_.end()) return;
    held = std::move(it->second);
    held_.erase(it);
  }
  for (const auto& h : held) {
    (void)change_visibility(options_.queue_url, h.event.receipt, std::chrono::milliseconds(0));
  }
}

core::Status SqsEventQueue::ack(const std::string& receipt) {
  if (auto settled = settle(receipt); !settled) return settled;
  auto response =
      sqs_.call("DeleteMessage", {{"QueueUrl", options_.queue_url}, {"ReceiptHandle", receipt}});
  if (!response) return tl::unexpected(receipt_error(response.error()));
  return {};
}

core::Status SqsEventQueue::retry_later(const std::string& receipt, std::chrono::milliseconds delay,
                                        const std::string&) {
  if (receipt.empty()) return core::fail(ErrorKind::invalid_input, "bad_receipt");
  std::string group;
  {
    std::lock_guard lock(mutex_);
    if (const auto it = handed_.find(receipt); it != handed_.end()) group = it->second.event.group;
  }
  // Held later messages go back first: the group stays locked by the delayed head, which SQS
  // then hands out before them.
  if (!group.empty()) release_held(group);
  auto changed = change_visibility(options_.queue_url, receipt, delay);
  (void)settle(receipt);
  return changed;
}

core::Status SqsEventQueue::dead_letter(const std::string& receipt, const std::string& reason) {
  if (receipt.empty()) return core::fail(ErrorKind::invalid_input, "bad_receipt");
  std::optional<core::QueuedEvent> event;
  {
    std::lock_guard lock(mutex_);
    if (const auto it = handed_.find(receipt); it != handed_.end()) event = it->second.event;
  }
  if (!event) return core::fail(ErrorKind::conflict, "stale_receipt");
  if (auto sent = send_dead(*event, reason); !sent) return sent;
  (void)settle(receipt);
  auto response =
      sqs_.call("DeleteMessage", {{"QueueUrl", options_.queue_url}, {"ReceiptHandle", receipt}});
  if (!response) return tl::unexpected(receipt_error(response.error()));
  return {};
}

core::Status SqsEventQueue::send_to_dead_letter_queue(const core::QueuedEvent& event,
                                                      const std::string& reason) {
  return send_dead(event, reason);
}

core::Status SqsEventQueue::send_dead(const core::QueuedEvent& event, const std::string& reason) {
  auto dlq = dead_letter_queue_url();
  if (!dlq) return tl::unexpected(dlq.error());
  const std::int64_t now_ms = core::to_epoch_ms(clock_.now());
  boost::json::object attributes;
  put_string_attribute(attributes, kAttrEventId, event.event_id);
  put_string_attribute(attributes, kAttrTraceId, event.trace_id);
  put_string_attribute(attributes, kAttrDedupKey, event.dedup_key);
  put_string_attribute(attributes, kAttrGroup, event.group);
  put_number_attribute(attributes, kAttrEnqueuedAt, core::to_epoch_ms(event.enqueued_at));
  put_string_attribute(attributes, kAttrReason, reason);
  put_number_attribute(attributes, kAttrReceiveCount, event.receive_count);
  put_number_attribute(attributes, kAttrDeadAt, now_ms);
  auto response = sqs_.call(
      "SendMessage",
      {{"QueueUrl", *dlq},
       {"MessageBody", event.body},
       {"MessageGroupId", sqs_fifo_id(event.group)},
       {"MessageDeduplicationId", sqs_fifo_id(event.event_id + ":dead:" + std::to_string(now_ms))},
       {"MessageAttributes", std::move(attributes)}});
  if (!response) return tl::unexpected(response.error());
  return {};
}

core::Result<std::string> SqsEventQueue::dead_letter_queue_url() {
  {
    std::lock_guard lock(mutex_);
    if (!dlq_url_.empty()) return dlq_url_;
  }
  auto attributes = sqs_.call("GetQueueAttributes", {{"QueueUrl", options_.queue_url},
                                                     {"AttributeNames", {"RedrivePolicy"}}});
  if (!attributes) return tl::unexpected(attributes.error());
  std::string policy_text;
  if (attributes->is_object()) {
    if (const auto* a = attributes->get_object().if_contains("Attributes"); a && a->is_object()) {
      policy_text = text_of(a->get_object(), "RedrivePolicy");
    }
  }
  boost::system::error_code ec;
  const auto policy = boost::json::parse(policy_text, ec);
  if (ec || !policy.is_object()) {
    return core::fail(ErrorKind::permanent, "sqs_no_redrive_policy");
  }
  // arn:aws:sqs:<region>:<account>:<name>
  const std::string arn = text_of(policy.get_object(), "deadLetterTargetArn");
  const auto last = arn.rfind(':');
  const auto before = last == std::string::npos ? std::string::npos : arn.rfind(':', last - 1);
  if (last == std::string::npos || before == std::string::npos) {
    return core::fail(ErrorKind::permanent, "sqs_bad_dead_letter_arn");
  }
  auto url = sqs_.call("GetQueueUrl",
                       {{"QueueName", arn.substr(last + 1)},
                        {"QueueOwnerAWSAccountId", arn.substr(before + 1, last - before - 1)}});
  if (!url) return tl::unexpected(url.error());
  const std::string resolved = url->is_object() ? text_of(url->get_object(), "QueueUrl") : "";
  if (resolved.empty()) return core::fail(ErrorKind::transient, "aws_invalid_response");
  std::lock_guard lock(mutex_);
  dlq_url_ = resolved;
  return dlq_url_;
}

core::Result<SqsEventQueue::Scan> SqsEventQueue::scan_dead_letters(
    const std::string& stop_at_event_id) {
  auto dlq = dead_letter_queue_url();
  if (!dlq) return tl::unexpected(dlq.error());
  Scan scan;
  scan.dlq = *dlq;
  const int visibility = static_cast<int>(options_.dlq_scan_visibility.count());
  while (static_cast<int>(scan.messages.size()) < options_.dlq_scan_limit) {
    auto response = sqs_.call("ReceiveMessage", receive_request(*dlq, 10, visibility, 0));
    if (!response) {
      release_scan(*dlq, scan, "");
      return tl::unexpected(response.error());
    }
    auto batch = parse_messages(*response);
    if (batch.empty()) break;
    bool found = false;
    for (auto& m : batch) {
      found = found || (!stop_at_event_id.empty() && m.event.event_id == stop_at_event_id);
      scan.messages.push_back(std::move(m));
    }
    if (found) break;
  }
  return scan;
}

void SqsEventQueue::release_scan(const std::string& dlq, const Scan& scan,
                                 const std::string& except_receipt) {
  boost::json::array entries;
  const auto flush = [&] {
    if (entries.empty()) return;
    (void)sqs_.call("ChangeMessageVisibilityBatch",
                    {{"QueueUrl", dlq}, {"Entries", std::move(entries)}});
    entries = boost::json::array();
  };
  for (const auto& m : scan.messages) {
    if (m.event.receipt == except_receipt) continue;
    entries.push_back({{"Id", std::to_string(entries.size())},
                       {"ReceiptHandle", m.event.receipt},
                       {"VisibilityTimeout", 0}});
    if (entries.size() == kMaxBatchEntries) flush();
  }
  flush();
}

core::Result<std::vector<core::DeadLetter>> SqsEventQueue::list_dead_letters(int limit) {
  if (limit <= 0) return std::vector<core::DeadLetter>{};
  auto scan = scan_dead_letters("");
  if (!scan) return tl::unexpected(scan.error());
  release_scan(scan->dlq, *scan, "");
  auto& messages = scan->messages;
  sort_newest_first(messages);
  std::vector<core::DeadLetter> out;
  for (const auto& m : messages) {
    if (static_cast<int>(out.size()) >= limit) break;
    out.push_back(to_dead_letter(m));
  }
  return out;
}

core::Result<core::DeadLetter> SqsEventQueue::get_dead_letter(const std::string& event_id) {
  auto scan = scan_dead_letters(event_id);
  if (!scan) return tl::unexpected(scan.error());
  release_scan(scan->dlq, *scan, "");
  for (const auto& m : scan->messages) {
    if (m.event.event_id == event_id) return to_dead_letter(m);
  }
  return core::fail(ErrorKind::not_found, "dead_letter_not_found");
}

core::Status SqsEventQueue::redrive(const std::string& event_id) {
  auto scan = scan_dead_letters(event_id);
  if (!scan) return tl::unexpected(scan.error());
  const auto it = std::find_if(scan->messages.begin(), scan->messages.end(),
                               [&](const SqsMessage& m) { return m.event.event_id == event_id; });
  if (it == scan->messages.end()) {
    release_scan(scan->dlq, *scan, "");
    return core::fail(ErrorKind::not_found, "dead_letter_not_found");
  }
  const std::int64_t now_ms = core::to_epoch_ms(clock_.now());
  boost::json::object attributes;
  put_string_attribute(attributes, kAttrEventId, it->event.event_id);
  put_string_attribute(attributes, kAttrTraceId, it->event.trace_id);
  put_string_attribute(attributes, kAttrDedupKey, it->event.dedup_key);
  put_string_attribute(attributes, kAttrGroup, it->event.group);
  put_number_attribute(attributes, kAttrEnqueuedAt, now_ms);
  auto sent = sqs_.call(
      "SendMessage",
      {{"QueueUrl", options_.queue_url},
       {"MessageBody", it->event.body},
       {"MessageGroupId", sqs_fifo_id(it->event.group)},
       {"MessageDeduplicationId", sqs_fifo_id(event_id + ":redrive:" + std::to_string(now_ms))},
       {"MessageAttributes", std::move(attributes)}});
  if (!sent) {
    release_scan(scan->dlq, *scan, "");
    return tl::unexpected(sent.error());
  }
  release_scan(scan->dlq, *scan, it->event.receipt);
  auto deleted =
      sqs_.call("DeleteMessage", {{"QueueUrl", scan->dlq}, {"ReceiptHandle", it->event.receipt}});
  if (!deleted) return tl::unexpected(deleted.error());
  return {};
}

core::Status SqsEventQueue::purge_dead_letter(const std::string& event_id) {
  auto scan = scan_dead_letters(event_id);
  if (!scan) return tl::unexpected(scan.error());
  const auto it = std::find_if(scan->messages.begin(), scan->messages.end(),
                               [&](const SqsMessage& m) { return m.event.event_id == event_id; });
  const std::string receipt = it == scan->messages.end() ? std::string() : it->event.receipt;
  release_scan(scan->dlq, *scan, receipt);
  if (receipt.empty()) return core::fail(ErrorKind::not_found, "dead_letter_not_found");
  auto deleted = sqs_.call("DeleteMessage", {{"QueueUrl", scan->dlq}, {"ReceiptHandle", receipt}});
  if (!deleted) return tl::unexpected(deleted.error());
  return {};
}

core::Result<core::QueueStats> SqsEventQueue::stats() {
  const boost::json::array names{"ApproximateNumberOfMessages",
                                 "ApproximateNumberOfMessagesNotVisible",
                                 "ApproximateNumberOfMessagesDelayed"};
  auto main = sqs_.call("GetQueueAttributes",
                        {{"QueueUrl", options_.queue_url}, {"AttributeNames", names}});
  if (!main) return tl::unexpected(main.error());
  core::QueueStats stats;
  stats.in_flight = count_attribute(*main, "ApproximateNumberOfMessagesNotVisible");
  stats.depth = count_attribute(*main, "ApproximateNumberOfMessages") + stats.in_flight +
                count_attribute(*main, "ApproximateNumberOfMessagesDelayed");
  auto dlq = dead_letter_queue_url();
  if (!dlq) {
    // A queue without a DLQ has no dead letters to count; other failures are real.
    if (dlq.error().kind == ErrorKind::permanent) return stats;
    return tl::unexpected(dlq.error());
  }
  auto dead = sqs_.call("GetQueueAttributes", {{"QueueUrl", *dlq}, {"AttributeNames", names}});
  if (!dead) return tl::unexpected(dead.error());
  stats.dlq_depth = count_attribute(*dead, "ApproximateNumberOfMessages") +
                    count_attribute(*dead, "ApproximateNumberOfMessagesNotVisible") +
                    count_attribute(*dead, "ApproximateNumberOfMessagesDelayed");
  return stats;
}

}  // namespace rpmw::adapters::aws
