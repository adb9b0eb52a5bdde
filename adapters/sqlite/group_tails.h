#pragma once
// The last queued seq of each message group, kept in memory by a connection that enqueues, so an
// enqueue can chain a message to its predecessor (queue_messages.prev_seq) without a group index
// on disk. An index keyed by group takes one random B-tree page per enqueue (written to the WAL
// and again by the checkpoint), which cost about half of a durable enqueue.
//
// Correct across connections and processes because queue_messages only grows at the end (seq is
// AUTOINCREMENT) and a group's messages leave it head first: `sync`, run under the write lock,
// reads every row added since the last look. A tail whose row is gone means the group is empty,
// so a stale entry chains to a missing row, which the head query treats as no predecessor.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "adapters/sqlite/digest_table.h"
#include "adapters/sqlite/key_digest.h"
#include "adapters/sqlite/sqlite_db.h"
#include "core/common/error.h"

namespace rpmw::adapters::sqlite {

class GroupTails {
 public:
  // A sync, inside a write transaction, reads the rows after `synced_through()` (0: the whole
  // table the first time), passes each to `seen`, then calls `synced`, which also forgets groups
  // whose tail has left the queue.
  std::int64_t synced_through() const { return loaded_ ? last_seq_ : 0; }
  void seen(std::string_view group, std::int64_t seq);
  core::Status synced(SqliteDb& db);
  // The seq to store as prev_seq of a new message of `group` (0: none queued).
  std::int64_t tail(const KeyDigest& group) const;
  // This connection added `seq` to `group` in the running transaction.
  void added(const KeyDigest& group, std::int64_t seq);
  // The running transaction committed, or rolled back (its additions are forgotten).
  void committed();
  void rolled_back();

  std::size_t size() const { return tails_.size(); }

 private:
  core::Status prune(SqliteDb& db);

  DigestTable<std::int64_t> tails_;  // seq of the newest row, by group
  std::int64_t last_seq_ = 0;        // the newest row this connection has seen
  bool loaded_ = false;
  std::size_t prune_at_ = kMinPruneSize;
  static constexpr std::size_t kMinPruneSize = 4096;

  // Undo log of the running transaction: (group, previous tail or 0), and last_seq_ before it.
  std::vector<std::pair<KeyDigest, std::int64_t>> undo_;
  std::int64_t last_seq_before_ = 0;
};

}  // namespace rpmw::adapters::sqlite
