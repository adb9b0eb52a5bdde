#include "tests/fakes/in_memory_queue.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <utility>

#include "core/common/ids.h"

namespace rpmw::fakes {

using core::ErrorKind;
using std::chrono::milliseconds;

namespace {

std::optional<std::pair<std::string, int>> parse_receipt(const std::string& receipt) {
  const auto colon = receipt.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= receipt.size()) return std::nullopt;
  int count = 0;
  const char* first = receipt.data() + colon + 1;
  const char* last = receipt.data() + receipt.size();
  auto [ptr, ec] = std::from_chars(first, last, count);
  if (ec != std::errc() || ptr != last || count <= 0) return std::nullopt;
  return std::make_pair(receipt.substr(0, colon), count);
}

tl::unexpected<core::Error> unexpected(core::Error error) {
  return tl::unexpected<core::Error>(std::move(error));
}

}  // namespace

InMemoryEventQueue::InMemoryEventQueue(const core::Clock& clock, core::Random& random,
                                       InMemoryEventQueueOptions options)
    : clock_(clock), random_(random), options_(options) {}

void InMemoryEventQueue::fail_next(core::Error error, std::string method) {
  std::lock_guard lock(mutex_);
  failures_.push(std::move(error), std::move(method));
}

core::Result<core::EnqueueResult> InMemoryEventQueue::enqueue(const core::EnqueueRequest& request) {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("enqueue")) return unexpected(*failure);
  const std::int64_t now_ms = core::to_epoch_ms(clock_.now());
  if (!request.dedup_key.empty()) {
    auto it = dedup_.find(request.dedup_key);
    if (it != dedup_.end() && it->second.expires_at_ms > now_ms) {
      return core::EnqueueResult{it->second.event_id, true};
    }
  }
  Message message;
  message.event_id = core::make_event_id(core::from_epoch_ms(now_ms), random_);
  message.group = request.group;
  message.dedup_key = request.dedup_key;
  message.body = request.body;
  message.trace_id = request.trace_id;
  message.enqueued_at_ms = now_ms;
  message.visible_at_ms = now_ms;
  if (!request.dedup_key.empty()) {
    dedup_[request.dedup_key] = Dedup{message.event_id, now_ms + options_.dedup_window.count()};
  }
  core::EnqueueResult result{message.event_id, false};
  messages_.emplace(next_seq_++, std::move(message));
  changed_.notify_all();
  return result;
}

std::vector<core::QueuedEvent> InMemoryEventQueue::poll(int max, milliseconds visibility) {
  std::vector<core::QueuedEvent> out;
  const std::int64_t now_ms = core::to_epoch_ms(clock_.now());
  const std::int64_t lease_until = now_ms + std::max<std::int64_t>(1, visibility.count());
  std::set<std::string> seen_groups;  // groups whose head has been looked at
  for (auto it = messages_.begin(); it != messages_.end() && static_cast<int>(out.size()) < max;) {
    Message& m = it->second;
    if (!seen_groups.insert(m.group).second) {  // not the head of its group
      ++it;
      continue;
    }
    if (m.visible_at_ms > now_ms) {  // head leased or delayed: the group is blocked
      ++it;
      continue;
    }
    const std::string last_error = m.in_flight ? "visibility_timeout" : m.last_error;
    if (m.receive_count >= options_.max_receives) {
      // The next message of this group may now be its head.
      seen_groups.erase(m.group);
      auto next = std::next(it);
      bury(it, "max_receives_exceeded:" + last_error, now_ms);
      it = next;
      continue;
    }
    m.visible_at_ms = lease_until;
    m.receive_count += 1;
    m.in_flight = true;
    m.last_error = last_error;
    core::QueuedEvent event;
    event.event_id = m.event_id;
    event.group = m.group;
    event.dedup_key = m.dedup_key;
    event.body = m.body;
    event.trace_id = m.trace_id;
    event.receive_count = m.receive_count;
    event.receipt = m.event_id + ":" + std::to_string(m.receive_count);
    event.enqueued_at = core::from_epoch_ms(m.enqueued_at_ms);
    out.push_back(std::move(event));
    ++it;
  }
  return out;
}

core::Result<std::vector<core::QueuedEvent>> InMemoryEventQueue::receive(int max,
                                                                         milliseconds visibility,
                                                                         milliseconds wait) {
  using Steady = std::chrono::steady_clock;
  const auto deadline = Steady::now() + std::max(wait, milliseconds(0));
  std::unique_lock lock(mutex_);
  if (auto failure = take_failure("receive")) return unexpected(*failure);
  if (max <= 0) return core::fail(ErrorKind::invalid_input, "bad_max");
  for (;;) {
    auto events = poll(max, visibility);
    if (!events.empty() || Steady::now() >= deadline) return events;
    // Re-check now and then: a test may advance the fake clock without touching the queue.
    changed_.wait_until(lock, std::min(deadline, Steady::now() + milliseconds(10)));
  }
}

core::Result<std::map<std::int64_t, InMemoryEventQueue::Message>::iterator>
InMemoryEventQueue::find_lease(const std::string& receipt) {
  const auto parsed = parse_receipt(receipt);
  if (!parsed) return core::fail(ErrorKind::invalid_input, "bad_receipt");
  auto it = std::find_if(messages_.begin(), messages_.end(),
                         [&](const auto& entry) { return entry.second.event_id == parsed->first; });
  if (it == messages_.end() || it->second.receive_count != parsed->second ||
      !it->second.in_flight) {
    return core::fail(ErrorKind::conflict, "stale_receipt");
  }
  return it;
}

