#include "adapters/observability/emf_metrics.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace rpmw::adapters::observability {

namespace {

// Members every line has besides its dimensions and metrics; a label or metric of that name
// would collide with them.
constexpr std::array<std::string_view, 7> kReserved = {"_aws",  "env",     "event", "function",
                                                       "level", "release", "ts"};
constexpr std::size_t kMaxLabelValue = 64;

bool reserved(std::string_view key) {
  return std::find(kReserved.begin(), kReserved.end(), key) != kReserved.end();
}

// Names as in the Prometheus exposition: [a-zA-Z_][a-zA-Z0-9_]* (':' allowed in metric names).
std::string clean_name(std::string_view name, bool allow_colon) {
  std::string out;
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) out.push_back('_');
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || (allow_colon && c == ':');
    out.push_back(ok ? c : '_');
  }
  return out;
}

// A bounded code (tier, result, template id, vendor status…) passes; anything else, which could
// only be free text or an id by mistake, becomes "other".
std::string clean_value(std::string_view value) {
  if (value.empty() || value.size() > kMaxLabelValue) return "other";
  for (char c : value) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.' || c == ':' || c == '/' || c == '+';
    if (!ok) return "other";
  }
  return std::string(value);
}

// Shortest round-trip form (plain decimals where readable); integral values without a fraction.
// Callers pass finite values.
void append_number(std::string& out, double v) {
  char buf[64];
  std::to_chars_result r;
  const double mag = std::fabs(v);
  if (mag < 1e15 && v == std::floor(v)) {
    r = std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(v));
  } else if (mag < 1e15 && mag >= 1e-6) {
    r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  } else {
    r = std::to_chars(buf, buf + sizeof buf, v);
  }
  out.append(buf, r.ptr);
}

std::string_view unit_of(std::string_view name) {
  return name.ends_with("_seconds") ? "Seconds" : "Count";
}

struct Item {
  std::string name;
  std::string value;  // rendered JSON: a number or an array of numbers
};

}  // namespace

EmfMetrics::EmfMetrics(EmfContext context, const core::Clock& clock)
    : context_(std::move(context)), clock_(clock) {}

