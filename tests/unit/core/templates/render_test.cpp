#include <doctest/doctest.h>

#include "core/templates/catalog.h"
#include "core/templates/mustache.h"

using rpmw::core::templates::Brand;
using rpmw::core::templates::render;
using rpmw::core::templates::TemplateDef;
using Vars = std::map<std::string, std::string>;

namespace {

TemplateDef make(std::map<std::string, std::string> variants,
                 std::vector<std::string> required = {},
                 std::vector<std::string> optional = {"first_name"}) {
  TemplateDef def;
  def.id = "t_test";
  def.required_vars = std::move(required);
  def.optional_vars = std::move(optional);
  def.variants = std::move(variants);
  return def;
}

std::string text_of(const TemplateDef& def, const Vars& vars, std::string_view channel = "email",
                    const Brand& brand = {}) {
  auto reply = render(def, channel, vars, brand);
  REQUIRE(reply.has_value());
  return reply->text;
}

std::string error_of(const TemplateDef& def, const Vars& vars, std::string_view channel = "email") {
  auto reply = render(def, channel, vars, Brand{});
  REQUIRE_FALSE(reply.has_value());
  return reply.error().code;
}

}  // namespace

TEST_CASE("core/templates: variables are substituted as plain text") {
  const auto def = make({{"default", "Order {{order_id}} is {{ order_status }}."}},
                        {"order_id", "order_status"});
  CHECK(text_of(def, {{"order_id", "#1001"}, {"order_status", "shipped"}}) ==
        "Order #1001 is shipped.");
}

TEST_CASE("core/templates: apostrophes and HTML characters are kept (plain text, no escaping)") {
  const auto def = make({{"default", "Hi {{first_name}}"}});
  CHECK(text_of(def, {{"first_name", "O'Brien <&>"}}) == "Hi O'Brien <&>");
}

TEST_CASE("core/templates: control characters are stripped from values") {
  const auto def = make({{"default", "Hi {{first_name}}!"}});
  CHECK(text_of(def, {{"first_name", "An\x07n\na\t\x1b\x7f"}}) == "Hi Anna!");
  // C1 controls (U+0085 NEL) are stripped; other UTF-8 stays.
  CHECK(text_of(def, {{"first_name", "Zo\xc2\x85\xc3\xab"}}) == "Hi Zo\xc3\xab!");
}

TEST_CASE("core/templates: a missing required variable is an error, never a half reply") {
  const auto def =
      make({{"default", "Order {{order_id}}: {{order_status}}"}}, {"order_id", "order_status"});
  CHECK(error_of(def, {{"order_id", "#1"}}) == "missing_required_var:order_status");
  // Empty counts as missing, and so does a value that is only control characters.
  CHECK(error_of(def, {{"order_id", ""}, {"order_status", "x"}}) ==
        "missing_required_var:order_id");
  CHECK(error_of(def, {{"order_id", "\x01"}, {"order_status", "x"}}) ==
        "missing_required_var:order_id");
}

TEST_CASE("core/templates: an optional block vanishes when its variable is missing or empty") {
  const auto def =
      make({{"default", "{{#first_name}}Hi {{first_name}},{{/first_name}}\n\nThanks."}});
  CHECK(text_of(def, {}) == "Thanks.");
  CHECK(text_of(def, {{"first_name", ""}}) == "Thanks.");
  CHECK(text_of(def, {{"first_name", "Ana"}}) == "Hi Ana,\n\nThanks.");
}

TEST_CASE("core/templates: inverted sections show only when the variable is not set") {
  const auto def = make({{"default",
                          "{{#tracking_url}}Track: {{tracking_url}}{{/tracking_url}}"
                          "{{^tracking_url}}No tracking yet.{{/tracking_url}}"}},
                        {}, {"tracking_url"});
  CHECK(text_of(def, {}) == "No tracking yet.");
  CHECK(text_of(def, {{"tracking_url", "https://t/1"}}) == "Track: https://t/1");
}

