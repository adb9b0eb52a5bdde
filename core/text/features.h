#pragma once
// Step 3 of spec/02: deterministic features of the normalised text and the ticket.
#include <string>
#include <string_view>
#include <vector>

namespace rpmw::core::text {

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
  bool has_order_number = false;     // "#1042", "order 1042", "pedido 1042", 4–12 digit order ids
  bool has_email = false;
  bool has_phone = false;
  bool has_tracking_number = false;  // UPS 1Z…, USPS 20–22 digits / 9400…, FedEx 12/15, DHL 10
  bool has_attachments = false;
  bool attachment_only = false;      // attachments and (almost) no text
  std::string channel;               // canonical
  std::string language;              // en | es | unknown
  int word_count = 0;
  std::vector<std::string> control_tags;  // the ticket's mw-* tags
};

Features extract_features(std::string_view normalized_text, const FeatureContext& context);

}  // namespace rpmw::core::text
