#include "core/text/redact.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/text/normalize.h"
#include "tests/unit/core/text/text_test_util.h"

namespace text = rpmw::core::text;
using rpmw::tests::text::kHostileBudgetSeconds;
using rpmw::tests::text::seconds_for;

namespace {

const text::Redactor& redactor() {
  return text::default_redactor();
}

std::string red(std::string_view s) {
  return redactor().redact(s).text;
}

text::RedactionCounts counts(std::string_view s) {
  return redactor().redact(s).counts;
}

// Each listed input must come out exactly as `expected`, with one redaction of the given kind.
struct Expect {
  std::string input;
  std::string expected;
};

void check_all(const std::vector<Expect>& cases, int text::RedactionCounts::*kind) {
  for (const Expect& c : cases) {
    CAPTURE(c.input);
    const auto r = redactor().redact(c.input);
    CHECK(r.text == c.expected);
    CHECK(r.counts.*kind == 1);
    CHECK(r.counts.total() == 1);
  }
}

// Inputs that must survive untouched.
void check_kept(const std::vector<std::string>& inputs) {
  for (const std::string& s : inputs) {
    CAPTURE(s);
    const auto r = redactor().redact(s);
    CHECK(r.text == s);
    CHECK(r.counts.total() == 0);
  }
}

}  // namespace

TEST_CASE("core/text: luhn_valid checks the mod-10 sum over 13+ digits") {
  CHECK(text::luhn_valid("4111111111111111"));
  CHECK(text::luhn_valid("4111 1111 1111 1111"));
  CHECK(text::luhn_valid("4111-1111-1111-1111"));
  CHECK(text::luhn_valid("378282246310005"));      // Amex, 15
  CHECK(text::luhn_valid("6011111111111117"));     // Discover
  CHECK(text::luhn_valid("4222222222222"));        // 13 digits
  CHECK(text::luhn_valid("6304000000000000000"));  // 19 digits (Maestro)
  CHECK_FALSE(text::luhn_valid("4111111111111112"));
  CHECK_FALSE(text::luhn_valid("378282246310006"));
  CHECK_FALSE(text::luhn_valid("79927398713"));  // valid Luhn but only 11 digits
  CHECK_FALSE(text::luhn_valid(""));
  CHECK_FALSE(text::luhn_valid("abc"));
}

TEST_CASE("core/text: emails are redacted") {
  check_all({{"mail jane.doe@example.com now", "mail <EMAIL> now"},
             {"JANE+orders@Mail.Example.co.uk.", "<EMAIL>."},
             {"<jane_d-1@sub.domain.io>", "<<EMAIL>>"},
             {"mailto:x@y.es", "mailto:<EMAIL>"},
             {"httpjane@x.com", "<EMAIL>"},
             {"www@x.com", "<EMAIL>"}},
            &text::RedactionCounts::emails);
  check_kept({"email me @ home", "user@localhost", "a@b.c", "@jane on twitter"});
  CHECK(counts("a@b.com, c@d.org").emails == 2);
}

TEST_CASE("core/text: URLs are redacted without their trailing punctuation") {
  check_all({{"see https://shop.example.com/orders/123?x=1.", "see <URL>."},
             {"see http://x.io/a_b, thanks", "see <URL>, thanks"},
             {"(www.example.com/track)", "(<URL>)"},
             {"WWW.EXAMPLE.COM!", "<URL>!"},
             {"https://en.wikipedia.org/wiki/Foo_(bar) ok", "<URL> ok"},
             {"link: https://u:p@host.com/x", "link: <URL>"}},
            &text::RedactionCounts::urls);
  check_kept({"example.com", "http is a protocol", "awww.x"});
}

