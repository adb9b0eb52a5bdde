#include "core/text/normalize.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "tests/unit/core/text/text_test_util.h"

namespace text = rpmw::core::text;
using rpmw::tests::text::kHostileBudgetSeconds;
using rpmw::tests::text::seconds_for;
using rpmw::tests::text::utf8_code_points;
using namespace std::string_literals;

namespace {

const std::string kReplacement = "\xEF\xBF\xBD";

std::string norm(std::string_view body, bool html = false) {
  return text::normalize(body, html).text;
}

// Every output of normalize must satisfy these, whatever the input.
void check_normalized(const text::NormalizedText& n) {
  const long cps = utf8_code_points(n.text);
  REQUIRE(cps >= 0);
  CHECK(static_cast<std::size_t>(cps) <= text::kMaxNormalizedChars);
  CHECK(n.text.find("  ") == std::string::npos);
  CHECK(n.text.find('\n') == std::string::npos);
  CHECK(n.text.find('\0') == std::string::npos);
  if (!n.text.empty()) {
    CHECK(n.text.front() != ' ');
    CHECK(n.text.back() != ' ');
  }
}

}  // namespace

TEST_CASE("core/text: sanitize_utf8 replaces invalid sequences and controls") {
  CHECK(text::sanitize_utf8("plain ascii") == "plain ascii");
  CHECK(text::sanitize_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") ==
        "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  CHECK(text::sanitize_utf8("a\xFF"
                            "b") == "a" + kReplacement + "b");
  // One replacement per invalid run, not per byte.
  CHECK(text::sanitize_utf8("a\xFF\xFE\xFD"
                            "b") == "a" + kReplacement + "b");
  CHECK(text::sanitize_utf8("\xC0\xAF") == kReplacement);          // overlong '/'
  CHECK(text::sanitize_utf8("\xED\xA0\x80") == kReplacement);      // surrogate
  CHECK(text::sanitize_utf8("\xF4\x90\x80\x80") == kReplacement);  // above U+10FFFF
  CHECK(text::sanitize_utf8("trunc\xE2\x82") == "trunc" + kReplacement);
  CHECK(text::sanitize_utf8("a\0b\x01"
                            "c\x7F"
                            "d"s) == "a b c d");
  CHECK(text::sanitize_utf8("line1\r\nline2\rline3") == "line1\nline2\nline3");
  CHECK(text::sanitize_utf8("tab\tnl\n") == "tab\tnl\n");
  CHECK(text::sanitize_utf8("c1\xC2\x85"
                            "x") == "c1 x");  // NEL, a C1 control
}

TEST_CASE("core/text: strip_html removes tags and turns blocks into lines") {
  CHECK(text::strip_html("<p>Hello</p><p>World</p>") == "\nHello\n\nWorld\n");
  CHECK(text::strip_html("a<br>b<BR/>c<br />d") == "a\nb\nc\nd");
  CHECK(text::strip_html("<div>x</div><span>y</span><b>z</b>") == "\nx\nyz");
  CHECK(text::strip_html("<table><tr><td>a</td><td>b</td></tr></table>") == "\n\n a  b \n\n");
  CHECK(text::strip_html("<ul><li>one</li><li>two</li></ul>") == "\n\none\n\ntwo\n\n");
}

TEST_CASE("core/text: strip_html drops script, style, title and comments") {
  CHECK(text::strip_html("a<script>alert('x<y>')</script>b") == "ab");
  CHECK(text::strip_html("a<SCRIPT type=x>evil()</ScRiPt >b") == "ab");
  CHECK(text::strip_html("<style>p{color:red}</style>text") == "text");
  CHECK(text::strip_html("<title>Re: order</title>body") == "body");
  CHECK(text::strip_html("a<!-- hidden <b>bold</b> -->b") == "ab");
  CHECK(text::strip_html("<!--[if mso]><x>mso</x><![endif]-->ok") == "ok");
  CHECK(text::strip_html("<!DOCTYPE html><?xml version='1.0'?>ok") == "ok");
  // Unclosed script or comment swallows the rest rather than leaking code into the text.
  CHECK(text::strip_html("keep<script>never closed") == "keep");
  CHECK(text::strip_html("keep<!-- never closed") == "keep");
}

