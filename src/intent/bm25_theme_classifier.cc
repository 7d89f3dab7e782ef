#include "intent/bm25_theme_classifier.h"

#include <algorithm>
#include <vector>

#include "intent/fasttext_classifier.h"
#include "util/text.h"

namespace plume::intent {

Result<std::unique_ptr<Bm25ThemeClassifier>> Bm25ThemeClassifier::Create(const Retriever& retriever,
                                                                         Store& store,
                                                                         const Taxonomy& taxonomy,
                                                                         int neighbors,
                                                                         double threshold) {
  if (neighbors < 1 || neighbors > 50) return InvalidArgument("neighbors must be in 1..50");
  if (!(threshold >= 0 && threshold <= 1)) return InvalidArgument("threshold must be in [0, 1]");
  std::map<std::string, std::string> themes;
  PLUME_RETURN_IF_ERROR(store.ForEachDocument(false, [&](const KnowledgeDocument& doc) -> Status {
    std::string label = taxonomy.LabelForDocument(doc);
    if (!label.empty()) themes.emplace(doc.id, std::move(label));
    return Status::Ok();
  }));
  return std::unique_ptr<Bm25ThemeClassifier>(
      new Bm25ThemeClassifier(retriever, std::move(themes), neighbors, threshold));
}

std::string Bm25ThemeClassifier::Name() const {
  return neighbors_ == 1 ? "bm25-top1" : "bm25-vote" + std::to_string(neighbors_);
}

Result<IntentPrediction> Bm25ThemeClassifier::Predict(std::string_view text, int k) const {
  return PredictExcluding(text, k, "");
}

Result<IntentPrediction> Bm25ThemeClassifier::PredictExcluding(
    std::string_view text, int k, const std::string& exclude_fiche_id) const {
  PLUME_ASSIGN_OR_RETURN(std::string norm, ValidateIntentText(text, k));
  SearchRequest req;
  req.query = std::string(util::TruncateUtf8(text, kMaxQueryBytes));
  req.limit = std::min(100, neighbors_ + 10);  // room for skipped hits
  req.with_snippets = false;
  IntentPrediction p;
  auto hits = retriever_.Search(req);
  if (!hits.ok()) {
    // Only stop words: no hit and no evidence, like an unknown text for fastText.
    if (hits.status().code() != StatusCode::kInvalidArgument) return hits.status();
    hits = std::vector<SearchHit>{};
  }
  std::map<std::string, double> votes;
  double total = 0;
  int used = 0;
  for (const auto& h : *hits) {
    if (used >= neighbors_) break;
    if (!exclude_fiche_id.empty() && h.fiche_id == exclude_fiche_id) continue;
    auto it = themes_.find(h.document_id);
    if (it == themes_.end()) continue;
    double w = neighbors_ == 1 ? 1.0 : std::max(h.score, 1e-9);
    votes[it->second] += w;
    total += w;
    ++used;
  }
  for (const auto& [label, v] : votes) p.top.push_back({label, v / total});
  std::stable_sort(p.top.begin(), p.top.end(), [](const IntentScore& a, const IntentScore& b) {
    return a.confidence > b.confidence;
  });
  if (p.top.size() > static_cast<size_t>(k)) p.top.resize(static_cast<size_t>(k));
  if (p.top.empty()) {
    p.label = std::string(kToQualifyIntent);
    p.to_qualify = true;
    p.reason = "aucune fiche proche trouvée";
  } else if (p.top[0].confidence < threshold_) {
    p.label = std::string(kToQualifyIntent);
    p.to_qualify = true;
    p.confidence = p.top[0].confidence;
    p.reason = "confiance inférieure au seuil";
  } else {
    p.label = p.top[0].label;
    p.confidence = p.top[0].confidence;
  }
  return p;
}

}  // namespace plume::intent
