// Bm25ThemeClassifier: baseline intent classifier with no training: retrieve the nearest
// knowledge documents with BM25 and take their taxonomy theme (breadcrumb level 1).
//
// With neighbors == 1 the label is the theme of the best hit; with more, themes vote with the
// hits' BM25 scores and the confidence is the winner's share of the votes. Hits whose document
// has no theme in the taxonomy are skipped.
//
// Thread-safety: Predict() may be called concurrently (the Retriever is thread-safe, the theme
// map is immutable). Borrows the retriever, which must outlive this object.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "intent/taxonomy.h"
#include "plume/intent.h"
#include "plume/retriever.h"
#include "plume/store.h"

namespace plume::intent {

class Bm25ThemeClassifier final : public IntentClassifier {
 public:
  // Reads every active document's theme from `store` once. `neighbors` in 1..50.
  // Errors: store errors; kInvalidArgument for a bad neighbors or threshold.
  static Result<std::unique_ptr<Bm25ThemeClassifier>> Create(const Retriever& retriever,
                                                             Store& store, const Taxonomy& taxonomy,
                                                             int neighbors, double threshold);

  Result<IntentPrediction> Predict(std::string_view text, int k = 3) const override;
  // Same, ignoring hits on fiche `exclude_fiche_id` (evaluation on fiche titles: the fiche the
  // title comes from must not vote for its own theme).
  Result<IntentPrediction> PredictExcluding(std::string_view text, int k,
                                            const std::string& exclude_fiche_id) const;
  std::string Name() const override;

 private:
  Bm25ThemeClassifier(const Retriever& retriever, std::map<std::string, std::string> themes,
                      int neighbors, double threshold)
      : retriever_(retriever),
        themes_(std::move(themes)),
        neighbors_(neighbors),
        threshold_(threshold) {}
  const Retriever& retriever_;
  std::map<std::string, std::string> themes_;  // document id -> label
  int neighbors_;
  double threshold_;
};

}  // namespace plume::intent