TEST_CASE("core/text: strip_html keeps literal angle brackets that are not tags") {
  CHECK(text::strip_html("a < b and c > d") == "a < b and c > d");
  CHECK(text::strip_html("I <3 this") == "I <3 this");
  CHECK(text::strip_html("x <b unclosed tag") == "x <b unclosed tag");
  CHECK(text::strip_html("<<<") == "<<<");
}

TEST_CASE("core/text: strip_html decodes entities after removing tags") {
  CHECK(text::strip_html("&lt;script&gt;alert(1)&lt;/script&gt;") == "<script>alert(1)</script>");
  CHECK(text::strip_html("Fish &amp; chips") == "Fish & chips");
}

TEST_CASE("core/text: strip_html marks blockquote lines as quoted") {
  CHECK(text::strip_html("Reply<blockquote>old<br>older</blockquote>after") ==
        "Reply\n> old\n> older\nafter");
  CHECK(text::strip_html("</blockquote>stray close") == "\nstray close");
}

TEST_CASE("core/text: decode_entities handles named, numeric and unknown entities") {
  CHECK(text::decode_entities("&amp; &lt; &gt; &quot; &apos;") == "& < > \" '");
  CHECK(text::decode_entities("a&nbsp;b") ==
        "a\xC2\xA0"
        "b");
  CHECK(text::decode_entities("caf&eacute; ma&ntilde;ana &Aacute; &uuml; &szlig; &yuml;") ==
        "caf\xC3\xA9 ma\xC3\xB1"
        "ana \xC3\x81 \xC3\xBC \xC3\x9F \xC3\xBF");
  CHECK(text::decode_entities("&copy; &euro; &hellip; &mdash; &rsquo;") ==
        "\xC2\xA9 \xE2\x82\xAC \xE2\x80\xA6 \xE2\x80\x94 \xE2\x80\x99");
  CHECK(text::decode_entities("&#65;&#x42;&#X43;") == "ABC");
  CHECK(text::decode_entities("&#x1F600;") == "\xF0\x9F\x98\x80");
  CHECK(text::decode_entities("&#233;") == "\xC3\xA9");
  // Windows-1252 references, as Word emits them.
  CHECK(text::decode_entities("&#150; &#146;") == "\xE2\x80\x93 \xE2\x80\x99");
  // Invalid scalars and controls never come out raw.
  CHECK(text::decode_entities("&#0;") == kReplacement);
  CHECK(text::decode_entities("&#xD800;") == kReplacement);
  CHECK(text::decode_entities("&#x110000;") == kReplacement);
  CHECK(text::decode_entities("a&#1;b&#10;c") == "a b\nc");
  // Unknown or malformed: as written.
  CHECK(text::decode_entities("&bogus; &amp &#; &#x; &#12a; & ; &&amp;") ==
        "&bogus; &amp &#; &#x; &#12a; & ; &&");
  CHECK(text::decode_entities("&#99999999999999;") == "&#99999999999999;");
  CHECK(text::decode_entities("trailing &") == "trailing &");
}

TEST_CASE("core/text: trim_quoted_history cuts English attributions") {
  CHECK(text::trim_quoted_history(
            "Where is my order?\n\nOn Mon, Jan 5, 2026 at 10:00 AM Jane <x@y.com> wrote:\n> old") ==
        "Where is my order?\n\n");
  // Wrapped over two lines, as Gmail does for long names.
  CHECK(text::trim_quoted_history(
            "Where is it?\nOn Mon, Jan 5, 2026 at 10:00 AM Jane Doe <x@y.com>\nwrote:\n\nold") ==
        "Where is it?\n");
  // Collapsed one-line text (chat widgets, webhooks).
  CHECK(text::trim_quoted_history("Where is it? On 1/5/26 Jane wrote: > Your order has shipped") ==
        "Where is it? ");
  // Apple Mail style.
  CHECK(text::trim_quoted_history("Thanks\nOn Jan 5, 2026, at 10:00, Jane <x@y.com> wrote:\n") ==
        "Thanks\n");
}

TEST_CASE("core/text: trim_quoted_history cuts Spanish attributions") {
  CHECK(text::trim_quoted_history("¿Dónde está mi pedido?\n\nEl lun, 5 ene 2026 a las 10:00, "
                                  "Jane (<x@y.com>) escribió:\n> viejo") ==
        "¿Dónde está mi pedido?\n\n");
  CHECK(text::trim_quoted_history("Hola\nEl 5/1/26, Ana escribio:\nviejo") == "Hola\n");
}

