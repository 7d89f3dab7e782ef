#include "metrics/prometheus.h"

#include <fmt/core.h>

#include <cassert>
#include <cmath>

namespace plume::metrics {
namespace {

[[maybe_unused]] bool ValidName(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    const bool digit = c >= '0' && c <= '9';
    if (!(alpha || (i > 0 && digit))) return false;
  }
  return true;
}

void AtomicAdd(std::atomic<double>& target, double by) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + by, std::memory_order_relaxed)) {
  }
}

// {a="x",b="y"} (with `extra` appended, e.g. le="0.5"); empty when there is no label at all.
std::string LabelSet(const std::vector<std::string>& names, const std::vector<std::string>& values,
                     std::string_view extra = {}) {
  if (names.empty() && extra.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i];
    out += "=\"";
    out += EscapeLabelValue(values[i]);
    out += '"';
  }
  if (!extra.empty()) {
    if (!names.empty()) out += ',';
    out += extra;
  }
  out += '}';
  return out;
}

}  // namespace

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

std::vector<double> DefaultLatencyBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

void Counter::Increment(double by) {
  assert(by >= 0 && "a counter only goes up");
  AtomicAdd(value_, by);
}

void Gauge::Add(double by) { AtomicAdd(value_, by); }

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), counts_(bounds_.size() + 1, 0) {
  for (size_t i = 0; i < bounds_.size(); ++i) {
    assert(std::isfinite(bounds_[i]) && (i == 0 || bounds_[i - 1] < bounds_[i]) &&
           "histogram buckets must be finite and strictly increasing");
  }
}

void Histogram::Observe(double v) {
  size_t bucket = 0;
  while (bucket < bounds_.size() && v > bounds_[bucket]) ++bucket;
  std::lock_guard lock(mu_);
  counts_[bucket]++;
  sum_ += v;
  count_++;
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.upper_bounds = bounds_;
  std::lock_guard lock(mu_);
  uint64_t running = 0;
  for (uint64_t c : counts_) {
    running += c;
    s.cumulative_counts.push_back(running);
  }
  s.sum = sum_;
  s.count = count_;
  return s;
}

template <typename T>
T& Family<T>::WithLabels(const std::vector<std::string>& values) {
  assert(values.size() == label_names_.size() && "one value per label name");
  std::lock_guard lock(mu_);
  auto it = children_.find(values);
  if (it == children_.end()) it = children_.emplace(values, make_()).first;
  return *it->second;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

void Registry::CheckNew(const std::string& name,
                        const std::vector<std::string>& label_names) const {
  assert(ValidName(name, /*allow_colon=*/true) && "invalid metric name");
  assert(families_.count(name) == 0 && "metric registered twice");
  for (const auto& l : label_names) {
    assert(ValidName(l, false) && l.rfind("__", 0) != 0 && "invalid label name");
    (void)l;
  }
  (void)name;
}

CounterFamily& Registry::AddCounter(std::string name, std::string help,
                                    std::vector<std::string> label_names) {
  std::lock_guard lock(mu_);
  CheckNew(name, label_names);
  Entry& e = families_[name];
  e.type = "counter";
  e.counter.reset(new CounterFamily(std::move(name), std::move(help), std::move(label_names),
                                    [] { return std::make_unique<Counter>(); }));
  return *e.counter;
}

GaugeFamily& Registry::AddGauge(std::string name, std::string help,
                                std::vector<std::string> label_names) {
  std::lock_guard lock(mu_);
  CheckNew(name, label_names);
  Entry& e = families_[name];
  e.type = "gauge";
  e.gauge.reset(new GaugeFamily(std::move(name), std::move(help), std::move(label_names),
                                [] { return std::make_unique<Gauge>(); }));
  return *e.gauge;
}

HistogramFamily& Registry::AddHistogram(std::string name, std::string help,
                                        std::vector<std::string> label_names,
                                        std::vector<double> buckets) {
  std::lock_guard lock(mu_);
  CheckNew(name, label_names);
  for (const auto& l : label_names) {
    assert(l != "le" && "\"le\" is reserved for histogram buckets");
    (void)l;
  }
  Entry& e = families_[name];
  e.type = "histogram";
  e.histogram.reset(new HistogramFamily(
      std::move(name), std::move(help), std::move(label_names),
      [buckets = std::move(buckets)] { return std::make_unique<Histogram>(buckets); }));
  return *e.histogram;
}

void Registry::AddScrapeHook(std::function<void()> hook) {
  std::lock_guard lock(mu_);
  hooks_.push_back(std::move(hook));
}

std::string Registry::Expose() const {
  std::vector<std::function<void()>> hooks;
  {
    std::lock_guard lock(mu_);
    hooks = hooks_;
  }
  for (const auto& hook : hooks) hook();

  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, e] : families_) {
    const std::string& help = e.counter ? e.counter->help_
                              : e.gauge ? e.gauge->help_
                                        : e.histogram->help_;
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, EscapeHelp(help), name, e.type);
    if (e.counter) {
      std::lock_guard family_lock(e.counter->mu_);
      for (const auto& [values, c] : e.counter->children_) {
        out += fmt::format("{}{} {}\n", name, LabelSet(e.counter->label_names_, values),
                           FormatValue(c->Value()));
      }
    } else if (e.gauge) {
      std::lock_guard family_lock(e.gauge->mu_);
      for (const auto& [values, g] : e.gauge->children_) {
        out += fmt::format("{}{} {}\n", name, LabelSet(e.gauge->label_names_, values),
                           FormatValue(g->Value()));
      }
    } else {
      std::lock_guard family_lock(e.histogram->mu_);
      const auto& label_names = e.histogram->label_names_;
      for (const auto& [values, h] : e.histogram->children_) {
        const Histogram::Snapshot s = h->Read();
        for (size_t i = 0; i <= s.upper_bounds.size(); ++i) {
          const std::string le =
              fmt::format("le=\"{}\"", i < s.upper_bounds.size() ? FormatValue(s.upper_bounds[i])
                                                                 : std::string("+Inf"));
          out += fmt::format("{}_bucket{} {}\n", name, LabelSet(label_names, values, le),
                             s.cumulative_counts[i]);
        }
        out +=
            fmt::format("{}_sum{} {}\n", name, LabelSet(label_names, values), FormatValue(s.sum));
        out += fmt::format("{}_count{} {}\n", name, LabelSet(label_names, values), s.count);
      }
    }
  }
  return out;
}

}  // namespace plume::metrics
