#pragma once
// An in-memory Metrics fake: every counter, gauge and observation kept by name + labels.
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/ports/metrics.h"

namespace rpmw::fakes {

class RecordingMetrics final : public core::Metrics {
 public:
  void increment(std::string_view name, const core::MetricLabels& labels = {},
                 double value = 1) override {
    std::lock_guard lock(mutex_);
    counters_[key(name, labels)] += value;
  }
  void observe(std::string_view name, double value,
               const core::MetricLabels& labels = {}) override {
    std::lock_guard lock(mutex_);
    observations_[key(name, labels)].push_back(value);
  }
  void set_gauge(std::string_view name, double value,
                 const core::MetricLabels& labels = {}) override {
    std::lock_guard lock(mutex_);
    gauges_[key(name, labels)] = value;
  }

  double counter(std::string_view name, const core::MetricLabels& labels = {}) const {
    std::lock_guard lock(mutex_);
    auto it = counters_.find(key(name, labels));
    return it == counters_.end() ? 0 : it->second;
  }
  double gauge(std::string_view name, const core::MetricLabels& labels = {}) const {
    std::lock_guard lock(mutex_);
    auto it = gauges_.find(key(name, labels));
    return it == gauges_.end() ? 0 : it->second;
  }
  std::vector<double> observations(std::string_view name,
                                   const core::MetricLabels& labels = {}) const {
    std::lock_guard lock(mutex_);
    auto it = observations_.find(key(name, labels));
    return it == observations_.end() ? std::vector<double>{} : it->second;
  }

 private:
  // Labels in call order: callers use the same order for the same series.
  static std::string key(std::string_view name, const core::MetricLabels& labels) {
    std::string out(name);
    for (const auto& [label, value] : labels) out += "|" + label + "=" + value;
    return out;
  }

  mutable std::mutex mutex_;
  std::map<std::string, double> counters_;
  std::map<std::string, double> gauges_;
  std::map<std::string, std::vector<double>> observations_;
};

}  // namespace rpmw::fakes
