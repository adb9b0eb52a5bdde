#include "adapters/observability/prometheus_metrics.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <functional>
#include <limits>
#include <utility>

namespace rpmw::adapters::observability {

namespace {

using Label = std::pair<std::string, std::string>;

constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kHelp = {{
    {"rpmw_auth_failures_total", "Webhook requests rejected by authentication."},
    {"rpmw_automation_blocked_total", "Automated actions blocked by policy, by reason."},
    {"rpmw_decisions_total", "Routing decisions made, by tier and action."},
    {"rpmw_dlq_depth", "Messages in the dead-letter queue."},
    {"rpmw_event_end_to_end_seconds", "Time from webhook receipt to the event being processed."},
    {"rpmw_ingress_ack_seconds", "Time to acknowledge a webhook request."},
    {"rpmw_ingress_requests_total", "Webhook requests received by ingress, by result."},
    {"rpmw_llm_tokens_total", "LLM tokens used, by direction."},
    {"rpmw_queue_depth", "Messages in the event queue (ready and in flight)."},
    {"rpmw_queue_oldest_age_seconds", "Age of the oldest message in the event queue."},
    {"rpmw_redaction_failures_total", "Texts that could not be redacted before classification."},
    {"rpmw_replies_total", "Customer replies sent, by template."},
    {"rpmw_vendor_latency_seconds", "Latency of calls to external vendors."},
    {"rpmw_vendor_rate_limited_total", "Vendor calls throttled (HTTP 429), by vendor."},
    {"rpmw_vendor_requests_total", "Calls to external vendors, by vendor, operation and status."},
    {"rpmw_worker_jobs_total", "Events processed by workers, by result."},
}};

bool is_name_char(char c, bool allow_colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         (allow_colon && c == ':');
}

// Metric names [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*; anything else
// becomes '_' so a bad name can never break the exposition.
void append_name(std::string& out, std::string_view name, bool allow_colon) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) out.push_back('_');
  for (char c : name) out.push_back(is_name_char(c, allow_colon) ? c : '_');
}

// Labels sorted by name; for a repeated name only the last one given is kept.
void sort_labels(const core::MetricLabels& labels, std::vector<const Label*>& order) {
  order.clear();
  for (const Label& label : labels) order.push_back(&label);
  std::stable_sort(order.begin(), order.end(),
                   [](const Label* a, const Label* b) { return a->first < b->first; });
  std::size_t kept = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (i + 1 < order.size() && order[i + 1]->first == order[i]->first) continue;
    order[kept++] = order[i];
  }
  order.resize(kept);
}

// name, then per label \x1f name '=' length ':' value: unambiguous whatever the values hold.
void build_key(std::string& key, std::string_view name, const std::vector<const Label*>& order) {
  key.clear();
  append_name(key, name, true);
  for (const Label* label : order) {
    key.push_back('\x1f');
    append_name(key, label->first, false);
    key.push_back('=');
    char len[24];
    key.append(len, std::to_chars(len, len + sizeof len, label->second.size()).ptr);
    key.push_back(':');
    key.append(label->second);
  }
}

// Prometheus floats: integers without a fraction, plain decimals where readable, +Inf/-Inf/NaN.
void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out.append("NaN");
    return;
  }
  if (std::isinf(v)) {
    out.append(v > 0 ? "+Inf" : "-Inf");
    return;
  }
  char buf[64];
  const double mag = std::fabs(v);
  std::to_chars_result r;
  if (mag < 1e15 && v == std::floor(v)) {
    r = std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(v));
  } else if (mag < 1e15 && mag >= 1e-4) {
    r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);  // shortest exact
  } else {
    r = std::to_chars(buf, buf + sizeof buf, v);
  }
  out.append(buf, r.ptr);
}

void append_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') {
      out.append("\\\\");
    } else if (c == '"') {
      out.append("\\\"");
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
}

void append_help_text(std::string& out, std::string_view text) {
  for (char c : text) {
    if (c == '\\') {
      out.append("\\\\");
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
}

// {a="x",b="y"[,le="0.5"]}; nothing at all when there is no label.
void append_labels(std::string& out, const std::vector<Label>& labels, const double* le) {
  if (labels.empty() && le == nullptr) return;
  out.push_back('{');
  bool first = true;
  for (const Label& label : labels) {
    if (!first) out.push_back(',');
    first = false;
    out.append(label.first);
    out.append("=\"");
    append_label_value(out, label.second);
    out.push_back('"');
  }
  if (le != nullptr) {
    if (!first) out.push_back(',');
    out.append("le=\"");
    append_number(out, *le);
    out.push_back('"');
  }
  out.push_back('}');
}

}  // namespace

const std::vector<double>& PrometheusMetrics::default_buckets() {
  static const std::vector<double> buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                              0.25,   0.5,   1,      2.5,   5,    10,    30,   60};
  return buckets;
}

std::string_view PrometheusMetrics::help_for(std::string_view name) {
  const auto it =
      std::lower_bound(kHelp.begin(), kHelp.end(), name,
                       [](const auto& entry, std::string_view n) { return entry.first < n; });
  if (it != kHelp.end() && it->first == name) return it->second;
  return "rpmw application metric.";
}

std::size_t PrometheusMetrics::KeyHash::operator()(const std::string& key) const {
  return std::hash<std::string_view>{}(key);
}

PrometheusMetrics::PrometheusMetrics(std::vector<double> buckets) : bounds_(std::move(buckets)) {
  bounds_.erase(
      std::remove_if(bounds_.begin(), bounds_.end(), [](double b) { return !std::isfinite(b); }),
      bounds_.end());
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
}

