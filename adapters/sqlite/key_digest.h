#pragma once
// A fixed 16-byte stand-in for a variable-length key (a dedup key, a ticket id) in the queue's
// in-memory maps: the first half of its SHA-256. The maps hold an entry per event of the dedup
// window, so the entry size is the memory bound; two keys share a digest with probability about
// n^2 / 2^129, far below any other failure of the system.
#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/common/crypto.h"

namespace rpmw::adapters::sqlite {

struct KeyDigest {
  std::array<std::uint8_t, 16> bytes{};

  static KeyDigest of(std::string_view key) {
    const auto full = core::sha256_digest(key);
    KeyDigest digest;
    std::memcpy(digest.bytes.data(), full.data(), digest.bytes.size());
    return digest;
  }
  bool operator==(const KeyDigest&) const = default;
};

struct KeyDigestHash {
  std::size_t operator()(const KeyDigest& digest) const noexcept {
    std::size_t value = 0;  // already uniformly distributed: any 8 bytes will do
    std::memcpy(&value, digest.bytes.data(), sizeof value);
    return value;
  }
};

}  // namespace rpmw::adapters::sqlite
