#include "core/orders/contact_match.h"

#include <doctest/doctest.h>

#include "tests/fakes/fake_order_search.h"

using rpmw::core::ErrorKind;
using rpmw::core::Order;
using rpmw::core::OrderQuery;
using rpmw::core::orders::emails_match;
using rpmw::core::orders::lookup_by_contact;
using rpmw::core::orders::match_by_contact;
using rpmw::core::orders::phones_match;
using rpmw::fakes::FakeOrderSearch;

namespace {

Order order(const std::string& id, const std::string& name, const std::string& email,
            const std::string& phone = {}) {
  Order o;
  o.order_id = id;
  o.order_name = name;
  o.customer_email = email;
  o.customer_phone = phone;
  return o;
}

}  // namespace

TEST_CASE("core/orders: emails match trimmed and case-insensitive, never when empty") {
  CHECK(emails_match(" Ann@Example.COM ", "ann@example.com"));
  CHECK_FALSE(emails_match("ann@example.com", "ann@example.org"));
  CHECK_FALSE(emails_match("", ""));
  CHECK_FALSE(emails_match("  ", " "));
  CHECK_FALSE(emails_match("n/a", "n/a"));  // not an address
}

TEST_CASE("core/orders: phones match on their digits, the last ten when both have ten") {
  CHECK(phones_match("+1 (555) 010-2030", "555.010.2030"));
  CHECK(phones_match("0044 7700 900123", "+44 7700 900123"));
  CHECK(phones_match("010-2030", "0102030"));             // short numbers: all digits
  CHECK_FALSE(phones_match("010-2030", "555-010-2030"));  // a short one is not a suffix match
  CHECK_FALSE(phones_match("+1 555 010 2030", "+1 555 010 2031"));
  CHECK_FALSE(phones_match("", ""));
  CHECK_FALSE(phones_match("12345", "12345"));  // too few digits to mean anything
}

TEST_CASE("core/orders: exactly one candidate with a matching contact is the order") {
  const std::vector<Order> candidates = {order("1", "#1042", "ann@example.com"),
                                         order("2", "#1042", "bo@example.com", "+1 555 010 2030")};
  auto by_email = match_by_contact(candidates, "ANN@example.com", "");
  REQUIRE(by_email.has_value());
  CHECK(by_email->order_id == "1");
  auto by_phone = match_by_contact(candidates, "", "(555) 010-2030");
  REQUIRE(by_phone.has_value());
  CHECK(by_phone->order_id == "2");
  CHECK_FALSE(match_by_contact(candidates, "eve@example.com", "555 999 0000").has_value());
  CHECK_FALSE(match_by_contact(candidates, "", "").has_value());
  // Each matches one of them: ambiguous, so none.
  CHECK_FALSE(match_by_contact(candidates, "ann@example.com", "5550102030").has_value());
  // Two orders with the same email: ambiguous; the same order listed twice is still one.
  CHECK_FALSE(
      match_by_contact({order("1", "#1042", "a@x.io"), order("3", "#1042", "a@x.io")}, "a@x.io", "")
          .has_value());
  CHECK(
      match_by_contact({order("1", "#1042", "a@x.io"), order("1", "#1042", "a@x.io")}, "a@x.io", "")
          .has_value());
  CHECK_FALSE(match_by_contact({}, "a@x.io", "").has_value());
}

TEST_CASE("core/orders: lookup_by_contact stops at the first number with candidates") {
  FakeOrderSearch search;
  search.put_order(order("2", "#2002", "other@example.com"));
  search.put_order(order("3", "#3003", "ann@example.com"));

  // 1001 has no order; 2002 has one but not Ann's: stop there, no match, 3003 never asked.
  auto stopped =
      lookup_by_contact(search, OrderQuery{{"1001", "2002", "3003"}, "ann@example.com", ""});
  CHECK_FALSE(stopped.order.has_value());
  CHECK_FALSE(stopped.error.has_value());
  CHECK(stopped.searches == 2);
  CHECK(search.searched() == std::vector<std::string>{"1001", "2002"});

  auto found = lookup_by_contact(search, OrderQuery{{"1001", "3003"}, "ann@example.com", ""});
  REQUIRE(found.order.has_value());
  CHECK(found.order->order_id == "3");
}

TEST_CASE("core/orders: lookup_by_contact needs a contact and reports a failed search") {
  FakeOrderSearch search;
  search.put_order(order("3", "#3003", "ann@example.com"));
  auto no_contact = lookup_by_contact(search, OrderQuery{{"3003"}, " ", ""});
  CHECK(no_contact.searches == 0);
  CHECK(search.searched().empty());

  search.fail_next({ErrorKind::transient, "shopify_5xx", std::nullopt});
  auto failed = lookup_by_contact(search, OrderQuery{{"3003", "4004"}, "ann@example.com", ""});
  CHECK_FALSE(failed.order.has_value());
  REQUIRE(failed.error.has_value());
  CHECK(failed.error->code == "shopify_5xx");
  CHECK(failed.searches == 1);  // a failure stops the lookup: no later number decides instead
}