PrometheusMetrics::~PrometheusMetrics() = default;

template <class Update>
void PrometheusMetrics::apply(std::string_view name, const core::MetricLabels& labels, Kind kind,
                              Update update) {
  // Reused per thread: the hot path allocates only when a series is first seen.
  thread_local std::string key;
  thread_local std::vector<const Label*> order;
  sort_labels(labels, order);
  build_key(key, name, order);
  const std::size_t hash = std::hash<std::string_view>{}(key);
  Shard& shard = shards_[hash % kShards];

  std::lock_guard lock(shard.mutex);
  auto it = shard.series.find(KeyProbe{key, hash});
  if (it == shard.series.end()) {
    auto series = std::make_unique<Series>();
    append_name(series->name, name, true);
    for (const Label* label : order) {
      std::string label_name;
      append_name(label_name, label->first, false);
      series->labels.emplace_back(std::move(label_name), label->second);
    }
    series->kind = kind;
    if (kind == Kind::histogram) series->buckets.assign(bounds_.size() + 1, 0);
    it = shard.series.emplace(key, std::move(series)).first;
  }
  Series& series = *it->second;
  if (series.kind != kind) {
    type_conflicts_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  update(series);
}

template <class Read>
bool PrometheusMetrics::read(std::string_view name, const core::MetricLabels& labels,
                             Read fn) const {
  std::vector<const Label*> order;
  std::string key;
  sort_labels(labels, order);
  build_key(key, name, order);
  const std::size_t hash = std::hash<std::string_view>{}(key);
  const Shard& shard = shards_[hash % kShards];
  std::lock_guard lock(shard.mutex);
  const auto it = shard.series.find(KeyProbe{key, hash});
  if (it == shard.series.end()) return false;
  fn(*it->second);
  return true;
}

void PrometheusMetrics::increment(std::string_view name, const core::MetricLabels& labels,
                                  double value) {
  if (!(value >= 0)) return;  // also rejects NaN
  apply(name, labels, Kind::counter, [value](Series& s) { s.value += value; });
}

void PrometheusMetrics::observe(std::string_view name, double value,
                                const core::MetricLabels& labels) {
  if (std::isnan(value)) return;
  // First bucket whose upper bound holds the value (le is inclusive); past the end is +Inf.
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  apply(name, labels, Kind::histogram, [value, bucket](Series& s) {
    ++s.buckets[bucket];
    s.sum += value;
    ++s.count;
  });
}

void PrometheusMetrics::set_gauge(std::string_view name, double value,
                                  const core::MetricLabels& labels) {
  apply(name, labels, Kind::gauge, [value](Series& s) { s.value = value; });
}

double PrometheusMetrics::value(std::string_view name, const core::MetricLabels& labels) const {
  double out = 0;
  read(name, labels, [&out](const Series& s) {
    out = s.kind == Kind::histogram ? static_cast<double>(s.count) : s.value;
  });
  return out;
}

bool PrometheusMetrics::has(std::string_view name, const core::MetricLabels& labels) const {
  return read(name, labels, [](const Series&) {});
}

std::string PrometheusMetrics::render() const {
  std::vector<Series> all;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    for (const auto& entry : shard.series) all.push_back(*entry.second);
  }
  std::sort(all.begin(), all.end(), [](const Series& a, const Series& b) {
    return a.name != b.name ? a.name < b.name : a.labels < b.labels;
  });

  std::string out;
  out.reserve(all.size() * 96);
  for (std::size_t i = 0; i < all.size();) {
    const std::string& name = all[i].name;
    // One type per name: the first series decides; series of another type (a caller mixing
    // increment and observe on one name) are left out rather than making the output invalid.
    const Kind kind = all[i].kind;
    out.append("# HELP ").append(name).push_back(' ');
    append_help_text(out, help_for(name));
    out.append("\n# TYPE ").append(name).push_back(' ');
    out.append(kind == Kind::counter ? "counter" : kind == Kind::gauge ? "gauge" : "histogram");
    out.push_back('\n');
    for (; i < all.size() && all[i].name == name; ++i) {
      const Series& s = all[i];
      if (s.kind != kind) continue;
      if (kind != Kind::histogram) {
        out.append(name);
        append_labels(out, s.labels, nullptr);
        out.push_back(' ');
        append_number(out, s.value);
        out.push_back('\n');
        continue;
      }
      std::uint64_t cumulative = 0;
      for (std::size_t b = 0; b < bounds_.size(); ++b) {
        cumulative += s.buckets[b];
        out.append(name).append("_bucket");
        append_labels(out, s.labels, &bounds_[b]);
        out.push_back(' ');
        append_number(out, static_cast<double>(cumulative));
        out.push_back('\n');
      }
      const double inf = std::numeric_limits<double>::infinity();
      out.append(name).append("_bucket");
      append_labels(out, s.labels, &inf);
      out.push_back(' ');
      append_number(out, static_cast<double>(s.count));
      out.push_back('\n');
      out.append(name).append("_sum");
      append_labels(out, s.labels, nullptr);
      out.push_back(' ');
      append_number(out, s.sum);
      out.push_back('\n');
      out.append(name).append("_count");
      append_labels(out, s.labels, nullptr);
      out.push_back(' ');
      append_number(out, static_cast<double>(s.count));
      out.push_back('\n');
    }
  }
  return out;
}

}  // namespace rpmw::adapters::observability
