#include "core/text/features.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/text/redact.h"
#include "tests/unit/core/text/text_test_util.h"

namespace text = rpmw::core::text;
using rpmw::tests::text::kHostileBudgetSeconds;
using rpmw::tests::text::seconds_for;

namespace {

text::Features features(std::string_view body, int attachments = 0, std::string channel = "email",
                        std::vector<std::string> tags = {}) {
  text::FeatureContext ctx;
  ctx.channel = std::move(channel);
  ctx.attachment_count = attachments;
  ctx.ticket_tags = std::move(tags);
  return text::extract_features(body, ctx);
}

}  // namespace

TEST_CASE("core/text: canonical_channel maps Richpanel channels") {
  CHECK(text::canonical_channel("email") == "email");
  CHECK(text::canonical_channel("EMAIL") == "email");
  CHECK(text::canonical_channel("email_from_widget") == "email");
  CHECK(text::canonical_channel("  Email ") == "email");
  for (const char* social : {"social", "messenger", "instagram", "facebook", "twitter", "whatsapp",
                             "Instagram", "facebook_comment", "WhatsApp"}) {
    CAPTURE(social);
    CHECK(text::canonical_channel(social) == "social");
  }
  for (const char* chat : {"chat", "livechat", "live_chat", "widget", "web_chat", "LiveChat",
                           "Live Chat", "live-chat", "webchat"}) {
    CAPTURE(chat);
    CHECK(text::canonical_channel(chat) == "livechat");
  }
  CHECK(text::canonical_channel("tiktok") == "tiktok");
  CHECK(text::canonical_channel("TikTok_DM") == "tiktok");
  for (const char* phone : {"phone", "voice", "call", "aircall", "Aircall", "PHONE"}) {
    CAPTURE(phone);
    CHECK(text::canonical_channel(phone) == "phone");
  }
  for (const char* other : {"", "sms", "api", "chatgpt", "telephone_bill", "mailchimp"}) {
    CAPTURE(other);
    CHECK(text::canonical_channel(other) == "unknown");
  }
}

TEST_CASE("core/text: guess_language counts function words") {
  CHECK(text::guess_language("Where is my order? Please help, thanks") == "en");
  CHECK(text::guess_language("Hola, mi pedido no ha llegado todavía, gracias") == "es");
  CHECK(text::guess_language("¿Dónde está mi pedido?") == "es");
  CHECK(text::guess_language("MI PEDIDO ESTÁ PERDIDO") == "es");    // case-folded
  CHECK(text::guess_language("Hola, where is my order?") == "en");  // more English cues
  // Too few signals.
  CHECK(text::guess_language("") == "unknown");
  CHECK(text::guess_language("Gracias") == "unknown");
  CHECK(text::guess_language("thanks") == "unknown");
  CHECK(text::guess_language("#1042063") == "unknown");
  CHECK(text::guess_language("Bonjour, où est ma commande?") == "unknown");
  // A tie is not a guess.
  CHECK(text::guess_language("the order, el pedido") == "unknown");
}

TEST_CASE("core/text: order numbers are detected in English and Spanish forms") {
  for (const char* yes :
       {"#1042063", "my order #1042 is late", "order 1042", "Order number: 55123", "order no. 1234",
        "ORDER#12345", "order id 987654", "pedido 1234", "mi pedido número 5678", "orden #1234",
        "orders 4455 and 4456", "order is 1042063", "Amazon order 112-1234567-1234567", "# 4321"}) {
    CAPTURE(yes);
    CHECK(features(yes).has_order_number);
  }
  for (const char* no : {"#12", "#123", "order 12", "where is my order", "1042063", "reorder 1234",
                         "order of 1234 items", "#1234567890123", "order 12345678901234",
                         "bordering 4444", "#12ab"}) {
    CAPTURE(no);
    CHECK_FALSE(features(no).has_order_number);
  }
}

