#pragma once
// Step 3 of spec/02: deterministic features of the normalised text and the ticket.
#include <string>
#include <string_view>
#include <vector>

namespace rpmw::core::text {

struct RedactionCounts;  // redact.h

// Richpanel `via.channel` (and webhook `channel`) → email | livechat | social | tiktok | phone |
// unknown. "email*" is email; messenger/instagram/facebook/twitter/whatsapp are social; chat,
// livechat, widget variants are livechat.
std::string canonical_channel(std::string_view raw_channel);

// en | es | unknown, from function-word counts (cheap and deterministic).
std::string guess_language(std::string_view text);

struct FeatureContext {
  std::string channel;  // raw or canonical
  int attachment_count = 0;
  std::vector<std::string> ticket_tags;
};

struct Features {
  bool has_order_number =
      false;  // "#1042", "order 1042", "pedido 1042": core/orders/order_number.h
  bool has_email = false;
  bool has_phone = false;
  bool has_tracking_number = false;  // UPS 1Z…, USPS 20–22 digits / 9400…, FedEx 12/15, DHL 10
  bool has_attachments = false;
  bool attachment_only = false;  // attachments and (almost) no text
  std::string channel;           // canonical
  std::string language;          // en | es | unknown
  int word_count = 0;
  std::vector<std::string> control_tags;  // the ticket's mw-* tags
};

// has_email / has_phone / has_tracking_number come from the redactor (default_redactor()), so a
// feature is set exactly when the redacted text carries the matching placeholder.
Features extract_features(std::string_view normalized_text, const FeatureContext& context);
// Same, reusing the counts of a redaction the caller already ran on `normalized_text` (the
// pipeline redacts anyway; this saves a second pass).
Features extract_features(std::string_view normalized_text, const FeatureContext& context,
                          const RedactionCounts& counts);

}  // namespace rpmw::core::text