TEST_CASE("core/text: trim_quoted_history does not cut prose that looks like an attribution") {
  const std::string prose = "On Monday I wrote: please help, my order is late";
  CHECK(text::trim_quoted_history(prose) == prose);
  const std::string no_digit = "Hi. On the phone you wrote: we will refund";
  CHECK(text::trim_quoted_history(no_digit) == no_digit);
  // "On" must start a word.
  const std::string inside = "CON 5, x wrote: y";
  CHECK(text::trim_quoted_history("Hi " + inside) == "Hi " + inside);
}

TEST_CASE("core/text: trim_quoted_history cuts Original Message separators") {
  CHECK(text::trim_quoted_history("Please cancel.\n\n-----Original Message-----\nFrom: Shop\n") ==
        "Please cancel.\n\n");
  CHECK(text::trim_quoted_history("Please cancel.\n----- Original Message -----\nold") ==
        "Please cancel.\n");
  CHECK(text::trim_quoted_history("Cancelar.\n-----Mensaje original-----\nviejo") == "Cancelar.\n");
  // Without the dashes it is just words.
  CHECK(text::trim_quoted_history("my original message was lost") ==
        "my original message was lost");
}

TEST_CASE("core/text: trim_quoted_history cuts From/Sent header blocks and Outlook rules") {
  CHECK(text::trim_quoted_history("Cancel please\n\nFrom: Shop <a@b.com>\nSent: Monday, January 5, "
                                  "2026 10:00 AM\nTo: me\nSubject: Order") == "Cancel please\n\n");
  CHECK(text::trim_quoted_history("Cancel\nFrom: Shop\nDate: Mon, 5 Jan 2026\n") == "Cancel\n");
  CHECK(text::trim_quoted_history("Cancelar\nDe: Tienda\nEnviado: lunes\n") == "Cancelar\n");
  CHECK(
      text::trim_quoted_history(
          "Cancel please\n\n________________________________\nFrom: Shop <a@b.com>\nSent: Mon\n") ==
      "Cancel please\n\n");
  // "From:" with no Sent/Date line nearby is the customer's own text.
  CHECK(text::trim_quoted_history("Note\nFrom: my sister, she paid") ==
        "Note\nFrom: my sister, she paid");
}

TEST_CASE("core/text: trim_quoted_history drops lines quoted with '>'") {
  CHECK(text::trim_quoted_history("> question?\nmy answer\n> more quote\n>> nested\n") ==
        "my answer\n");
  CHECK(text::trim_quoted_history("  > indented quote\nreply") == "reply");
}

TEST_CASE("core/text: trim_quoted_history keeps the text when the marker is at the very start") {
  const std::string forwarded = "-----Original Message-----\nFrom: Shop\nSent: Monday\n\nWhere?";
  CHECK(text::trim_quoted_history(forwarded) == forwarded);
  const std::string leading = "On Mon, Jan 5, 2026 at 10:00 AM Jane <x@y.com> wrote:\nhello";
  CHECK(text::trim_quoted_history(leading) == leading);
  CHECK(text::trim_quoted_history("\n\n  From: A\nSent: B\nbody") ==
        "\n\n  From: A\nSent: B\nbody");
  // The leading marker is kept, but quoted lines after it are still dropped.
  CHECK(text::trim_quoted_history("On Mon, Jan 5, 2026 at 10:00 AM Jane <x@y.com> wrote:\n> q\nmy "
                                  "reply") ==
        "On Mon, Jan 5, 2026 at 10:00 AM Jane <x@y.com> wrote:\nmy reply");
  // All quoted: fall back to the input rather than an empty message.
  CHECK(text::trim_quoted_history("> only\n> quoted") == "> only\n> quoted");
}

TEST_CASE("core/text: trim_signature cuts the -- delimiter") {
  CHECK(text::trim_signature("Thanks\n-- \nJane Doe\nCEO") == "Thanks");
  CHECK(text::trim_signature("Thanks\n--\nJane") == "Thanks");
  CHECK(text::trim_signature("Thanks\n--   \n") == "Thanks");
  // Not a delimiter: more dashes, or text on the same line.
  CHECK(text::trim_signature("a\n---\nb") == "a\n---\nb");
  CHECK(text::trim_signature("a\n-- b\nc") == "a\n-- b\nc");
  CHECK(text::trim_signature("a -- b") == "a -- b");
}

