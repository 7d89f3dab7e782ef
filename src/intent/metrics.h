// Classification metrics: accuracy, macro-F1, per-class precision/recall/F1 and support.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace plume::intent {

struct ClassMetrics {
  std::string label;
  double precision = 0, recall = 0, f1 = 0;
  int64_t support = 0;    // gold examples of this label
  int64_t predicted = 0;  // predictions of this label
};

struct ClassificationReport {
  int64_t examples = 0;
  double accuracy = 0;
  // Mean F1 over the labels with support > 0 (predicting a label absent from the gold set
  // still lowers the precision of nothing but counts as an error for accuracy and recall).
  double macro_f1 = 0;
  std::vector<ClassMetrics> per_class;  // labels with support or predictions, sorted by label
};

// gold[i] and predicted[i] are label ids; a prediction may be any string (kToQualifyIntent,
// empty for a failure) and then counts as wrong. Precondition: same sizes.
ClassificationReport ScoreClassification(const std::vector<std::string>& gold,
                                         const std::vector<std::string>& predicted);

}  // namespace plume::intent
