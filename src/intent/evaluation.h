// Runs an intent classifier over labelled examples: quality, threshold effect and latency.
//
// Thread-safety: EvaluateIntent calls `predict` sequentially from the calling thread.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "intent/dataset.h"
#include "intent/metrics.h"
#include "plume/intent.h"

namespace plume::intent {

struct IntentEvalRun {
  std::string system;
  // Best label (top[0]) against gold, whatever the threshold: the ranking quality.
  ClassificationReport report;
  // Accuracy of the best label per example origin ("cdtn", "fiche-qr").
  std::map<std::string, std::pair<int64_t, double>> accuracy_by_origin;  // origin -> (n, acc)
  // With the threshold: share of examples not sent to "À qualifier", and accuracy among them.
  double coverage = 0;
  double accuracy_covered = 0;
  int64_t failures = 0;  // Predict errors (scored as wrong, counted as not covered)
  double latency_p50_ms = 0, latency_p99_ms = 0, latency_mean_ms = 0;
};

using IntentPredictFn = std::function<Result<IntentPrediction>(const LabeledExample&)>;

IntentEvalRun EvaluateIntent(std::string system, const std::vector<LabeledExample>& examples,
                             const IntentPredictFn& predict);

// Renders a run as a JSON object text (for --json-out and the manifest's "eval").
std::string EvalRunToJson(const IntentEvalRun& run);

}  // namespace plume::intent
