// Step 3 of spec/02. Email, phone and tracking detection reuse the redactor's patterns so a
// feature and its redaction never disagree; the rest is hand-written single-pass scanning.
#include "core/text/features.h"

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/orders/order_number.h"
#include "core/text/redact.h"
#include "core/text/utf8.h"

namespace rpmw::core::text {
namespace {

bool in_list(std::string_view word, std::initializer_list<std::string_view> list) {
  for (std::string_view w : list) {
    if (w == word) return true;
  }
  return false;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = utf8::ascii_lower(c);
  return out;
}

// Calls `fn(word)` for each maximal run of word characters (see utf8::is_word_cp), lower-cased
// for ASCII and for the Latin-1 capitals so "ESTÁ" and "está" compare equal.
template <typename Fn>
void for_each_word(std::string_view text, Fn&& fn) {
  std::string word;
  std::size_t i = 0;
  while (i <= text.size()) {
    utf8::Decoded d;
    if (i < text.size()) d = utf8::decode(text, i);
    const bool word_char =
        i < text.size() && d.valid && (utf8::is_word_cp(d.cp) || (d.cp == '\'' && !word.empty()));
    if (word_char) {
      utf8::append(word, utf8::fold_latin(d.cp));
    } else if (!word.empty()) {
      fn(std::string_view(word));
      word.clear();
    }
    i += i < text.size() ? d.len : 1;
  }
}

// Placeholders mail clients leave for attachments: "[image: a.png]", "<image001.png>", "see
// attached". They are not the customer's words.
bool is_attachment_word(std::string_view w) {
  return in_list(
      w,
      {"attached", "attachment", "attachments", "attach",      "adjunto",  "adjuntos", "adjunta",
       "adjuntas", "adjuntado",  "adjuntada",   "image",       "images",   "imagen",   "imagenes",
       "imágenes", "photo",      "photos",      "picture",     "pictures", "pic",      "pics",
       "foto",     "fotos",      "screenshot",  "screenshots", "video",    "videos",   "file",
       "files",    "archivo",    "archivos",    "img",         "cid"});
}

bool is_lead_word(std::string_view w) {
  return in_list(w,
                 {"see",  "please", "pls",  "here", "is", "are", "the", "a",  "an", "ver", "vea",
                  "mira", "aquí",   "aqui", "find", "as", "per", "my",  "el", "la", "los", "las"});
}

bool is_file_name(std::string_view token) {
  const std::size_t dot = token.rfind('.');
  if (dot == std::string_view::npos) return false;
  const std::string ext = lower_ascii(token.substr(dot + 1));
  return in_list(ext, {"png", "jpg", "jpeg", "gif", "heic", "heif", "webp", "bmp", "tif", "tiff",
                       "pdf", "mp4", "mov", "avi"});
}

// Words of real text once attachment placeholders are removed.
int meaningful_words(std::string_view text) {
  std::string cleaned;
  cleaned.reserve(text.size());
  // Bracketed placeholders: drop "[…]" / "<…>" groups (bounded) that name an attachment.
  std::size_t next_close[2] = {0, 0};  // cached next ']' / '>' so "[[[[…" stays linear
  bool known[2] = {false, false};
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char open = text[i];
    if (open == '[' || open == '<') {
      const int k = open == '[' ? 0 : 1;
      if (!known[k] || (next_close[k] != std::string_view::npos && next_close[k] <= i)) {
        next_close[k] = text.find(k == 0 ? ']' : '>', i + 1);
        known[k] = true;
      }
      const std::size_t end = next_close[k];
      if (end != std::string_view::npos && end - i <= 200) {
        const std::string inner = lower_ascii(text.substr(i + 1, end - i - 1));
        bool placeholder = is_file_name(inner);
        for (std::string_view p :
             {"image", "img", "cid:", "attachment", "attached", "file", "photo", "picture", "video",
              "imagen", "adjunto", "archivo", "foto", "screenshot"}) {
          placeholder = placeholder || inner.starts_with(p);
        }
        if (placeholder) {
          cleaned.push_back(' ');
          i = end;
          continue;
        }
      }
    }
    cleaned.push_back(open);
  }
  int count = 0;
  int pending_leads = 0;  // "see", "please"…: dropped when an attachment word follows
  std::size_t i = 0;
  while (i < cleaned.size()) {
    while (i < cleaned.size() && cleaned[i] == ' ') ++i;
    std::size_t j = i;
    while (j < cleaned.size() && cleaned[j] != ' ') ++j;
    if (j == i) break;
    const std::string_view token(cleaned.data() + i, j - i);
    i = j;
    if (is_file_name(token)) continue;
    std::vector<std::string> words;
    for_each_word(token, [&](std::string_view w) { words.emplace_back(w); });
    for (const std::string& w : words) {
      if (is_attachment_word(w)) {
        pending_leads = 0;
      } else if (is_lead_word(w)) {
        ++pending_leads;
      } else {
        count += pending_leads + 1;
        pending_leads = 0;
      }
    }
  }
  return count + pending_leads;
}

}  // namespace

