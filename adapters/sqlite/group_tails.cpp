#include "adapters/sqlite/group_tails.h"

#include <algorithm>

namespace rpmw::adapters::sqlite {

void GroupTails::seen(std::string_view group, std::int64_t seq) {
  last_seq_ = seq;
  tails_.put(KeyDigest::of(group), seq);
}

core::Status GroupTails::synced(SqliteDb& db) {
  loaded_ = true;
  last_seq_before_ = last_seq_;
  undo_.clear();
  if (tails_.size() >= prune_at_) return prune(db);
  return {};
}

core::Status GroupTails::prune(SqliteDb& db) {
  // Rows leave the queue oldest first in their group, so a tail older than the oldest row left
  // belongs to an empty group.
  auto oldest = db.prepare("SELECT MIN(seq) FROM queue_messages");
  if (!oldest) return tl::unexpected(oldest.error());
  auto row = oldest->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row || oldest->column_is_null(0)) {
    tails_.clear();
  } else {
    const std::int64_t min_seq = oldest->column_int64(0);
    tails_.erase_if([&](const KeyDigest&, std::int64_t tail) { return tail < min_seq; });
  }
  // Amortised: the next prune waits until the map has doubled.
  prune_at_ = std::max(kMinPruneSize, tails_.size() * 2);
  return {};
}

std::int64_t GroupTails::tail(const KeyDigest& group) const {
  const std::int64_t* found = tails_.find(group);
  return found == nullptr ? 0 : *found;
}

void GroupTails::added(const KeyDigest& group, std::int64_t seq) {
  undo_.emplace_back(group, tails_.put(group, seq));
  last_seq_ = seq;
}

void GroupTails::committed() {
  undo_.clear();
  last_seq_before_ = last_seq_;
}

void GroupTails::rolled_back() {
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
    if (it->second == 0) {
      tails_.erase(it->first);
    } else {
      tails_.put(it->first, it->second);
    }
  }
  undo_.clear();
  last_seq_ = last_seq_before_;
}

}  // namespace rpmw::adapters::sqlite
