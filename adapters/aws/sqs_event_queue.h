#pragma once
// EventQueue on an SQS FIFO queue (spec/05). What SQS gives and what it cannot:
// - FIFO per group (MessageGroupId = ticket id), visibility timeouts and receive counts are SQS's.
//   SQS may return several messages of one group in a single ReceiveMessage; the adapter hands out
//   only the head and holds the rest in memory until the head is settled (their lease is refreshed
//   when handed out; a held message whose lease runs out is dropped and SQS redelivers it), so at
//   most one message per group is in a worker's hands.
// - Dedup: SQS silently drops a message whose MessageDeduplicationId it saw in the last 5 minutes
//   and answers as if it was stored, so EnqueueResult.duplicate is only set for repeats inside one
//   enqueue_batch call. The worker's authoritative event key (spec/01) makes the silent case
//   harmless: a duplicate that did get through is acknowledged as such without side effects.
// - Max receives: the queue's redrive policy moves a message to the DLQ (reason
//   "redrive_policy"); `max_receives` here dead-letters with a reason when it is lower.
// - retry_later is ChangeMessageVisibility: the reason cannot be stored on the message.
// - Dead letters: SQS cannot peek. list/get/redrive/purge receive from the DLQ with a short
//   visibility and release what they did not consume; each scan raises the DLQ messages' receive
//   count and a scan sees at most `dlq_scan_limit` messages.
// - receive rounds visibility and wait up to whole seconds and waits at most 20 s per call (SQS's
//   long-poll maximum); callers loop.
// - stats: depth = visible + not visible + delayed, in_flight = not visible (includes held and
//   retry-delayed messages), both approximate. The oldest age is not in the SQS API (CloudWatch's
//   ApproximateAgeOfOldestMessage has it) and is reported as 0.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "adapters/aws/aws_json_client.h"
#include "adapters/aws/sqs_messages.h"
#include "core/ports/clock.h"
#include "core/ports/event_queue.h"

namespace rpmw::adapters::aws {

struct SqsEventQueueOptions {
  std::string queue_url;
  std::string dlq_url;   // empty: from the queue's RedrivePolicy (GetQueueAttributes)
  int max_receives = 5;  // the redrive policy's maxReceiveCount should be the same
  int dlq_scan_limit = 1000;
  std::chrono::seconds dlq_scan_visibility{30};
};

class SqsEventQueue final : public core::EventQueue {
 public:
  // `sqs` (an AwsJsonClient for sqs_service()) and `clock`/`random` outlive the queue.
  SqsEventQueue(AwsJsonCaller& sqs, const core::Clock& clock, core::Random& random,
                SqsEventQueueOptions options);

  core::Result<core::EnqueueResult> enqueue(const core::EnqueueRequest& request) override;
  core::Result<std::vector<core::EnqueueResult>> enqueue_batch(
      const std::vector<core::EnqueueRequest>& requests) override;
  core::Result<std::vector<core::QueuedEvent>> receive(int max,
                                                       std::chrono::milliseconds visibility,
                                                       std::chrono::milliseconds wait) override;
  core::Status ack(const std::string& receipt) override;
  core::Status retry_later(const std::string& receipt, std::chrono::milliseconds delay,
                           const std::string& reason) override;
  core::Status dead_letter(const std::string& receipt, const std::string& reason) override;
  core::Result<std::vector<core::DeadLetter>> list_dead_letters(int limit) override;
  core::Status redrive(const std::string& event_id) override;
  core::Result<core::DeadLetter> get_dead_letter(const std::string& event_id) override;
  core::Status purge_dead_letter(const std::string& event_id) override;
  core::Result<core::QueueStats> stats() override;

  // Sends a copy of `event` with `reason` to the DLQ without touching the source message: for a
  // driver that got the message from elsewhere (Lambda's event source mapping deletes it).
  core::Status send_to_dead_letter_queue(const core::QueuedEvent& event, const std::string& reason);
  // The DLQ URL (configured or derived from the redrive policy), resolved once.
  core::Result<std::string> dead_letter_queue_url();

 private:
  struct Held {
    core::QueuedEvent event;
    std::chrono::steady_clock::time_point lease_until;
  };
  struct Scan {
    std::string dlq;
    std::vector<SqsMessage> messages;
  };

  core::Result<std::vector<core::QueuedEvent>> take_held(int max,
                                                         std::chrono::milliseconds visibility);
  void forget_expired(std::chrono::steady_clock::time_point now);  // with mutex_ held
  core::Status settle(const std::string& receipt);
  core::Status change_visibility(const std::string& url, const std::string& receipt,
                                 std::chrono::milliseconds visibility);
  void release_held(const std::string& group);
  core::Result<Scan> scan_dead_letters(const std::string& stop_at_event_id);
  void release_scan(const std::string& dlq, const Scan& scan, const std::string& except_receipt);
  core::Status send_dead(const core::QueuedEvent& event, const std::string& reason);
  boost::json::object send_entry(const core::EnqueueRequest& request,
                                 const std::string& event_id) const;

  AwsJsonCaller& sqs_;
  const core::Clock& clock_;
  core::Random& random_;
  SqsEventQueueOptions options_;

  std::mutex mutex_;  // guards everything below and random_
  // receipt → delivery in a worker's hands, until settled or its lease runs out
  std::map<std::string, Held> handed_;
  std::map<std::string, std::vector<Held>> held_;  // group → later messages, in order
  std::string dlq_url_;
};

}  // namespace rpmw::adapters::aws
