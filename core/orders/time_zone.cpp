#include "core/orders/time_zone.h"

#include <algorithm>
#include <cctype>

namespace rpmw::core::orders {
namespace {

constexpr std::size_t kHeaderSize = 44;

// Big-endian reads over the TZif bytes; every read is bounds-checked by `need`.
class Bytes {
 public:
  explicit Bytes(std::string_view data) : data_(data) {}
  bool need(std::size_t n) const { return data_.size() - pos_ >= n; }
  void skip(std::size_t n) { pos_ += n; }
  std::size_t pos() const { return pos_; }
  std::string_view rest() const { return data_.substr(pos_); }
  std::uint8_t u8() { return static_cast<std::uint8_t>(data_[pos_++]); }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | u8();
    return v;
  }
  std::int64_t i64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | u8();
    return static_cast<std::int64_t>(v);
  }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

struct Counts {
  std::uint32_t isut = 0, isstd = 0, leap = 0, time = 0, type = 0, chars = 0;
};

// The 44-byte header: "TZif", version, 15 reserved bytes, six counts.
std::optional<Counts> header(Bytes& in, char& version) {
  if (!in.need(kHeaderSize)) return std::nullopt;
  const std::string_view magic = in.rest().substr(0, 4);
  if (magic != "TZif") return std::nullopt;
  in.skip(4);
  version = static_cast<char>(in.u8());
  in.skip(15);
  Counts c;
  c.isut = in.u32();
  c.isstd = in.u32();
  c.leap = in.u32();
  c.time = in.u32();
  c.type = in.u32();
  c.chars = in.u32();
  return c;
}

std::uint64_t block_size(const Counts& c, std::uint64_t time_size) {
  return std::uint64_t{c.time} * time_size + c.time + std::uint64_t{c.type} * 6 + c.chars +
         std::uint64_t{c.leap} * (time_size + 4) + c.isstd + c.isut;
}

}  // namespace

std::optional<TimeZone> TimeZone::fixed(std::string_view text) {
  if (text == "UTC") return TimeZone();
  auto digit = [&](std::size_t i) { return std::isdigit(static_cast<unsigned char>(text[i])); };
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || !digit(1) || !digit(2) ||
      text[3] != ':' || !digit(4) || !digit(5)) {
    return std::nullopt;
  }
  const int hours = (text[1] - '0') * 10 + (text[2] - '0');
  const int minutes = (text[4] - '0') * 10 + (text[5] - '0');
  if (minutes > 59 || hours * 60 + minutes > 18 * 60) return std::nullopt;
  TimeZone zone;
  zone.name_ = std::string(text);
  zone.initial_offset_ = (text[0] == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
  return zone;
}

bool TimeZone::is_iana_name(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t slash = std::min(name.find('/', start), name.size());
    const std::string_view part = name.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    for (char c : part) {
      const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
                      c == '+' || c == '.';
      if (!ok) return false;
    }
    start = slash + 1;
  }
  return true;
}

Result<TimeZone> TimeZone::from_tzif(std::string name, std::string_view bytes) {
  Bytes in(bytes);
  char version = 0;
  auto v1 = header(in, version);
  if (!v1) {
    return fail(ErrorKind::invalid_input,
                in.need(kHeaderSize) ? "tzif_bad_magic" : "tzif_truncated");
  }
  if (version < '2') return fail(ErrorKind::invalid_input, "tzif_v1_only");
  // Skip the 32-bit block; the 64-bit one after the second header is the one that counts.
  const std::uint64_t v1_size = block_size(*v1, 4);
  if (!in.need(v1_size)) return fail(ErrorKind::invalid_input, "tzif_truncated");
  in.skip(v1_size);
  char version2 = 0;
  auto c = header(in, version2);
  if (!c) return fail(ErrorKind::invalid_input, "tzif_truncated");
  if (c->type == 0 || c->chars == 0 || (c->isut != 0 && c->isut != c->type) ||
      (c->isstd != 0 && c->isstd != c->type)) {
    return fail(ErrorKind::invalid_input, "tzif_bad_data");
  }
  if (!in.need(block_size(*c, 8))) return fail(ErrorKind::invalid_input, "tzif_truncated");

  TimeZone zone;
  zone.name_ = std::move(name);
  zone.transitions_.reserve(c->time);
  for (std::uint32_t i = 0; i < c->time; ++i) {
    const std::int64_t at = in.i64();
    if (!zone.transitions_.empty() && at <= zone.transitions_.back()) {
      return fail(ErrorKind::invalid_input, "tzif_bad_data");
    }
    zone.transitions_.push_back(at);
  }
  std::vector<std::uint8_t> type_of(c->time);
  for (std::uint32_t i = 0; i < c->time; ++i) {
    type_of[i] = in.u8();
    if (type_of[i] >= c->type) return fail(ErrorKind::invalid_input, "tzif_bad_data");
  }
  std::vector<std::int32_t> utoff(c->type);
  for (std::uint32_t i = 0; i < c->type; ++i) {
    utoff[i] = static_cast<std::int32_t>(in.u32());
    in.skip(2);  // isdst, abbreviation index: not needed for dates
    // RFC 8536: -2^31 is invalid; real offsets stay within a day.
    if (utoff[i] <= -86400 || utoff[i] >= 86400) {
      return fail(ErrorKind::invalid_input, "tzif_bad_data");
    }
  }
  zone.initial_offset_ = utoff[0];  // RFC 8536 §3.2: type 0 applies before the first transition
  for (std::uint8_t t : type_of) zone.offsets_after_.push_back(utoff[t]);
  in.skip(c->chars + std::uint64_t{c->leap} * 12 + c->isstd + c->isut);

  // Footer: "\n<POSIX TZ string>\n"; an empty string means no rule.
  const std::string_view footer = in.rest();
  if (footer.size() < 2 || footer.front() != '\n') {
    return fail(ErrorKind::invalid_input, "tzif_bad_footer");
  }
  const std::size_t end = footer.find('\n', 1);
  if (end == std::string_view::npos) return fail(ErrorKind::invalid_input, "tzif_bad_footer");
  const std::string_view tz = footer.substr(1, end - 1);
  if (!tz.empty()) {
    zone.rule_ = TzRule::parse(tz);
    if (!zone.rule_) return fail(ErrorKind::invalid_input, "tzif_bad_footer");
  }
  return zone;
}

std::int32_t TimeZone::offset_at(std::int64_t utc_seconds) const {
  if (transitions_.empty()) return rule_ ? rule_->offset_at(utc_seconds) : initial_offset_;
  const auto after = std::upper_bound(transitions_.begin(), transitions_.end(), utc_seconds);
  if (after == transitions_.begin()) return initial_offset_;
  if (after == transitions_.end() && rule_) return rule_->offset_at(utc_seconds);
  return offsets_after_[static_cast<std::size_t>(after - transitions_.begin()) - 1];
}

}  // namespace rpmw::core::orders
