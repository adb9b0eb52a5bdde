#include "core/common/ids.h"

#include <array>

namespace rpmw::core {

std::string make_ulid(TimePoint now, Random& random) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const auto ms = static_cast<std::uint64_t>(to_epoch_ms(now));
  const std::uint64_t hi = random.next_u64();
  const std::uint64_t lo = random.next_u64();
  // 128 bits: 48 time | 80 random, emitted as 26 base32 digits (the first carries 3 bits).
  std::array<std::uint8_t, 16> bytes{};
  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));
  for (int i = 0; i < 8; ++i) bytes[6 + i] = static_cast<std::uint8_t>(hi >> (56 - 8 * i));
  bytes[14] = static_cast<std::uint8_t>(lo >> 8);
  bytes[15] = static_cast<std::uint8_t>(lo);
  std::string out(26, '0');
  // Read 5 bits at a time from the 130-bit big-endian number (2 leading zero bits).
  for (int digit = 0; digit < 26; ++digit) {
    int bit = digit * 5 - 2;  // position of the digit's first bit within the 128 bits
    int value = 0;
    for (int k = 0; k < 5; ++k, ++bit) {
      value <<= 1;
      if (bit >= 0) value |= (bytes[bit / 8] >> (7 - bit % 8)) & 1;
    }
    out[digit] = kAlphabet[value];
  }
  return out;
}

std::string make_secret_token(Random& random) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (int i = 0; i < 4; ++i) {
    std::uint64_t v = random.next_u64();
    for (int nib = 0; nib < 16; ++nib) out.push_back(kHex[(v >> (60 - 4 * nib)) & 0xf]);
  }
  return out;
}

}  // namespace rpmw::core