EmfMetrics::Pending* EmfMetrics::slot(std::string_view name, const core::MetricLabels& labels,
                                      Kind kind) {
  Labels clean;
  clean.reserve(labels.size());
  for (const auto& [label, value] : labels) {
    std::string key = clean_name(label, false);
    if (reserved(key)) key = "label_" + key;
    clean.emplace_back(std::move(key), clean_value(value));
  }
  // Sorted by name; for a repeated name the last one given wins (as in PrometheusMetrics).
  std::stable_sort(clean.begin(), clean.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  Labels unique;
  for (std::size_t i = 0; i < clean.size(); ++i) {
    if (i + 1 < clean.size() && clean[i + 1].first == clean[i].first) continue;
    unique.push_back(std::move(clean[i]));
  }
  std::string metric = clean_name(name, true);
  const bool collides =
      reserved(metric) || std::any_of(unique.begin(), unique.end(),
                                      [&](const auto& label) { return label.first == metric; });
  if (collides) metric = "metric_" + metric;

  auto [it, inserted] = pending_.try_emplace(Key{std::move(unique), std::move(metric)});
  if (inserted) it->second.kind = kind;
  if (it->second.kind != kind) {
    ++type_conflicts_;
    return nullptr;
  }
  return &it->second;
}

void EmfMetrics::increment(std::string_view name, const core::MetricLabels& labels, double value) {
  if (!(value >= 0) || std::isinf(value)) return;
  std::lock_guard lock(mutex_);
  if (Pending* p = slot(name, labels, Kind::counter)) p->value += value;
}

void EmfMetrics::observe(std::string_view name, double value, const core::MetricLabels& labels) {
  if (!std::isfinite(value)) return;
  std::lock_guard lock(mutex_);
  Pending* p = slot(name, labels, Kind::histogram);
  if (p == nullptr) return;
  if (p->values.size() >= kMaxPendingValues) {
    ++dropped_values_;
    return;
  }
  p->values.push_back(value);
}

void EmfMetrics::set_gauge(std::string_view name, double value, const core::MetricLabels& labels) {
  if (!std::isfinite(value)) return;
  std::lock_guard lock(mutex_);
  if (Pending* p = slot(name, labels, Kind::gauge)) p->value = value;
}

std::vector<std::string> EmfMetrics::take_lines() {
  std::map<Key, Pending> taken;
  {
    std::lock_guard lock(mutex_);
    taken.swap(pending_);
  }
  std::vector<std::string> lines;
  if (taken.empty()) return lines;
  const core::TimePoint now = clock_.now();
  std::string ts;
  append_iso8601_ms(ts, now);
  char ms[24];
  const std::string timestamp(ms, std::to_chars(ms, ms + sizeof ms, core::to_epoch_ms(now)).ptr);
  const std::string env = clean_value(context_.env);

  auto render = [&](const Labels& labels, const std::vector<Item>& items) {
    std::string line;
    line.reserve(320 + items.size() * 64);
    line.append(R"({"ts":")").append(ts);
    line.append(R"(","level":"info","event":"system.metrics.emf","_aws":{"Timestamp":)");
    line.append(timestamp).append(R"(,"CloudWatchMetrics":[{"Namespace":)");
    append_json_string(line, context_.metric_namespace);
    line.append(R"(,"Dimensions":[["env")");
    for (const auto& label : labels) {
      line.push_back(',');
      append_json_string(line, label.first);
    }
    line.append(R"(]],"Metrics":[)");
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i > 0) line.push_back(',');
      line.append(R"({"Name":)");
      append_json_string(line, items[i].name);
      line.append(R"(,"Unit":")").append(unit_of(items[i].name)).append("\"}");
    }
    line.append(R"(]}]},"env":)");
    append_json_string(line, env);
    line.append(R"(,"release":)");
    append_json_string(line, context_.release);
    if (!context_.function.empty()) {
      line.append(R"(,"function":)");
      append_json_string(line, context_.function);
    }
    for (const auto& label : labels) {
      line.push_back(',');
      append_json_string(line, label.first);
      line.push_back(':');
      append_json_string(line, label.second);
    }
    for (const Item& item : items) {
      line.push_back(',');
      append_json_string(line, item.name);
      line.push_back(':');
      line.append(item.value);
    }
    line.append("}\n");
    lines.push_back(std::move(line));
  };

  for (auto group = taken.begin(); group != taken.end();) {
    const Labels& labels = group->first.first;
    // rounds[r]: the r-th chunk of each histogram's values, plus every counter and gauge in 0.
    std::vector<std::vector<Item>> rounds(1);
    for (; group != taken.end() && group->first.first == labels; ++group) {
      const std::string& name = group->first.second;
      const Pending& p = group->second;
      if (p.kind != Kind::histogram) {
        if (p.kind == Kind::counter && p.value == 0) continue;
        std::string value;
        append_number(value, p.value);
        rounds[0].push_back(Item{name, std::move(value)});
        continue;
      }
      for (std::size_t start = 0, r = 0; start < p.values.size(); start += kMaxValuesPerLine, ++r) {
        const std::size_t end = std::min(p.values.size(), start + kMaxValuesPerLine);
        std::string value = "[";
        for (std::size_t i = start; i < end; ++i) {
          if (i > start) value.push_back(',');
          append_number(value, p.values[i]);
        }
        value.push_back(']');
        if (rounds.size() <= r) rounds.resize(r + 1);
        rounds[r].push_back(Item{name, std::move(value)});
      }
    }
    for (const std::vector<Item>& round : rounds) {
      for (std::size_t start = 0; start < round.size(); start += kMaxMetricsPerLine) {
        const std::size_t end = std::min(round.size(), start + kMaxMetricsPerLine);
        render(labels, std::vector<Item>(round.begin() + static_cast<std::ptrdiff_t>(start),
                                         round.begin() + static_cast<std::ptrdiff_t>(end)));
      }
    }
  }
  return lines;
}

std::size_t EmfMetrics::flush(LineSink& sink) {
  const std::vector<std::string> lines = take_lines();
  for (const std::string& line : lines) sink.write_line(line);
  return lines.size();
}

std::uint64_t EmfMetrics::type_conflicts() const {
  std::lock_guard lock(mutex_);
  return type_conflicts_;
}

std::uint64_t EmfMetrics::dropped_values() const {
  std::lock_guard lock(mutex_);
  return dropped_values_;
}

}  // namespace rpmw::adapters::observability