TEST_CASE("core/templates: an unknown input variable is an error") {
  const auto def = make({{"default", "Hi"}});
  CHECK(error_of(def, {{"customer_message", "hello"}}) == "unknown_var:customer_message");
  CHECK(error_of(def, {{"shipping_address", "1 Main St"}}) == "unknown_var:shipping_address");
}

TEST_CASE("core/templates: an unknown variable in the template is an error") {
  const auto def = make({{"default", "Hi {{address}}"}});
  CHECK(error_of(def, {}) == "template_error:unknown_var:address");
}

TEST_CASE("core/templates: unbalanced and malformed blocks are rejected") {
  CHECK(error_of(make({{"default", "{{#first_name}}Hi"}}), {}) ==
        "template_error:unclosed_block:first_name");
  CHECK(error_of(make({{"default", "Hi{{/first_name}}"}}), {}) ==
        "template_error:unbalanced_close:first_name");
  CHECK(error_of(make({{"default", "{{#first_name}}{{#order_id}}{{/first_name}}{{/order_id}}"}}),
                 {}) == "template_error:unbalanced_block:order_id/first_name");
  CHECK(error_of(make({{"default", "Hi {{first_name"}}), {}) == "template_error:unterminated_tag");
  CHECK(error_of(make({{"default", "{{{first_name}}}"}}), {}) ==
        "template_error:bad_tag:{first_name");
  CHECK(error_of(make({{"default", "{{> partial}}"}}), {}) == "template_error:bad_tag:> partial");
}

TEST_CASE("core/templates: the channel's own variant wins, else default") {
  const auto def =
      make({{"default", "D"}, {"email", "E\n{{support_signature}}"}, {"livechat", "L"}});
  auto email = render(def, "email", {}, Brand{});
  REQUIRE(email);
  CHECK(email->variant == "email");
  CHECK(email->text == "E\nCustomer Support");
  auto chat = render(def, "livechat", {}, Brand{});
  REQUIRE(chat);
  CHECK(chat->variant == "livechat");
  CHECK(chat->text == "L");
  auto other = render(def, "facebook_message", {}, Brand{});
  REQUIRE(other);
  CHECK(other->variant == "default");
  CHECK(other->text == "D");
  const auto default_only = make({{"default", "D"}});
  auto fallback = render(default_only, "email", {}, Brand{});
  REQUIRE(fallback);
  CHECK(fallback->variant == "default");
}

TEST_CASE("core/templates: brand constants fill in, links only when set") {
  const auto def = make({{"default",
                          "Return it.{{#returns_url}} Policy: {{returns_url}}{{/returns_url}}\n\n"
                          "{{support_signature}}{{#brand_name}}, {{brand_name}}{{/brand_name}}"}});
  CHECK(text_of(def, {}) == "Return it.\n\nCustomer Support");
  Brand brand;
  brand.brand_name = "Acme";
  brand.support_signature = "The Acme team";
  brand.returns_url = "https://acme.test/returns";
  CHECK(text_of(def, {}, "email", brand) ==
        "Return it. Policy: https://acme.test/returns\n\nThe Acme team, Acme");
}

TEST_CASE("core/templates: output is trimmed and blank-line runs collapse") {
  const auto def = make({{"default",
                          "\n  {{#first_name}}Hi {{first_name}},{{/first_name}}\n\n\n"
                          "Line one.   \n{{#order_id}}\n{{order_id}}\n{{/order_id}}\n\n\n\n"
                          "Line two.\n\n"}},
                        {}, {"first_name", "order_id"});
  CHECK(text_of(def, {}) == "Line one.\n\nLine two.");
  CHECK(text_of(def, {{"first_name", "Ana"}}) == "Hi Ana,\n\nLine one.\n\nLine two.");
}

TEST_CASE("core/templates: referenced_variables lists variables and block names once") {
  auto nodes = rpmw::core::templates::parse_mustache(
      "{{#first_name}}{{first_name}}{{/first_name}} {{^order_id}}x{{/order_id}} {{order_id}}");
  REQUIRE(nodes);
  CHECK(rpmw::core::templates::referenced_variables(*nodes) ==
        std::vector<std::string>{"first_name", "order_id"});
}
