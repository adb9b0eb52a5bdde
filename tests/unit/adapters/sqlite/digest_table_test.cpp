#include "adapters/sqlite/digest_table.h"

#include <doctest/doctest.h>

#include <cstring>
#include <map>
#include <random>
#include <string>

namespace rpmw::adapters::sqlite {
namespace {

// A digest whose table slot (low bits of its first 8 bytes) is chosen: forces collisions.
KeyDigest digest_at(std::uint64_t slot, std::uint8_t tag) {
  KeyDigest digest;
  std::memcpy(digest.bytes.data(), &slot, sizeof slot);
  digest.bytes[15] = tag;
  return digest;
}

}  // namespace

TEST_CASE("digest table: put, find, replace and erase") {
  DigestTable<std::int64_t> table;
  const KeyDigest a = KeyDigest::of("a");
  const KeyDigest b = KeyDigest::of("b");
  CHECK(table.find(a) == nullptr);
  CHECK(table.put(a, 1) == 0);
  CHECK(table.put(b, 2) == 0);
  CHECK(table.put(a, 3) == 1);  // replaced: the old value comes back
  REQUIRE(table.find(a) != nullptr);
  CHECK(*table.find(a) == 3);
  CHECK(table.size() == 2);
  table.erase(a);
  table.erase(a);  // absent: no-op
  CHECK(table.find(a) == nullptr);
  CHECK(*table.find(b) == 2);
  CHECK(table.size() == 1);
  table.clear();
  CHECK(table.find(b) == nullptr);
  CHECK(table.size() == 0);
}

TEST_CASE("digest table: erasing inside a probe run keeps the later members findable") {
  DigestTable<std::int64_t> table;
  // Five keys wanting slot 3 and one wanting slot 4, wrapping past the end of the 16 slots too.
  for (std::uint8_t i = 1; i <= 5; ++i) table.put(digest_at(3, i), i);
  table.put(digest_at(4, 9), 9);
  for (std::uint8_t i = 1; i <= 4; ++i) table.put(digest_at(14, i), 100 + i);
  table.erase(digest_at(3, 2));
  table.erase(digest_at(14, 1));
  for (std::uint8_t i = 1; i <= 5; ++i) {
    if (i == 2) {
      CHECK(table.find(digest_at(3, i)) == nullptr);
    } else {
      REQUIRE(table.find(digest_at(3, i)) != nullptr);
      CHECK(*table.find(digest_at(3, i)) == i);
    }
  }
  CHECK(*table.find(digest_at(4, 9)) == 9);
  for (std::uint8_t i = 2; i <= 4; ++i) CHECK(*table.find(digest_at(14, i)) == 100 + i);
  CHECK(table.size() == 8);
}

TEST_CASE("digest table: behaves like a map under random puts, erases and prunes") {
  DigestTable<std::int64_t> table;
  std::map<int, std::int64_t> model;
  std::mt19937 random(7);
  for (int step = 0; step < 200000; ++step) {
    const int key = static_cast<int>(random() % 5000);
    const KeyDigest digest = KeyDigest::of(std::to_string(key));
    const unsigned op = random() % 10;
    if (op < 6) {
      const std::int64_t value = step + 1;
      const auto old = model.count(key) ? model[key] : 0;
      CHECK(table.put(digest, value) == old);
      model[key] = value;
    } else if (op < 9) {
      table.erase(digest);
      model.erase(key);
    } else if (step % 1000 == 0) {
      const std::int64_t cut = step - 20000;
      table.erase_if([&](const KeyDigest&, std::int64_t value) { return value < cut; });
      std::erase_if(model, [&](const auto& entry) { return entry.second < cut; });
    }
    REQUIRE(table.size() == model.size());
  }
  for (int key = 0; key < 5000; ++key) {
    const std::int64_t* found = table.find(KeyDigest::of(std::to_string(key)));
    if (model.count(key)) {
      REQUIRE(found != nullptr);
      CHECK(*found == model[key]);
    } else {
      CHECK(found == nullptr);
    }
  }
}

}  // namespace rpmw::adapters::sqlite