TEST_CASE("core/text: trim_signature cuts mobile and mail-client sign-offs") {
  CHECK(text::trim_signature("Where is my order?\n\nSent from my iPhone") == "Where is my order?");
  CHECK(text::trim_signature("Where?\nSent from my Android phone") == "Where?");
  CHECK(text::trim_signature("Where?\nSent from my Samsung Galaxy smartphone.") == "Where?");
  CHECK(text::trim_signature("Where?\n\nGet Outlook for iOS") == "Where?");
  CHECK(text::trim_signature("Where?\nGet Outlook for Android") == "Where?");
  CHECK(text::trim_signature("¿Dónde?\n\nEnviado desde mi iPhone") == "¿Dónde?");
  CHECK(text::trim_signature("Where? Sent from my iPhone") == "Where?");
  CHECK(text::trim_signature("Where? Sent from Yahoo Mail on Android") == "Where?");
}

TEST_CASE("core/text: trim_signature leaves sentences and leading markers alone") {
  const std::string sentence = "the box was sent from my phone number";
  CHECK(text::trim_signature(sentence) == sentence);
  // Mid-line "Sent from my" needs a device word to be a sign-off.
  const std::string mid = "It was Sent from my warehouse, they said";
  CHECK(text::trim_signature(mid) == mid);
  // Nothing before the marker: keep the text.
  CHECK(text::trim_signature("Sent from my iPhone") == "Sent from my iPhone");
  CHECK(text::trim_signature("-- \nonly a signature") == "-- \nonly a signature");
}

TEST_CASE("core/text: collapse_whitespace folds every kind of space and drops zero-width") {
  CHECK(text::collapse_whitespace("  a \t\n b\r\n\n c  ") == "a b c");
  CHECK(text::collapse_whitespace("a\xC2\xA0\xC2\xA0"
                                  "b") == "a b");  // NBSP
  CHECK(text::collapse_whitespace("a\xE2\x80\x83"
                                  "b\xE3\x80\x80"
                                  "c") == "a b c");  // em, ideo
  CHECK(text::collapse_whitespace("a\xE2\x80\xA8"
                                  "b") == "a b");  // LS
  // Zero-width characters must not split words (the Tier 0 screen reads "chargeback").
  CHECK(text::collapse_whitespace("char\xE2\x80\x8B"
                                  "ge\xC2\xAD"
                                  "back") == "chargeback");
  CHECK(text::collapse_whitespace("\xEF\xBB\xBFstart") == "start");  // BOM
  CHECK(text::collapse_whitespace("a \xE2\x80\x8B b") == "a b");
  CHECK(text::collapse_whitespace("") == "");
  CHECK(text::collapse_whitespace(" \n\t ") == "");
}

TEST_CASE("core/text: cap_chars counts code points and never splits a sequence") {
  CHECK(text::cap_chars("abcdef", 3) == "abc");
  CHECK(text::cap_chars("abc", 10) == "abc");
  CHECK(text::cap_chars("abc", 0) == "");
  CHECK(text::cap_chars("\xC3\xA9\xC3\xA9\xC3\xA9", 2) == "\xC3\xA9\xC3\xA9");
  CHECK(text::cap_chars("a\xF0\x9F\x98\x80"
                        "b",
                        2) == "a\xF0\x9F\x98\x80");
  // Invalid bytes count one each; a truncated sequence is not completed or split further.
  CHECK(text::cap_chars("\xFF\xFE"
                        "abc",
                        3) ==
        "\xFF\xFE"
        "a");
  CHECK(text::cap_chars("ab\xE2\x82", 3) == "ab\xE2");
}

TEST_CASE("core/text: normalize runs the whole chain in order") {
  const std::string html =
      "<html><head><style>p{}</style></head><body><p>Where is my&nbsp;order&nbsp;#1042?</p>"
      "<p>Sent from my iPhone</p><div class=gmail_quote>On Mon, Jan 5, 2026 at 10:00 AM Shop "
      "&lt;a@b.com&gt; wrote:<br><blockquote>Your order shipped</blockquote></div></body></html>";
  const auto n = text::normalize(html, true);
  CHECK(n.text == "Where is my order #1042?");
  CHECK_FALSE(n.truncated);
  check_normalized(n);

  CHECK(norm("Hi,\r\n\r\nplease   cancel.\r\n\r\n-- \r\nJane\r\n") == "Hi, please cancel.");
  // Plain text still gets entities decoded, but tags are text.
  CHECK(norm("Fish &amp; <b>chips</b>") == "Fish & <b>chips</b>");
  CHECK(norm("Fish &amp; <b>chips</b>", true) == "Fish & chips");
  // Entities decoded before the quote search: an encoded attribution is still found.
  CHECK(norm("Hi\n\nOn Mon, Jan 5, 2026, Jane &lt;x@y&gt; wrote:\n&gt; old") == "Hi");
  CHECK(norm("") == "");
  CHECK(norm(" \n ") == "");
}