TEST_CASE("core/text: card-like runs passing Luhn are redacted, near misses kept") {
  check_all({{"card 4111 1111 1111 1111 charged", "card <CARD> charged"},
             {"card 4111-1111-1111-1111", "card <CARD>"},
             {"card 4111111111111111.", "card <CARD>."},
             {"amex 3782 822463 10005", "amex <CARD>"},
             {"amex 378282246310005", "amex <CARD>"},
             {"19 digits 6304000000000000000", "19 digits <CARD>"},
             {"order 4111111111111111", "order <CARD>"},
             {"#4111111111111111", "#<CARD>"}},
            &text::RedactionCounts::cards);
  check_kept({"card 4111 1111 1111 1112", "4111111111111112", "1234 5678 9012 3456",
              "4111111111111111111111111111111111111"});
}

TEST_CASE("core/text: phone numbers in common formats are redacted") {
  check_all({{"call +1 (555) 123-4567 now", "call <PHONE> now"},
             {"call 555-123-4567", "call <PHONE>"},
             {"call (555) 123 4567", "call <PHONE>"},
             {"call (555)123-4567", "call <PHONE>"},
             {"call 555.123.4567", "call <PHONE>"},
             {"call 1-800-555-1234", "call <PHONE>"},
             {"uk +44 20 7946 0958", "uk <PHONE>"},
             {"es +34 612 34 56 78", "es <PHONE>"},
             {"de +49 30 12345678", "de <PHONE>"},
             {"+4930123456 ok", "<PHONE> ok"},
             {"móvil 612 34 56 78", "móvil <PHONE>"},
             {"móvil 612 345 678", "móvil <PHONE>"},
             {"uk 020 7946 0958", "uk <PHONE>"},
             {"de 030 12345678", "de <PHONE>"},
             {"call me at 5551234567", "call me at <PHONE>"},
             {"my order is 555-123-4567", "my order is <PHONE>"},
             {"ext 555 123 4567 ext 89", "ext <PHONE> ext 89"}},
            &text::RedactionCounts::phones);
  // E.164 allows 15 digits: a trailing quantity is not swallowed past that.
  CHECK(red("+1 555 123 4567 12 34 56 78") == "<PHONE> 56 78");
}

TEST_CASE("core/text: order numbers, dates, prices and quantities are not phones") {
  check_kept({"#1042063",
              "order #1042063",
              "order 10420631",
              "order number: 55123",
              "pedido 1234",
              "orden #1234",
              "Amazon order 112-1234567-1234567",
              "Order 1042063 shipped 2026-01-05",
              "on 2026-01-05",
              "01/05/2026",
              "2026.01.05 10:00",
              "05-01-2026",
              "in 2026 and 1999",
              "$19.99",
              "$1,299.00",
              "€1.299,00",
              "USD 1,000,000",
              "1 000 000",
              "qty 12, 3 items",
              "5 x 12.99",
              "ISBN 978-3-16-148410-0",
              "version 10.2.3.4",
              "IP 192.168.1.100",
              "40.7128, -74.0060",
              "SKU 12345-678",
              "ref 123 456 789",
              "+100 points",
              "room 101, 9 to 5",
              "account 1234567890",
              "no context 123456789012"});
}

