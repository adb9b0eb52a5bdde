#pragma once
// Pure hashing helpers (OpenSSL libcrypto: computation only, no I/O).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace rpmw::core {

std::string sha256_hex(std::string_view data);
std::array<std::uint8_t, 32> sha256_digest(std::string_view data);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// Compares without early exit so timing reveals nothing about where inputs differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace rpmw::core
