#pragma once
// An open-addressing hash table from KeyDigest to a small trivially copyable value, for the
// queue's in-memory maps (an entry per queued group, per dedup key of the window). Slots are
// stored inline (24 to 32 bytes each) instead of one heap node per entry, which halves the
// memory those maps take at a few hundred thousand entries. `Value{}` marks an empty slot, so
// callers never store a value-initialised Value.
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "adapters/sqlite/key_digest.h"

namespace rpmw::adapters::sqlite {

template <class Value>
class DigestTable {
  static_assert(std::is_trivially_copyable_v<Value>);

 public:
  std::size_t size() const { return size_; }

  const Value* find(const KeyDigest& key) const {
    if (slots_.empty()) return nullptr;
    for (std::size_t i = home(key);; i = next(i)) {
      const Slot& slot = slots_[i];
      if (is_empty(slot)) return nullptr;
      if (slot.key == key) return &slot.value;
    }
  }

  // Stores `value` (not Value{}) under `key`; returns the value it replaced, or Value{}.
  Value put(const KeyDigest& key, const Value& value) {
    if ((size_ + 1) * 8 > slots_.size() * 7) rehash(slots_.empty() ? 16 : slots_.size() * 2);
    for (std::size_t i = home(key);; i = next(i)) {
      Slot& slot = slots_[i];
      if (is_empty(slot)) {
        slot = Slot{key, value};
        ++size_;
        return Value{};
      }
      if (slot.key == key) {
        const Value previous = slot.value;
        slot.value = value;
        return previous;
      }
    }
  }

  void erase(const KeyDigest& key) {
    if (slots_.empty()) return;
    std::size_t hole = home(key);
    for (;; hole = next(hole)) {
      if (is_empty(slots_[hole])) return;
      if (slots_[hole].key == key) break;
    }
    // Backward shift: pull later members of the probe run into the hole, so no tombstones.
    for (std::size_t j = next(hole);; j = next(j)) {
      if (is_empty(slots_[j])) break;
      const std::size_t want = home(slots_[j].key);
      const bool stays = hole <= j ? (hole < want && want <= j) : (hole < want || want <= j);
      if (stays) continue;
      slots_[hole] = slots_[j];
      hole = j;
    }
    slots_[hole] = Slot{};
    --size_;
  }

  // Removes every entry for which `drop(key, value)` holds (a pure predicate: it is asked twice)
  // and gives back memory. A prune that finds nothing to drop leaves the table as it is.
  template <class Drop>
  void erase_if(Drop drop) {
    std::size_t survivors = 0;
    for (const Slot& slot : slots_) {
      if (!is_empty(slot) && !drop(slot.key, slot.value)) ++survivors;
    }
    if (survivors == size_) return;
    std::vector<Slot> old;
    old.swap(slots_);
    size_ = 0;
    if (survivors == 0) return;
    std::size_t capacity = 16;  // the smallest that fits: later puts grow it as usual
    while (survivors * 8 > capacity * 7) capacity *= 2;
    slots_.assign(capacity, Slot{});
    for (const Slot& slot : old) {
      if (!is_empty(slot) && !drop(slot.key, slot.value)) put(slot.key, slot.value);
    }
  }

  void clear() {
    slots_ = {};
    size_ = 0;
  }

 private:
  struct Slot {
    KeyDigest key;
    Value value{};
  };

  static bool is_empty(const Slot& slot) { return slot.value == Value{}; }
  std::size_t home(const KeyDigest& key) const {
    return KeyDigestHash{}(key) & (slots_.size() - 1);
  }
  std::size_t next(std::size_t i) const { return (i + 1) & (slots_.size() - 1); }

  void rehash(std::size_t capacity) {
    std::vector<Slot> old(capacity, Slot{});
    old.swap(slots_);
    size_ = 0;
    for (const Slot& slot : old) {
      if (!is_empty(slot)) put(slot.key, slot.value);
    }
  }

  std::vector<Slot> slots_;  // size 0 or a power of two
  std::size_t size_ = 0;
};

}  // namespace rpmw::adapters::sqlite
