#include "intent/metrics.h"

#include <cassert>
#include <map>

namespace plume::intent {

ClassificationReport ScoreClassification(const std::vector<std::string>& gold,
                                         const std::vector<std::string>& predicted) {
  assert(gold.size() == predicted.size());
  struct Counts {
    int64_t tp = 0, support = 0, predicted = 0;
  };
  std::map<std::string, Counts> counts;
  ClassificationReport r;
  r.examples = static_cast<int64_t>(gold.size());
  int64_t correct = 0;
  for (size_t i = 0; i < gold.size(); ++i) {
    counts[gold[i]].support++;
    if (!predicted[i].empty()) counts[predicted[i]].predicted++;
    if (gold[i] == predicted[i]) {
      counts[gold[i]].tp++;
      ++correct;
    }
  }
  r.accuracy = gold.empty() ? 0 : static_cast<double>(correct) / static_cast<double>(gold.size());
  double f1_sum = 0;
  int64_t with_support = 0;
  for (const auto& [label, c] : counts) {
    ClassMetrics m;
    m.label = label;
    m.support = c.support;
    m.predicted = c.predicted;
    m.precision = c.predicted ? static_cast<double>(c.tp) / static_cast<double>(c.predicted) : 0;
    m.recall = c.support ? static_cast<double>(c.tp) / static_cast<double>(c.support) : 0;
    m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0;
    if (c.support > 0) {
      f1_sum += m.f1;
      ++with_support;
    }
    r.per_class.push_back(m);
  }
  r.macro_f1 = with_support ? f1_sum / static_cast<double>(with_support) : 0;
  return r;
}

}  // namespace plume::intent
