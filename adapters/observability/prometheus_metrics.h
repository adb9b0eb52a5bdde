#pragma once
// core::Metrics kept in memory and rendered as the Prometheus text exposition format 0.0.4.
// Series are keyed by name + sorted labels and spread over mutex-striped shards, so the hot path
// is one key build, one hash and one short uncontended lock.
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/ports/metrics.h"

namespace rpmw::adapters::observability {

class PrometheusMetrics final : public core::Metrics {
 public:
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

  // Upper bounds in seconds, 0.5 ms to 60 s.
  static const std::vector<double>& default_buckets();
  // The HELP text for a metric (spec/06 names are known; others get a generic text).
  static std::string_view help_for(std::string_view name);

  // `buckets`: ascending finite upper bounds used by every histogram.
  explicit PrometheusMetrics(std::vector<double> buckets = default_buckets());
  ~PrometheusMetrics() override;

  // Counters only go up: negative and NaN increments are ignored.
  void increment(std::string_view name, const core::MetricLabels& labels = {},
                 double value = 1) override;
  // NaN observations are ignored.
  void observe(std::string_view name, double value, const core::MetricLabels& labels = {}) override;
  void set_gauge(std::string_view name, double value,
                 const core::MetricLabels& labels = {}) override;

  // All series, sorted by name then labels; one HELP/TYPE pair per metric name.
  std::string render() const;

  // For tests: a counter's or gauge's value, a histogram's count; 0 when the series is absent.
  double value(std::string_view name, const core::MetricLabels& labels = {}) const;
  bool has(std::string_view name, const core::MetricLabels& labels = {}) const;
  // Operations dropped because the series already exists with another type.
  std::uint64_t type_conflicts() const { return type_conflicts_.load(std::memory_order_relaxed); }

 private:
  enum class Kind { counter, gauge, histogram };
  struct Series {
    std::string name;
    std::vector<std::pair<std::string, std::string>> labels;  // sorted by label name
    Kind kind = Kind::counter;
    double value = 0;                    // counter, gauge
    std::vector<std::uint64_t> buckets;  // histogram: per bucket (not cumulative), then +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };
  // Transparent hashing lets a lookup reuse the hash computed to pick the shard.
  struct KeyProbe {
    std::string_view key;
    std::size_t hash;
  };
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(const std::string& key) const;
    std::size_t operator()(const KeyProbe& probe) const { return probe.hash; }
  };
  struct KeyEqual {
    using is_transparent = void;
    bool operator()(const std::string& a, const std::string& b) const { return a == b; }
    bool operator()(const KeyProbe& a, const std::string& b) const { return a.key == b; }
    bool operator()(const std::string& a, const KeyProbe& b) const { return a == b.key; }
  };
  struct alignas(64) Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, std::unique_ptr<Series>, KeyHash, KeyEqual> series;
  };
  static constexpr std::size_t kShards = 16;

  template <class Update>
  void apply(std::string_view name, const core::MetricLabels& labels, Kind kind, Update update);
  // Runs `read` on the series under its shard lock; false when absent.
  template <class Read>
  bool read(std::string_view name, const core::MetricLabels& labels, Read fn) const;

  std::vector<double> bounds_;
  std::array<Shard, kShards> shards_;
  std::atomic<std::uint64_t> type_conflicts_{0};
};

}  // namespace rpmw::adapters::observability