TEST_CASE("core/text: street addresses and ZIP codes are redacted") {
  check_all({{"ship to 742 Evergreen Terrace please", "ship to <ADDRESS> please"},
             {"742 Evergreen Terrace, Springfield, IL 62704.", "<ADDRESS>."},
             {"12 Main St Apt 4, thanks", "<ADDRESS>, thanks"},
             {"12 Main St. #4B", "<ADDRESS>"},
             {"1600 Pennsylvania Avenue NW, Washington, DC 20500", "<ADDRESS>"},
             {"100 W 42nd St Suite 300", "<ADDRESS>"},
             {"55 Oak Ridge Road", "<ADDRESS>"},
             {"9 Elm Ln", "<ADDRESS>"},
             {"Springfield, IL 62704", "<ADDRESS>"},
             {"in New York, NY 10001-1234!", "in <ADDRESS>!"},
             {"P.O. Box 1234", "<ADDRESS>"},
             {"my zip code is 62704", "my zip code is <ADDRESS>"},
             {"código postal 28013", "código postal <ADDRESS>"},
             {"vivo en Calle Mayor 5, Madrid", "vivo en <ADDRESS>, Madrid"},
             {"Avenida de la Constitución 12, 3º B", "<ADDRESS>"},
             {"Av. Reforma 222", "<ADDRESS>"},
             {"Paseo de Gracia 43", "<ADDRESS>"},
             {"Plaza Mayor 1", "<ADDRESS>"},
             {"C/ Alcalá 100", "<ADDRESS>"}},
            &text::RedactionCounts::addresses);
  // Near misses: no suffix, lower case, no state code, no comma before the state.
  check_kept({"I have 2 Large Blue Shirts", "742 evergreen terrace", "Order ID 12345",
              "Ticket ID 12345", "Springfield 62704", "the calle was busy", "3 Main"});
}

TEST_CASE("core/text: tracking numbers are redacted") {
  check_all({{"UPS 1Z999AA10123456784 today", "UPS <TRACKING_NUMBER> today"},
             {"ups 1z999aa10123456784", "ups <TRACKING_NUMBER>"},
             {"USPS 9400111899223197428490", "USPS <TRACKING_NUMBER>"},
             {"USPS 9400 1118 9922 3197 4284 90", "USPS <TRACKING_NUMBER>"},
             {"usps 92055901755477000271990251", "usps <TRACKING_NUMBER>"},
             {"20 digits 12345678901234567890", "20 digits <TRACKING_NUMBER>"},
             {"FedEx 123456789012", "FedEx <TRACKING_NUMBER>"},
             {"my fedex is 123456789012345", "my fedex is <TRACKING_NUMBER>"},
             {"DHL 1234567890 shipped", "DHL <TRACKING_NUMBER> shipped"},
             {"tracking number: 7489201543", "tracking number: <TRACKING_NUMBER>"},
             {"Tracking #: ABC12345678", "Tracking #: <TRACKING_NUMBER>"},
             {"número de seguimiento 55667788", "número de seguimiento <TRACKING_NUMBER>"},
             {"China Post LZ123456789CN", "China Post <TRACKING_NUMBER>"},
             {"TBA123456789012 amazon", "<TRACKING_NUMBER> amazon"}},
            &text::RedactionCounts::tracking_numbers);
  // FedEx and DHL lengths need their cue; a 15-digit run without one may still be a card.
  check_kept({"ref 123456789012", "ref 1234567890", "tracking information pending",
              "track my order 1042063"});
  CHECK(red("378282246310005") == "<CARD>");
}

TEST_CASE("core/text: names after greetings, sign-offs and introductions are redacted") {
  check_all({{"Hi Jane, where is it?", "Hi <NAME>, where is it?"},
             {"Hello John Smith, help", "Hello <NAME>, help"},
             {"Dear Ana,", "Dear <NAME>,"},
             {"Dear Mr. Smith,", "Dear Mr. <NAME>,"},
             {"Thanks, John", "Thanks, <NAME>"},
             {"Thanks John for the help", "Thanks <NAME> for the help"},
             {"Regards,\nAna Lopez", "Regards,\n<NAME>"},
             {"Best regards,\nAna", "Best regards,\n<NAME>"},
             {"Best, Sam", "Best, <NAME>"},
             {"Best\nSam", "Best\n<NAME>"},
             {"Cheers Sam", "Cheers <NAME>"},
             {"Sincerely, Maria", "Sincerely, <NAME>"},
             {"Thanks again, John", "Thanks again, <NAME>"},
             {"Thank you so much!\nJane", "Thank you so much!\n<NAME>"},
             {"me llamo Ana y quiero", "me llamo <NAME> y quiero"},
             {"soy Ana", "soy <NAME>"},
             {"mi nombre es Lucía", "mi nombre es <NAME>"},
             {"my name is John Smith and I", "my name is <NAME> and I"},
             {"this is Jane from Boston", "this is <NAME> from Boston"},
             {"Hola María, gracias", "Hola <NAME>, gracias"},
             {"Saludos,\nMaría José Pérez", "Saludos,\n<NAME>"},
             {"Atentamente, Carlos Ruiz García López", "Atentamente, <NAME>"},
             {"Buenos días Pedro", "Buenos días <NAME>"},
             {"Thanks Jane Please help", "Thanks <NAME> Please help"}},
            &text::RedactionCounts::names);
  CHECK(red("Hi Jane Hi Ann") == "Hi <NAME> Hi <NAME>");
  CHECK(red("Hi Jane,\n...\nThanks,\nJohn") == "Hi <NAME>,\n...\nThanks,\n<NAME>");
}