TEST_CASE("core/text: email, phone and tracking features agree with redaction") {
  const auto f = features("mail jane@example.com, call 555-123-4567, UPS 1Z999AA10123456784");
  CHECK(f.has_email);
  CHECK(f.has_phone);
  CHECK(f.has_tracking_number);

  const auto none = features("Where is my order #1042063? Paid $19.99 on 2026-01-05.");
  CHECK_FALSE(none.has_email);
  CHECK_FALSE(none.has_phone);
  CHECK_FALSE(none.has_tracking_number);
  CHECK(none.has_order_number);

  CHECK(features("USPS 9400111899223197428490").has_tracking_number);
  CHECK(features("92055901755477000271990251").has_tracking_number);
  CHECK(features("FedEx tracking 123456789012").has_tracking_number);
  CHECK_FALSE(features("reference 123456789012").has_tracking_number);  // 12 digits, no cue
  CHECK(features("DHL 1234567890").has_tracking_number);
  CHECK_FALSE(features("ref 1234567890").has_tracking_number);
  CHECK(features("+44 20 7946 0958").has_phone);
  CHECK_FALSE(features("order 10420631").has_phone);

  // The overload reuses counts the caller already has.
  const std::string body = "call 555-123-4567";
  const auto counts = text::default_redactor().redact(body).counts;
  text::FeatureContext ctx;
  CHECK(text::extract_features(body, ctx, counts).has_phone);
  text::RedactionCounts empty;
  CHECK_FALSE(text::extract_features(body, ctx, empty).has_phone);
}

TEST_CASE("core/text: word_count counts tokens that hold a letter or digit") {
  CHECK(features("").word_count == 0);
  CHECK(features("Where is my order?").word_count == 4);
  CHECK(features("  spaced\tout\nwords  ").word_count == 3);
  CHECK(features("- ... !!! ?").word_count == 0);
  CHECK(features("#1042063 $19.99").word_count == 2);
  CHECK(features("¿Dónde está?").word_count == 2);
  CHECK(features("\xF0\x9F\x91\x8D \xF0\x9F\x91\x8D").word_count == 0);  // emoji only
  CHECK(features("don't").word_count == 1);
}

TEST_CASE("core/text: attachment_only needs attachments and almost no text") {
  CHECK_FALSE(features("", 0).attachment_only);
  CHECK_FALSE(features("", 0).has_attachments);
  CHECK(features("", 1).attachment_only);
  CHECK(features("", 2).has_attachments);
  CHECK(features("Broken", 1).attachment_only);
  CHECK(features("see attached", 1).attachment_only);
  CHECK(features("Please see the attached photos", 1).attachment_only);
  CHECK(features("[image: IMG_2041.jpg]", 1).attachment_only);
  CHECK(features("[image] [image]", 2).attachment_only);
  CHECK(features("<image001.png> damaged box", 1).attachment_only);
  CHECK(features("IMG_2041.HEIC", 1).attachment_only);
  CHECK(features("ver adjunto", 1).attachment_only);
  CHECK(features("Item arrived broken, see attached", 1).attachment_only == false);
  CHECK_FALSE(features("The lid is cracked", 1).attachment_only);
  CHECK_FALSE(features("see attached", 0).attachment_only);
  // Three real words are text, even with placeholders around them.
  CHECK_FALSE(features("[image] wrong colour shipped [image]", 2).attachment_only);
}

TEST_CASE("core/text: features carry the channel, language and control tags") {
  const auto f = features("Hola, mi pedido no llegó", 0, "Instagram",
                          {"vip", "mw-auto-replied", "MW-Processed", "mw-auto-replied", "mwx"});
  CHECK(f.channel == "social");
  CHECK(f.language == "es");
  CHECK(f.control_tags == std::vector<std::string>{"mw-auto-replied", "MW-Processed"});
  CHECK(features("x", 0, "").channel == "unknown");
  CHECK(features("x").control_tags.empty());
}

TEST_CASE("core/text: extract_features is linear on hostile inputs") {
  const std::string brackets(1 << 20, '[');
  const std::string angles = std::string(1 << 19, '<') + ">";
  std::string orders;
  for (int i = 0; i < 50000; ++i) orders += "order number no ";
  const std::string digits(1 << 20, '9');
  const std::string* inputs[] = {&brackets, &angles, &orders, &digits};
  for (const std::string* input : inputs) {
    text::Features f;
    CHECK(seconds_for([&] { f = features(*input, 1); }) < kHostileBudgetSeconds);
    CHECK(f.word_count >= 0);
  }
}
