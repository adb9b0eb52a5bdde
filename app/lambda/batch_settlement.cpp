#include "app/lambda/batch_settlement.h"

namespace rpmw::app::lambda {
namespace {
core::Status unsupported() {
  return core::fail(core::ErrorKind::internal, "batch_settlement_unsupported");
}
}  // namespace

Settlement BatchSettlement::settlement(const std::string& receipt) const {
  const auto it = entries_.find(receipt);
  return it == entries_.end() ? Settlement::none : it->second.settlement;
}

const std::string& BatchSettlement::reason(const std::string& receipt) const {
  static const std::string kNone;
  const auto it = entries_.find(receipt);
  return it == entries_.end() ? kNone : it->second.reason;
}

bool BatchSettlement::failed(const std::string& receipt) const {
  const Settlement s = settlement(receipt);
  return s != Settlement::ack && s != Settlement::dead_lettered_explicitly;
}

core::Status BatchSettlement::ack(const std::string& receipt) {
  entries_[receipt] = Entry{Settlement::ack, {}};
  return {};
}

core::Status BatchSettlement::retry_later(const std::string& receipt,
                                          std::chrono::milliseconds delay,
                                          const std::string& reason) {
  entries_[receipt] = Entry{Settlement::retry, reason};
  // Reported as failed either way; the visibility change only sets when it comes back.
  if (inner_ != nullptr) return inner_->retry_later(receipt, delay, reason);
  return {};
}

core::Status BatchSettlement::dead_letter(const std::string& receipt, const std::string& reason) {
  const auto count = counts_.find(receipt);
  const bool last_receive = count != counts_.end() && count->second >= max_receives_;
  if (const auto event = events_.find(receipt); sender_ && last_receive && event != events_.end()) {
    // Lambda deletes the record once it is not reported, so a copy in the DLQ is the move.
    auto sent = sender_(event->second, reason);
    entries_[receipt] =
        Entry{sent ? Settlement::dead_lettered_explicitly : Settlement::dead_letter, reason};
    return sent;
  }
  entries_[receipt] = Entry{Settlement::dead_letter, reason};
  return {};
}

core::Result<core::EnqueueResult> BatchSettlement::enqueue(const core::EnqueueRequest&) {
  return tl::unexpected(unsupported().error());
}
core::Result<std::vector<core::QueuedEvent>> BatchSettlement::receive(int,
                                                                      std::chrono::milliseconds,
                                                                      std::chrono::milliseconds) {
  return tl::unexpected(unsupported().error());
}
core::Result<std::vector<core::DeadLetter>> BatchSettlement::list_dead_letters(int) {
  return tl::unexpected(unsupported().error());
}
core::Status BatchSettlement::redrive(const std::string&) {
  return unsupported();
}
core::Result<core::DeadLetter> BatchSettlement::get_dead_letter(const std::string&) {
  return tl::unexpected(unsupported().error());
}
core::Status BatchSettlement::purge_dead_letter(const std::string&) {
  return unsupported();
}
core::Result<core::QueueStats> BatchSettlement::stats() {
  return tl::unexpected(unsupported().error());
}

}  // namespace rpmw::app::lambda
