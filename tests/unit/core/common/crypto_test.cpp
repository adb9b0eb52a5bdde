#include "core/common/crypto.h"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

using rpmw::core::constant_time_equal;
using rpmw::core::hmac_sha256_hex;
using rpmw::core::sha256_hex;

TEST_CASE("core/common: sha256_hex matches the FIPS 180-2 vectors") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("core/common: sha256 keeps giving the same digests, on every thread") {
  // The digest context is reused per thread: one call must not leak into the next.
  const std::string abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  for (int i = 0; i < 3; ++i) CHECK(sha256_hex("abc") == abc);
  CHECK(rpmw::core::sha256_digest("abc")[0] == 0xba);
  std::vector<std::string> got(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back([&got, i] {
      for (int n = 0; n < 100; ++n) got[i] = sha256_hex(n % 2 == 0 ? "" : "abc");
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& digest : got) CHECK(digest == abc);
}

TEST_CASE("core/common: sha256_hex hashes embedded NUL bytes") {
  const std::string with_nul("a\0b", 3);
  CHECK(sha256_hex(with_nul) != sha256_hex("a"));
  CHECK(sha256_hex(with_nul).size() == 64);
}

TEST_CASE("core/common: hmac_sha256_hex matches RFC 4231") {
  SUBCASE("test case 1") {
    const std::string key(20, '\x0b');
    CHECK(hmac_sha256_hex(key, "Hi There") ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  }
  SUBCASE("test case 2") {
    CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }
  SUBCASE("test case 6: key longer than the block size") {
    const std::string key(131, '\xaa');
    CHECK(hmac_sha256_hex(key, "Test Using Larger Than Block-Size Key - Hash Key First") ==
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  }
}

TEST_CASE("core/common: constant_time_equal compares contents and lengths") {
  CHECK(constant_time_equal("", ""));
  CHECK(constant_time_equal("token-123", "token-123"));
  CHECK_FALSE(constant_time_equal("token-123", "token-124"));
  CHECK_FALSE(constant_time_equal("Token-123", "token-123"));
  CHECK_FALSE(constant_time_equal("token-123", "token-1234"));
  CHECK_FALSE(constant_time_equal("token-1234", "token-123"));
  CHECK_FALSE(constant_time_equal("", "x"));
  CHECK(constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
  CHECK_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}
