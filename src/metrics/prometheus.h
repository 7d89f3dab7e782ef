// A small Prometheus metrics registry: counters, gauges and histograms with labels, exposed in
// the text exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/).
//
// Ownership: the Registry owns every family and every labelled child; references returned by
// Add*() and WithLabels() stay valid for the registry's lifetime.
// Thread-safety: every method of every class here is safe to call concurrently.
// Preconditions (programmer errors, asserted): metric names match [a-zA-Z_:][a-zA-Z0-9_:]*, label
// names match [a-zA-Z_][a-zA-Z0-9_]* and do not start with "__" (nor are "le" for histograms), a
// name is registered once, WithLabels() gets one value per label name, histogram buckets are
// strictly increasing and finite, counters only go up.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace plume::metrics {

class Counter {
 public:
  void Increment(double by = 1.0);  // by >= 0
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double by);
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double v);

  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<uint64_t> cumulative_counts;  // one per bound, then the +Inf bucket (== count)
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Read() const;

 private:
  const std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::vector<uint64_t> counts_;  // per bucket (not cumulative); last one is +Inf
  double sum_ = 0;
  uint64_t count_ = 0;
};

// A metric name with its label names and one child per distinct label-value tuple.
template <typename T>
class Family {
 public:
  // Returns the child for these label values, creating it (at zero) on first use.
  T& WithLabels(const std::vector<std::string>& values);
  // The child without labels (precondition: the family has no label names).
  T& Get() { return WithLabels({}); }

  const std::string& name() const { return name_; }

 private:
  friend class Registry;
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::function<std::unique_ptr<T>()> make)
      : name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        make_(std::move(make)) {}

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const std::function<std::unique_ptr<T>()> make_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<T>> children_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

// Buckets of request latencies in seconds (5 ms .. 10 s).
std::vector<double> DefaultLatencyBuckets();

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  CounterFamily& AddCounter(std::string name, std::string help,
                            std::vector<std::string> label_names = {});
  GaugeFamily& AddGauge(std::string name, std::string help,
                        std::vector<std::string> label_names = {});
  HistogramFamily& AddHistogram(std::string name, std::string help,
                                std::vector<std::string> label_names, std::vector<double> buckets);

  // `hook` runs at the start of every Expose() (e.g. to set queue-size gauges from the store).
  // It must not call Expose() and must not throw.
  void AddScrapeHook(std::function<void()> hook);

  // Text exposition format 0.0.4: families sorted by name, each with # HELP and # TYPE lines,
  // children sorted by label values; a family without children prints only its HELP/TYPE lines.
  std::string Expose() const;

  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

 private:
  struct Entry {
    std::string type;  // "counter", "gauge", "histogram"
    std::unique_ptr<CounterFamily> counter;
    std::unique_ptr<GaugeFamily> gauge;
    std::unique_ptr<HistogramFamily> histogram;
  };
  void CheckNew(const std::string& name, const std::vector<std::string>& label_names) const;

  mutable std::mutex mu_;
  std::map<std::string, Entry> families_;
  std::vector<std::function<void()>> hooks_;
};

// Escapes a label value: backslash, double quote and line feed.
std::string EscapeLabelValue(std::string_view v);
// Escapes HELP text: backslash and line feed.
std::string EscapeHelp(std::string_view v);
// Sample value as Prometheus prints it: "1", "0.25", "+Inf", "-Inf", "NaN".
std::string FormatValue(double v);

}  // namespace plume::metrics