TEST_CASE("core/text: greetings without a name are kept") {
  check_kept({"Hi team, help",
              "Hi there",
              "Hello support",
              "Thanks again",
              "Hi Team,",
              "Hello There!",
              "Thanks so much",
              "thanks, jane",
              "Hi,\nWhere is my order",
              "Hi! I need help",
              "Thank you, I got it",
              "Dear Sir or Madam",
              "Hi All",
              "Hello Support Team",
              "Best Buy sold it",
              "Thanks, Please advise",
              "Hi Order Team",
              "Hola equipo",
              "Gracias",
              "Dear Customer Service",
              "Hi Mr"});
}

TEST_CASE("core/text: order numbers survive redaction around other PII") {
  const auto r = redactor().redact(
      "Hi Jane, order #1042063 (order 1042) never came. Call 555-123-4567 or jane@x.com. "
      "Card 4111 1111 1111 1111. Ship to 742 Evergreen Terrace, Springfield, IL 62704. "
      "UPS 1Z999AA10123456784, see https://t.co/x. Thanks, John");
  CHECK(r.text ==
        "Hi <NAME>, order #1042063 (order 1042) never came. Call <PHONE> or <EMAIL>. "
        "Card <CARD>. Ship to <ADDRESS>. UPS <TRACKING_NUMBER>, see <URL>. Thanks, <NAME>");
  CHECK(r.counts.names == 2);
  CHECK(r.counts.phones == 1);
  CHECK(r.counts.emails == 1);
  CHECK(r.counts.cards == 1);
  CHECK(r.counts.addresses == 1);
  CHECK(r.counts.tracking_numbers == 1);
  CHECK(r.counts.urls == 1);
  CHECK(r.counts.total() == 8);
}

TEST_CASE("core/text: redaction is idempotent") {
  const std::vector<std::string> inputs = {
      "Dear Mr. Smith, call +1 (555) 123-4567",
      "Hi Jane Hi Ann, 742 Evergreen Terrace, Springfield, IL 62704",
      "FedEx tracking 123456789012 and 4111111111111111 and 1234567890",
      "www.a.com/x@y.com jane@x.com.https://b.c",
      "Regards,\nAna Lopez\n+34 612 34 56 78\nCalle Mayor 5",
      "order 555-123-4567 #1042063 +1 555 123 4567 12 34 56 78",
      "Thanks, Soy Ana, Hi Best, Sam"};
  for (const std::string& s : inputs) {
    CAPTURE(s);
    const auto once = redactor().redact(s);
    const auto twice = redactor().redact(once.text);
    CHECK(twice.text == once.text);
    CHECK(twice.counts.total() == 0);
  }
  std::mt19937 rng(7);
  const std::vector<std::string> pieces = {"Hi ",
                                           "Jane ",
                                           "Thanks, ",
                                           "555-123-4567",
                                           " ",
                                           "@",
                                           "x.com",
                                           "order ",
                                           "#1042 ",
                                           "1Z999AA10123456784",
                                           "www.",
                                           "742 ",
                                           "Main St",
                                           ", ",
                                           "IL 62704",
                                           "\n",
                                           "4111 1111 1111 1111",
                                           "+44 20 7946 0958",
                                           "Best",
                                           "(",
                                           ")",
                                           "<",
                                           ">",
                                           "0"};
  for (int round = 0; round < 500; ++round) {
    std::string s;
    for (int i = 0; i < 12; ++i) s += pieces[rng() % pieces.size()];
    CAPTURE(s);
    const std::string once = red(s);
    CHECK(red(once) == once);
  }
}