TEST_CASE("core/text: normalize caps at 4000 code points and reports truncation") {
  const auto exact = text::normalize(std::string(4000, 'a'), false);
  CHECK(exact.text.size() == 4000);
  CHECK_FALSE(exact.truncated);

  const auto over = text::normalize(std::string(5000, 'a'), false);
  CHECK(over.text.size() == 4000);
  CHECK(over.truncated);

  std::string emoji;
  for (int i = 0; i < 4100; ++i) emoji += "\xF0\x9F\x98\x80";
  const auto capped = text::normalize(emoji, false);
  CHECK(utf8_code_points(capped.text) == 4000);
  CHECK(capped.text.size() == 16000);
  CHECK(capped.truncated);

  // The cap applies after collapsing, so whitespace does not eat the budget.
  std::string spaced;
  for (int i = 0; i < 3000; ++i) spaced += "a     ";
  const auto collapsed = text::normalize(spaced, false);
  CHECK(collapsed.truncated);
  CHECK(collapsed.text.size() == 3999);  // the 4000th code point was a space, then trimmed
  CHECK(collapsed.text.back() == 'a');
}

TEST_CASE("core/text: normalize is total and its output well formed on random bytes") {
  std::mt19937 rng(20260105);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 600);
  const std::string alphabet = "<>/&#;!-_ \n\r\tOnwrote:From:Sent:\xC3\xA9\xE2\x80\x8B\xFF";
  for (int round = 0; round < 400; ++round) {
    std::string input;
    const int n = length(rng);
    for (int i = 0; i < n; ++i) {
      // Half random bytes, half syntax that exercises the parsers.
      input.push_back(round % 2 == 0
                          ? static_cast<char>(byte(rng))
                          : alphabet[static_cast<std::size_t>(byte(rng)) % alphabet.size()]);
    }
    for (bool html : {false, true}) {
      const auto out = text::normalize(input, html);
      check_normalized(out);
      CHECK(text::normalize(input, html).text == out.text);  // deterministic
    }
  }
}

TEST_CASE("core/text: normalize terminates quickly on hostile inputs") {
  struct Case {
    const char* name;
    std::string input;
  };
  std::string nested_tags;
  for (int i = 0; i < 20000; ++i) nested_tags += "<blockquote><div>";
  nested_tags += "deep";
  std::string unclosed;
  for (int i = 0; i < 50000; ++i) unclosed += "<a ";
  std::string quotes;
  for (int i = 0; i < 50000; ++i) quotes += ">>>> > quoted line\n";
  std::string markers;
  for (int i = 0; i < 30000; ++i) markers += "On 1, wrote: From: Sent: -- \n";
  std::string entities;
  for (int i = 0; i < 100000; ++i) entities += "&amp;&bogus;&#x";
  const Case cases[] = {
      {"100k '<'", std::string(100000, '<')},
      {"100k '<a'",
       [] {
         std::string s;
         for (int i = 0; i < 100000; ++i) s += "<a";
         return s;
       }()},
      {"unclosed tags", unclosed},
      {"nested blockquotes", nested_tags},
      {"nested quotes", quotes},
      {"many markers", markers},
      {"entities", entities},
      {"1 MB digits", std::string(1 << 20, '7')},
      {"1 MB invalid", std::string(1 << 20, '\xFF')},
      {"1 MB NUL", std::string(1 << 20, '\0')},
      {"unclosed comment", "<!--" + std::string(1 << 20, '-')},
      {"script", "<script>" + std::string(1 << 20, '<')},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    for (bool html : {false, true}) {
      text::NormalizedText out;
      const double secs = seconds_for([&] { out = text::normalize(c.input, html); });
      CHECK(secs < kHostileBudgetSeconds);
      check_normalized(out);
    }
  }
  const auto digits = text::normalize(std::string(1 << 20, '7'), false);
  CHECK(digits.text == std::string(4000, '7'));
  CHECK(digits.truncated);
}
