#pragma once
// core::Metrics for Lambda: records what changed since the last take and renders it as CloudWatch
// Embedded Metric Format (EMF) lines, one JSON object per line on the log stream.
//
// Mapping (docs/lambda.md "Metrics"):
//   counter   -> the sum of the increments since the last take (Unit Count); a zero sum is left out
//   histogram -> the observed values themselves, in the metric's unit (a `_seconds` name is
//                Seconds), so CloudWatch computes count, sum, min, max and percentiles exactly;
//                at most 100 values per metric and line (the EMF limit), more go on further lines
//   gauge     -> the last value set (Seconds for `_seconds`, else Count)
// Every line carries one label set: its labels are the dimensions, together with `env`
// (Dimensions [["env", <label names>…]]); `release` and `function` are plain properties. Label
// values are bounded codes by contract; anything that is not a short [A-Za-z0-9._:/+-] token is
// replaced by "other", so an EMF line never carries free text. Non-finite values are left out.
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/observability/json_line_log.h"
#include "core/ports/clock.h"
#include "core/ports/metrics.h"

namespace rpmw::adapters::observability {

struct EmfContext {
  std::string metric_namespace = "rpmw";
  std::string env;
  std::string release;
  std::string function;  // AWS_LAMBDA_FUNCTION_NAME
};

class EmfMetrics final : public core::Metrics {
 public:
  // Per metric and label set, observations kept until the next take (more are counted in
  // dropped_values()): a Lambda invocation records a few dozen at most.
  static constexpr std::size_t kMaxPendingValues = 10000;
  static constexpr std::size_t kMaxValuesPerLine = 100;   // EMF: values in one metric array
  static constexpr std::size_t kMaxMetricsPerLine = 100;  // EMF: metrics in one directive

  EmfMetrics(EmfContext context, const core::Clock& clock);

  // Negative and NaN increments are ignored (counters only go up).
  void increment(std::string_view name, const core::MetricLabels& labels = {},
                 double value = 1) override;
  void observe(std::string_view name, double value, const core::MetricLabels& labels = {}) override;
  void set_gauge(std::string_view name, double value,
                 const core::MetricLabels& labels = {}) override;

  // The EMF lines (each ending in '\n') for everything recorded since the last take, sorted by
  // label set then metric name; the pending state is cleared. Empty when nothing changed.
  std::vector<std::string> take_lines();
  // take_lines() written to `sink`; returns the number of lines.
  std::size_t flush(LineSink& sink);

  // Operations dropped because the series was recorded with another type in the same window.
  std::uint64_t type_conflicts() const;
  std::uint64_t dropped_values() const;

 private:
  enum class Kind { counter, gauge, histogram };
  struct Pending {
    Kind kind = Kind::counter;
    double value = 0;            // counter: delta; gauge: last value
    std::vector<double> values;  // histogram observations
  };
  using Labels = std::vector<std::pair<std::string, std::string>>;
  // Label set first so one label set's metrics are adjacent.
  using Key = std::pair<Labels, std::string>;

  Pending* slot(std::string_view name, const core::MetricLabels& labels, Kind kind);

  EmfContext context_;
  const core::Clock& clock_;
  mutable std::mutex mutex_;
  std::map<Key, Pending> pending_;
  std::uint64_t type_conflicts_ = 0;
  std::uint64_t dropped_values_ = 0;
};

}  // namespace rpmw::adapters::observability