TEST_CASE("core/text: redaction works on normalised text and on invalid bytes") {
  const auto n = text::normalize("<p>Hi Jane,</p><p>call 555-123-4567</p>", true);
  CHECK(red(n.text) == "Hi <NAME>, call <PHONE>");
  CHECK(red("\xFF\xFE jane@x.com \xC0") == "\xFF\xFE <EMAIL> \xC0");
  CHECK(red(std::string("a\0b 555-123-4567", 16)) == std::string("a\0b <PHONE>", 11));
  CHECK(red("") == "");
}

TEST_CASE("core/text: redaction terminates quickly on hostile inputs") {
  std::string many_at;
  for (int i = 0; i < 100000; ++i) many_at += "a@";
  std::string greetings;
  for (int i = 0; i < 20000; ++i) greetings += "Hi Jane ";
  std::string phones;
  for (int i = 0; i < 20000; ++i) phones += "555-123-4567 ";
  const std::string long_url = "https://x.com/" + std::string(1 << 20, 'a');
  const std::string digits(1 << 20, '4');
  std::string spaced_digits;
  for (int i = 0; i < 200000; ++i) spaced_digits += "4111 ";
  const std::string letters(1 << 20, 'A');
  const std::string* inputs[] = {&many_at, &greetings,     &phones, &long_url,
                                 &digits,  &spaced_digits, &letters};
  for (const std::string* s : inputs) {
    text::Redacted r;
    CHECK(seconds_for([&] { r = redactor().redact(*s); }) < kHostileBudgetSeconds);
    CHECK(r.text.size() <= 2 * s->size());  // placeholders are at most twice what they replace
  }
  CHECK(counts(greetings).names == 20000);
  CHECK(counts(phones).phones == 20000);
  CHECK(red(long_url) == "<URL>");
  CHECK(red(digits) == digits);  // one 1 MB run is no card, phone or tracking number
}

TEST_CASE("core/text: one Redactor is safe to share between threads") {
  const std::string input = "Hi Jane, call 555-123-4567, mail jane@x.com, order #1042063";
  const std::string expected = "Hi <NAME>, call <PHONE>, mail <EMAIL>, order #1042063";
  text::Redactor own;  // a second instance compiles the same patterns
  CHECK(own.redact(input).text == expected);
  CHECK(&text::default_redactor() == &text::default_redactor());
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (std::size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        if (redactor().redact(input).text != expected) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) CHECK(m == 0);
}

TEST_CASE("core/text: redacting a typical message costs microseconds, not milliseconds") {
  const std::string msg =
      "Hi team, my order #1042063 hasn't arrived. I ordered on 2026-01-05 and paid $19.99. "
      "Tracking says 1Z999AA10123456784 but nothing moved. Please call me at (555) 123-4567 or "
      "email jane.doe@example.com. Ship to 742 Evergreen Terrace, Springfield, IL 62704. "
      "Thanks, Jane Smith";
  constexpr int kRuns = 2000;
  std::size_t sink = 0;
  const double secs = seconds_for([&] {
    for (int i = 0; i < kRuns; ++i) sink += redactor().redact(msg).text.size();
  });
  CHECK(sink > 0);
  // 20,000 decisions/s leave 50 us per decision; the bound is loose so a shared CI core or a
  // Debug build does not flake, but a regression to per-match string building or backtracking
  // (hundreds of us) fails.
  CHECK(secs / kRuns < 200e-6);
}
