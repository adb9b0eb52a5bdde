#include "app/policy/order_status_loader.h"

#include <cctype>
#include <fstream>
#include <iterator>

namespace rpmw::app {
namespace orders = core::orders;
namespace {

constexpr std::streamsize kMaxTzifBytes = 1 << 20;  // real ones are a few KiB

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::optional<orders::DeliveryWindow> window_of(const YAML::Node& value) {
  if (value.IsScalar()) {
    const int days = value.as<int>();
    return orders::DeliveryWindow{days, days};
  }
  if (value.IsSequence() && value.size() == 2) {
    return orders::DeliveryWindow{value[0].as<int>(), value[1].as<int>()};
  }
  return std::nullopt;
}

}  // namespace

core::Result<orders::TimeZone> load_time_zone(const std::string& name,
                                              const std::string& zoneinfo_dir) {
  if (auto fixed = orders::TimeZone::fixed(name)) return *fixed;
  if (!orders::TimeZone::is_iana_name(name)) {
    return core::fail(core::ErrorKind::invalid_input, "bad_zone_name");
  }
  std::ifstream in(zoneinfo_dir + "/" + name, std::ios::binary);
  if (!in) return core::fail(core::ErrorKind::not_found, "no_zoneinfo_file");
  std::string bytes(static_cast<std::size_t>(kMaxTzifBytes) + 1, '\0');
  in.read(bytes.data(), kMaxTzifBytes + 1);
  if (in.gcount() > kMaxTzifBytes) {
    return core::fail(core::ErrorKind::invalid_input, "zoneinfo_too_large");
  }
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  return orders::TimeZone::from_tzif(name, bytes);
}

void load_order_status(const YAML::Node& section, orders::OrderStatusPolicy& out,
                       std::vector<std::string>& errors) {
  const std::string where = "order_status";
  if (section && !section.IsMap()) {
    errors.push_back(where + ": expected a mapping");
  } else if (section) {
    auto text = [&](const char* key, std::string& field) {
      const YAML::Node v = section[key];
      if (!v) return;
      if (v.IsScalar()) {
        field = v.as<std::string>();
      } else {
        errors.push_back(where + ": '" + key + "' must be a string");
      }
    };
    text("time_zone", out.time_zone);
    text("zoneinfo_dir", out.zoneinfo_dir);
    if (const YAML::Node h = section["holidays"]) {
      out.holidays.clear();
      if (!h.IsSequence()) errors.push_back(where + ": 'holidays' must be a list of YYYY-MM-DD");
      for (const YAML::Node& day : h) {
        if (day.IsScalar()) {
          out.holidays.push_back(day.as<std::string>());
        } else {
          errors.push_back(where + ": 'holidays' must hold dates");
        }
      }
    }
    if (const YAML::Node w = section["shipping_windows"]) {
      out.shipping_windows.clear();
      if (!w.IsMap()) errors.push_back(where + ": 'shipping_windows' must map a key to [min, max]");
      for (const auto& entry : w) {
        const std::string key = lower(entry.first.as<std::string>());
        std::optional<orders::DeliveryWindow> window;
        try {
          window = window_of(entry.second);
        } catch (const YAML::Exception&) {
          window.reset();
        }
        if (!window) {
          errors.push_back(where + ": shipping_windows '" + key +
                           "' must be [min, max] business days (or one number)");
          continue;
        }
        out.shipping_windows[key] = *window;
      }
    }
  }
  auto zone = load_time_zone(out.time_zone, out.zoneinfo_dir);
  if (zone) {
    out.zone = std::move(*zone);
    out.zone_error.clear();
  } else {
    out.zone.reset();
    out.zone_error = zone.error().code;
    if (zone.error().code == "no_zoneinfo_file") out.zone_error += " under " + out.zoneinfo_dir;
  }
}

}  // namespace rpmw::app