void InMemoryEventQueue::bury(std::map<std::int64_t, Message>::iterator it,
                              const std::string& reason, std::int64_t now_ms) {
  Dead dead{std::move(it->second), now_ms, reason, next_dead_order_++};
  const std::string event_id = dead.message.event_id;
  messages_.erase(it);
  dead_.insert_or_assign(event_id, std::move(dead));
}

core::Status InMemoryEventQueue::ack(const std::string& receipt) {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("ack")) return unexpected(*failure);
  auto lease = find_lease(receipt);
  if (!lease) return unexpected(lease.error());
  messages_.erase(*lease);
  changed_.notify_all();
  return {};
}

core::Status InMemoryEventQueue::retry_later(const std::string& receipt, milliseconds delay,
                                             const std::string& reason) {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("retry_later")) return unexpected(*failure);
  auto lease = find_lease(receipt);
  if (!lease) return unexpected(lease.error());
  Message& m = (*lease)->second;
  m.visible_at_ms = core::to_epoch_ms(clock_.now()) + std::max<std::int64_t>(0, delay.count());
  m.in_flight = false;
  m.last_error = reason;
  changed_.notify_all();
  return {};
}

core::Status InMemoryEventQueue::dead_letter(const std::string& receipt,
                                             const std::string& reason) {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("dead_letter")) return unexpected(*failure);
  auto lease = find_lease(receipt);
  if (!lease) return unexpected(lease.error());
  bury(*lease, reason, core::to_epoch_ms(clock_.now()));
  changed_.notify_all();
  return {};
}

core::Result<std::vector<core::DeadLetter>> InMemoryEventQueue::list_dead_letters(int limit) {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("list_dead_letters")) return unexpected(*failure);
  std::vector<const Dead*> all;
  for (const auto& [id, dead] : dead_) all.push_back(&dead);
  std::sort(all.begin(), all.end(), [](const Dead* a, const Dead* b) {
    if (a->dead_at_ms != b->dead_at_ms) return a->dead_at_ms > b->dead_at_ms;
    return a->order > b->order;
  });
  std::vector<core::DeadLetter> out;
  for (const Dead* dead : all) {
    if (static_cast<int>(out.size()) >= limit) break;
    core::DeadLetter letter;
    letter.event_id = dead->message.event_id;
    letter.group = dead->message.group;
    letter.trace_id = dead->message.trace_id;
    letter.reason = dead->reason;
    letter.receive_count = dead->message.receive_count;
    letter.enqueued_at = core::from_epoch_ms(dead->message.enqueued_at_ms);
    letter.dead_at = core::from_epoch_ms(dead->dead_at_ms);
    out.push_back(std::move(letter));
  }
  return out;
}

core::Status InMemoryEventQueue::redrive(const std::string& event_id) {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("redrive")) return unexpected(*failure);
  auto it = dead_.find(event_id);
  if (it == dead_.end()) return core::fail(ErrorKind::not_found, "dead_letter_not_found");
  Message message = std::move(it->second.message);
  dead_.erase(it);
  // Tail of its group with a fresh count; its age restarts like a fresh enqueue.
  const std::int64_t now_ms = core::to_epoch_ms(clock_.now());
  message.enqueued_at_ms = now_ms;
  message.visible_at_ms = now_ms;
  message.receive_count = 0;
  message.last_error.clear();
  message.in_flight = false;
  messages_.emplace(next_seq_++, std::move(message));
  changed_.notify_all();
  return {};
}

core::Result<core::DeadLetter> InMemoryEventQueue::get_dead_letter(const std::string& event_id) {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("get_dead_letter")) return unexpected(*failure);
  auto it = dead_.find(event_id);
  if (it == dead_.end()) return core::fail(ErrorKind::not_found, "dead_letter_not_found");
  const Dead& dead = it->second;
  core::DeadLetter letter;
  letter.event_id = dead.message.event_id;
  letter.group = dead.message.group;
  letter.trace_id = dead.message.trace_id;
  letter.reason = dead.reason;
  letter.receive_count = dead.message.receive_count;
  letter.enqueued_at = core::from_epoch_ms(dead.message.enqueued_at_ms);
  letter.dead_at = core::from_epoch_ms(dead.dead_at_ms);
  return letter;
}

core::Status InMemoryEventQueue::purge_dead_letter(const std::string& event_id) {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("purge_dead_letter")) return unexpected(*failure);
  if (dead_.erase(event_id) == 0) return core::fail(ErrorKind::not_found, "dead_letter_not_found");
  return {};
}

core::Result<core::QueueStats> InMemoryEventQueue::stats() {
  std::lock_guard lock(mutex_);
  if (auto failure = take_failure("stats")) return unexpected(*failure);
  const std::int64_t now_ms = core::to_epoch_ms(clock_.now());
  core::QueueStats stats;
  stats.depth = static_cast<std::int64_t>(messages_.size());
  std::optional<std::int64_t> oldest;
  for (const auto& [seq, m] : messages_) {
    if (m.in_flight && m.visible_at_ms > now_ms) ++stats.in_flight;
    if (!oldest || m.enqueued_at_ms < *oldest) oldest = m.enqueued_at_ms;
  }
  if (oldest) {
    stats.oldest_age_seconds =
        static_cast<double>(std::max<std::int64_t>(0, now_ms - *oldest)) / 1000.0;
  }
  stats.dlq_depth = static_cast<std::int64_t>(dead_.size());
  return stats;
}

std::int64_t InMemoryEventQueue::purge_dedup() {
  std::lock_guard lock(mutex_);
  const std::int64_t now_ms = core::to_epoch_ms(clock_.now());
  return static_cast<std::int64_t>(std::erase_if(
      dedup_, [&](const auto& entry) { return entry.second.expires_at_ms <= now_ms; }));
}

}  // namespace rpmw::fakes
