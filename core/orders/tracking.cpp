#include "core/orders/tracking.h"

#include <cctype>
#include <vector>

#include "core/common/ascii.h"

namespace rpmw::core::orders {
namespace {

enum class Carrier { other, fedex, ups, usps, dhl };

std::string_view trim(std::string_view text) {
  return trim_ascii(text);
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// By the company's first word, or its spelled-out name ("U.S. Postal Service" counts as USPS).
Carrier carrier_of(std::string_view company) {
  std::vector<std::string> words(1);
  for (char c : company) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '.') continue;  // U.P.S. → ups
    if (std::isalnum(u)) {
      words.back() += static_cast<char>(std::tolower(u));
    } else if (!words.back().empty()) {
      words.emplace_back();
    }
  }
  std::string joined;
  for (const std::string& w : words) {
    if (w.empty()) continue;
    joined += (joined.empty() ? "" : " ") + w;
  }
  const std::string first = joined.substr(0, joined.find(' '));
  if (first == "fedex" || starts_with(joined, "federal express")) return Carrier::fedex;
  if (first == "usps" || starts_with(joined, "united states postal service") ||
      starts_with(joined, "us postal service")) {
    return Carrier::usps;
  }
  if (first == "ups" || starts_with(joined, "united parcel service")) return Carrier::ups;
  if (first == "dhl") return Carrier::dhl;
  return Carrier::other;
}

// The first entry with a number or an http(s) link.
const Tracking* usable(const Fulfillment& f) {
  for (const Tracking& t : f.tracking) {
    if (!trim(t.number).empty() || is_http_url(trim(t.url))) return &t;
  }
  return nullptr;
}

}  // namespace

bool is_http_url(std::string_view url) {
  if (url.size() > 2048) return false;
  std::string scheme;
  for (char c : url.substr(0, 8))
    scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t host = 0;
  if (starts_with(scheme, "https://")) {
    host = 8;
  } else if (starts_with(scheme, "http://")) {
    host = 7;
  } else {
    return false;
  }
  if (url.size() <= host || url[host] == '/' || url[host] == '?' || url[host] == '#') return false;
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return false;
  }
  return true;
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0x0F];
    }
  }
  return out;
}

std::string carrier_tracking_url(std::string_view company, std::string_view number) {
  number = trim(number);
  if (number.empty()) return {};
  const char* base = nullptr;
  switch (carrier_of(company)) {
    case Carrier::fedex:
      base = "https://www.fedex.com/fedextrack/?trknbr=";
      break;
    case Carrier::ups:
      base = "https://www.ups.com/track?tracknum=";
      break;
    case Carrier::usps:
      base = "https://tools.usps.com/go/TrackConfirmAction?tLabels=";
      break;
    case Carrier::dhl:
      base =
          "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id=";
      break;
    case Carrier::other:
      return {};
  }
  return base + url_encode(number);
}

std::optional<TrackingInfo> select_tracking(const Order& order) {
  const Fulfillment* best = nullptr;
  const Tracking* chosen = nullptr;
  for (const Fulfillment& f : order.fulfillments) {
    const Tracking* t = usable(f);
    if (t == nullptr) continue;
    if (best == nullptr || f.created_at_ms >= best->created_at_ms) {
      best = &f;
      chosen = t;
    }
  }
  if (chosen == nullptr) return std::nullopt;
  TrackingInfo info;
  info.number = std::string(trim(chosen->number));
  info.company = std::string(trim(chosen->company));
  const std::string_view url = trim(chosen->url);
  info.url = is_http_url(url) ? std::string(url) : carrier_tracking_url(info.company, info.number);
  return info;
}

bool has_tracking(const Order& order) {
  return select_tracking(order).has_value();
}

}  // namespace rpmw::core::orders
