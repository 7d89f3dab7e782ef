#include "intent/evaluation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

namespace plume::intent {

namespace {

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

}  // namespace

IntentEvalRun EvaluateIntent(std::string system, const std::vector<LabeledExample>& examples,
                             const IntentPredictFn& predict) {
  IntentEvalRun run;
  run.system = std::move(system);
  std::vector<std::string> gold, best;
  std::vector<double> latencies;
  std::map<std::string, std::pair<int64_t, int64_t>> by_origin;  // origin -> (n, correct)
  int64_t covered = 0, covered_correct = 0;
  for (const auto& ex : examples) {
    auto start = std::chrono::steady_clock::now();
    auto p = predict(ex);
    auto end = std::chrono::steady_clock::now();
    latencies.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    std::string label;
    if (!p.ok()) {
      ++run.failures;
    } else {
      if (!p->top.empty()) label = p->top[0].label;
      if (!p->to_qualify) {
        ++covered;
        if (p->label == ex.label) ++covered_correct;
      }
    }
    gold.push_back(ex.label);
    best.push_back(label);
    auto& o = by_origin[ex.origin];
    o.first++;
    if (label == ex.label) o.second++;
  }
  run.report = ScoreClassification(gold, best);
  for (const auto& [origin, c] : by_origin) {
    run.accuracy_by_origin[origin] = {c.first,
                                      static_cast<double>(c.second) / static_cast<double>(c.first)};
  }
  double n = static_cast<double>(examples.size());
  run.coverage = examples.empty() ? 0 : static_cast<double>(covered) / n;
  run.accuracy_covered =
      covered ? static_cast<double>(covered_correct) / static_cast<double>(covered) : 0;
  run.latency_p50_ms = Percentile(latencies, 50);
  run.latency_p99_ms = Percentile(latencies, 99);
  double sum = 0;
  for (double l : latencies) sum += l;
  run.latency_mean_ms = latencies.empty() ? 0 : sum / n;
  return run;
}

std::string EvalRunToJson(const IntentEvalRun& run) {
  using json = nlohmann::json;
  json per_class = json::array();
  for (const auto& c : run.report.per_class) {
    per_class.push_back({{"label", c.label},
                         {"precision", c.precision},
                         {"recall", c.recall},
                         {"f1", c.f1},
                         {"support", c.support},
                         {"predicted", c.predicted}});
  }
  json origins = json::object();
  for (const auto& [origin, v] : run.accuracy_by_origin) {
    origins[origin] = {{"examples", v.first}, {"accuracy", v.second}};
  }
  json j = {{"system", run.system},
            {"examples", run.report.examples},
            {"accuracy", run.report.accuracy},
            {"macro_f1", run.report.macro_f1},
            {"per_class", per_class},
            {"accuracy_by_origin", origins},
            {"coverage", run.coverage},
            {"accuracy_covered", run.accuracy_covered},
            {"failures", run.failures},
            {"latency_p50_ms", run.latency_p50_ms},
            {"latency_p99_ms", run.latency_p99_ms},
            {"latency_mean_ms", run.latency_mean_ms}};
  return j.dump();
}

}  // namespace plume::intent
