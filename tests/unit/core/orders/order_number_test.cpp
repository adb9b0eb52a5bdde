#include "core/orders/order_number.h"

#include <doctest/doctest.h>

#include "core/text/normalize.h"

using rpmw::core::orders::extract_order_numbers;
using Numbers = std::vector<std::string>;

TEST_CASE("core/orders: order numbers are taken after '#' or an order keyword") {
  CHECK(extract_order_numbers("Where is my order #1042?") == Numbers{"1042"});
  CHECK(extract_order_numbers("order 1042") == Numbers{"1042"});
  CHECK(extract_order_numbers("Order no. 1042063 still not here") == Numbers{"1042063"});
  CHECK(extract_order_numbers("Order number: 55123") == Numbers{"55123"});
  CHECK(extract_order_numbers("ORDER#12345") == Numbers{"12345"});
  CHECK(extract_order_numbers("mi pedido número 5678") == Numbers{"5678"});
  CHECK(extract_order_numbers("# 4321") == Numbers{"4321"});
  // Three digits are enough for a lookup (the contact must match too), unlike the feature.
  CHECK(extract_order_numbers("order #123") == Numbers{"123"});
  CHECK(extract_order_numbers("#12").empty());
  CHECK(extract_order_numbers("order 12").empty());
}

TEST_CASE("core/orders: candidates are deduplicated, in text order, at most three") {
  CHECK(extract_order_numbers("order #1042, or maybe #1043? order number 1042, #1044 and #1045") ==
        Numbers{"1042", "1043", "1044"});
  CHECK(extract_order_numbers("#1042 #1042 order 1042") == Numbers{"1042"});
}

TEST_CASE("core/orders: phone numbers, ZIP codes, dates and prices are not order numbers") {
  for (const char* no :
       {"call me at 555-123-4567 or 5551234567", "my phone is +1 555 123 4567", "ship to 90210",
        "New York, NY 10001-2345", "ordered on 2026-01-05", "order 2026-01-05", "order 12/05/2024",
        "order placed 12/05/2024", "paid $19.99 for order of 3 items", "reorder 1234",
        "bordering 4444", "#12ab", "#1234567890123", "order 12345678901234",
        "Amazon order 112-1234567-1234567", "UPS 1Z999AA10123456784", "where is my order"}) {
    CAPTURE(no);
    CHECK(extract_order_numbers(no).empty());
  }
}

TEST_CASE("core/orders: extraction works on normalised HTML") {
  const auto normalized = rpmw::core::text::normalize("<p>Hi,<br>my <b>order #1042</b></p>", true);
  CHECK(extract_order_numbers(normalized.text) == Numbers{"1042"});
}
