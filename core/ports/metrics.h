#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rpmw::core {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// Counters, gauges and histograms by name (rpmw_* names of spec/06). Implementations are
// thread-safe; label values must be bounded sets (never ids or customer data).
class Metrics {
 public:
  virtual ~Metrics() = default;
  virtual void increment(std::string_view name, const MetricLabels& labels = {},
                         double value = 1) = 0;
  virtual void observe(std::string_view name, double value, const MetricLabels& labels = {}) = 0;
  virtual void set_gauge(std::string_view name, double value, const MetricLabels& labels = {}) = 0;
};

}  // namespace rpmw::core
