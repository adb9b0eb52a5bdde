#pragma once
// The EventQueue the Lambda worker hands to WorkerPool::process_one: it records how each record of
// one SQS batch was settled (ack / retry later / dead letter) so the handler can answer with
// batchItemFailures. Lambda deletes the records it is not told about, so an ack needs no call.
//
// Dead letters: without a sender a dead-lettered record is reported as failed and the queue's
// redrive policy (maxReceiveCount) moves it to the DLQ after its last receive. With a sender (the
// aws profile: a copy to the DLQ), a record whose receive count reached `max_receives` (its last
// chance anyway) is dead-lettered explicitly so the DLQ keeps the reason; earlier permanent
// failures are reported and redriven like transient ones (the pipeline is idempotent, and SQS
// removes a record from its group only when it is deleted). retry_later also forwards the delay to
// the real queue (`inner`: a visibility change) so a Retry-After is honoured.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/ports/event_queue.h"

namespace rpmw::app::lambda {

// Sends a copy of a delivery received elsewhere (the Lambda event) to the DLQ with its reason.
using DeadLetterSender =
    std::function<core::Status(const core::QueuedEvent& event, const std::string& reason)>;

enum class Settlement { none, ack, retry, dead_letter, dead_lettered_explicitly };

class BatchSettlement final : public core::EventQueue {
 public:
  // `inner` may be null (no queue adapter: settle through batchItemFailures only).
  BatchSettlement(core::EventQueue* inner, int max_receives, DeadLetterSender sender = {})
      : inner_(inner), max_receives_(max_receives), sender_(std::move(sender)) {}

  // The receive count of a receipt, so dead_letter knows whether this was its last receive.
  void expect(const std::string& receipt, int receive_count) { counts_[receipt] = receive_count; }
  // The same, keeping the delivery for an explicit dead letter through the sender.
  void expect(const core::QueuedEvent& event) {
    counts_[event.receipt] = event.receive_count;
    if (sender_) events_[event.receipt] = event;
  }
  Settlement settlement(const std::string& receipt) const;
  const std::string& reason(const std::string& receipt) const;
  // True when the record must be listed in batchItemFailures.
  bool failed(const std::string& receipt) const;

  core::Status ack(const std::string& receipt) override;
  core::Status retry_later(const std::string& receipt, std::chrono::milliseconds delay,
                           const std::string& reason) override;
  core::Status dead_letter(const std::string& receipt, const std::string& reason) override;

  // The worker never enqueues, receives or administers through this decorator.
  core::Result<core::EnqueueResult> enqueue(const core::EnqueueRequest&) override;
  core::Result<std::vector<core::QueuedEvent>> receive(int, std::chrono::milliseconds,
                                                       std::chrono::milliseconds) override;
  core::Result<std::vector<core::DeadLetter>> list_dead_letters(int) override;
  core::Status redrive(const std::string&) override;
  core::Result<core::DeadLetter> get_dead_letter(const std::string&) override;
  core::Status purge_dead_letter(const std::string&) override;
  core::Result<core::QueueStats> stats() override;

 private:
  struct Entry {
    Settlement settlement = Settlement::none;
    std::string reason;
  };
  core::EventQueue* inner_;
  int max_receives_;
  DeadLetterSender sender_;
  std::map<std::string, int> counts_;
  std::map<std::string, core::QueuedEvent> events_;
  std::map<std::string, Entry> entries_;
};

}  // namespace rpmw::app::lambda