std::string canonical_channel(std::string_view raw_channel) {
  std::string c;
  for (char ch : raw_channel) {
    if (ch == ' ' || ch == '\t' || ch == '\n') {
      if (!c.empty() && c.back() != '_') c.push_back('_');
      continue;
    }
    c.push_back(ch == '-' ? '_' : utf8::ascii_lower(ch));
  }
  while (!c.empty() && c.back() == '_') c.pop_back();
  // "email_from_widget" is email: the email prefix wins over the widget variants.
  if (c.starts_with("email") || c.starts_with("e_mail") || c == "mail") return "email";
  for (std::string_view s :
       {"social", "messenger", "instagram", "facebook", "fb_", "twitter", "whatsapp"}) {
    if (c.starts_with(s)) return "social";
  }
  if (in_list(c, {"chat", "livechat", "live_chat", "widget", "web_chat", "webchat", "chat_widget",
                  "web_widget"})) {
    return "livechat";
  }
  if (c.starts_with("livechat") || c.starts_with("live_chat")) return "livechat";
  if (c.starts_with("tiktok")) return "tiktok";
  if (in_list(c, {"phone", "voice", "call", "aircall"}) || c.starts_with("aircall")) {
    return "phone";
  }
  return "unknown";
}

namespace {

// Common function words: +1 English, -1 Spanish. "no" counts as Spanish (as in "no llegó"); an
// English "no" is outweighed by the words around it.
int language_cue(std::string_view word) {
  static const std::unordered_map<std::string_view, int> kCues = [] {
    std::unordered_map<std::string_view, int> m;
    for (std::string_view w :
         {"the",     "my",    "is",   "and",   "to",     "where",   "order",   "please",
          "thanks",  "thank", "you",  "i",     "it",     "of",      "for",     "was",
          "have",    "has",   "not",  "this",  "that",   "with",    "hi",      "hello",
          "can",     "would", "when", "what",  "how",    "are",     "did",     "received",
          "package", "an",    "be",   "your",  "we",     "get",     "got",     "still",
          "yet",     "any",   "i'm",  "don't", "didn't", "haven't", "arrived", "shipped"}) {
      m.emplace(w, 1);
    }
    for (std::string_view w :
         {"el",      "la",     "los",      "las",    "que",      "de",    "del",   "mi",
          "mis",     "pedido", "por",      "para",   "no",       "es",    "está",  "esta",
          "gracias", "hola",   "un",       "una",    "y",        "en",    "con",   "se",
          "su",      "lo",     "al",       "como",   "pero",     "muy",   "favor", "cuando",
          "dónde",   "donde",  "tengo",    "quiero", "necesito", "llegó", "llego", "todavía",
          "aún",     "compra", "envío",    "hace",   "días",     "estoy", "sí",    "orden",
          "buenos",  "buenas", "recibido", "recibí"}) {
      m.emplace(w, -1);
    }
    return m;
  }();
  const auto it = kCues.find(word);
  return it == kCues.end() ? 0 : it->second;
}

}  // namespace

std::string guess_language(std::string_view text) {
  int en = 0;
  int es = 0;
  for_each_word(text, [&](std::string_view w) {
    const int cue = language_cue(w);
    en += cue > 0 ? 1 : 0;
    es += cue < 0 ? 1 : 0;
  });
  // Spanish-only letters and punctuation are cues too.
  for (std::string_view mark : {"¿", "¡", "ñ"}) {
    if (text.find(mark) != std::string_view::npos) ++es;
  }
  constexpr int kMinSignals = 2;
  if (en >= kMinSignals && en > es) return "en";
  if (es >= kMinSignals && es > en) return "es";
  return "unknown";
}

Features extract_features(std::string_view normalized_text, const FeatureContext& context) {
  return extract_features(normalized_text, context,
                          default_redactor().redact(normalized_text).counts);
}

Features extract_features(std::string_view normalized_text, const FeatureContext& context,
                          const RedactionCounts& counts) {
  Features f;
  f.channel = canonical_channel(context.channel);
  f.language = guess_language(normalized_text);
  for (const orders::OrderNumberMention& m : orders::order_number_mentions(normalized_text)) {
    f.has_order_number = f.has_order_number || orders::counts_as_order_number_feature(m);
  }
  f.has_email = counts.emails > 0;
  f.has_phone = counts.phones > 0;
  f.has_tracking_number = counts.tracking_numbers > 0;

  bool in_token = false;
  bool token_has_word = false;
  for (std::size_t i = 0; i <= normalized_text.size();) {
    const bool end = i == normalized_text.size();
    const char c = end ? ' ' : normalized_text[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_token && token_has_word) ++f.word_count;
      in_token = false;
      token_has_word = false;
      ++i;
      continue;
    }
    in_token = true;
    const utf8::Decoded d = utf8::decode(normalized_text, i);
    token_has_word = token_has_word || (d.valid && utf8::is_word_cp(d.cp));
    i += d.len;
  }

  f.has_attachments = context.attachment_count > 0;
  f.attachment_only = f.has_attachments && meaningful_words(normalized_text) < 3;
  for (const std::string& tag : context.ticket_tags) {
    if (!utf8::starts_with_ci(tag, "mw-")) continue;
    bool seen = false;
    for (const std::string& t : f.control_tags) seen = seen || t == tag;
    if (!seen) f.control_tags.push_back(tag);
  }
  return f;
}

}  // namespace rpmw::core::text
