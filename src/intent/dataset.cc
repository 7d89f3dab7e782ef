#include "intent/dataset.h"

#include <nlohmann/json.hpp>
#include <set>
#include <unordered_set>

#include "retrieval/analyzer.h"
#include "util/files.h"
#include "util/hash.h"

namespace plume::intent {

using json = nlohmann::json;

std::string_view ToString(Split s) {
  switch (s) {
    case Split::kTrain:
      return "train";
    case Split::kDev:
      return "dev";
    case Split::kTest:
      return "test";
  }
  return "unknown";
}

bool ParseSplit(std::string_view text, Split* out) {
  for (Split s : {Split::kTrain, Split::kDev, Split::kTest}) {
    if (ToString(s) == text) {
      *out = s;
      return true;
    }
  }
  return false;
}

Split SplitOf(std::string_view group) {
  std::string hex = util::ContentHash(group).substr(0, 8);
  uint32_t bucket = static_cast<uint32_t>(std::stoul(hex, nullptr, 16)) % 10;
  if (bucket < 7) return Split::kTrain;
  if (bucket == 7) return Split::kDev;
  return Split::kTest;
}

std::string NormalizeForIntent(std::string_view text) {
  std::string folded = retrieval::NormalizeForIndex(text);
  std::string out;
  out.reserve(folded.size());
  bool pending_space = false;
  for (char c : folded) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9')) {
      if (pending_space && !out.empty()) out += ' ';
      pending_space = false;
      out += c;
    } else {
      pending_space = true;
    }
  }
  return out;
}

Result<std::vector<LabeledExample>> LoadCdtnExamples(const std::filesystem::path& file,
                                                     const Taxonomy& taxonomy,
                                                     DatasetStats* stats) {
  PLUME_ASSIGN_OR_RETURN(std::string text, util::ReadFile(file));
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_array()) {
    return InvalidArgument(file.string() + ": expected a JSON array of query clusters");
  }
  std::vector<LabeledExample> out;
  int index = 0;
  for (const auto& cluster : root) {
    ++index;
    if (!cluster.is_object())
      return InvalidArgument(file.string() + ": a cluster is not an object");
    auto variants = cluster.find("variants");
    if (variants == cluster.end() || !variants->is_array()) {
      return InvalidArgument(file.string() + ": cluster " + std::to_string(index) +
                             " has no 'variants' array");
    }
    std::string theme;
    if (auto t = cluster.find("theme"); t != cluster.end() && t->is_string()) theme = *t;
    std::string id = std::to_string(index);
    if (auto i = cluster.find("id"); i != cluster.end()) {
      id = i->is_string() ? i->get<std::string>() : i->dump();
    }
    std::string label = taxonomy.LabelForCdtnTheme(theme);
    stats->cdtn_clusters++;
    for (const auto& v : *variants) {
      if (!v.is_string()) continue;
      stats->cdtn_variants++;
      if (label.empty()) {
        stats->unlabeled_dropped++;
        continue;
      }
      out.push_back({v.get<std::string>(), label, "cdtn:" + id, "cdtn", ""});
    }
  }
  return out;
}

Result<std::vector<LabeledExample>> LoadFicheExamples(Store& store, const Taxonomy& taxonomy,
                                                      DatasetStats* stats) {
  auto rank = [](std::string_view audience) {
    if (audience == "particuliers") return 0;
    if (audience == "professionnels") return 1;
    return 2;
  };
  std::map<std::string, std::pair<int, LabeledExample>> best;  // fiche id -> (rank, example)
  PLUME_RETURN_IF_ERROR(store.ForEachDocument(false, [&](const KnowledgeDocument& doc) -> Status {
    if (doc.source != "vdd" || doc.type.rfind("Fiche Question-réponse", 0) != 0) {
      return Status::Ok();
    }
    std::string label = taxonomy.LabelForDocument(doc);
    if (label.empty()) {
      stats->unlabeled_dropped++;
      return Status::Ok();
    }
    int r = rank(doc.audience);
    auto it = best.find(doc.fiche_id);
    if (it == best.end() || r < it->second.first) {
      best[doc.fiche_id] = {r,
                            {doc.title, label, "fiche:" + doc.fiche_id, "fiche-qr", doc.fiche_id}};
    }
    return Status::Ok();
  }));
  std::vector<LabeledExample> out;
  out.reserve(best.size());
  for (auto& [id, entry] : best) out.push_back(std::move(entry.second));
  stats->fiches = static_cast<int64_t>(out.size());
  return out;
}

Dataset MergeExamples(std::vector<std::vector<LabeledExample>> sources, DatasetStats stats) {
  Dataset ds;
  std::unordered_set<std::string> seen;
  std::string digest_input;
  for (auto& source : sources) {
    for (auto& ex : source) {
      std::string norm = NormalizeForIntent(ex.text);
      if (norm.empty() || !seen.insert(norm).second) {
        stats.duplicates_dropped++;
        continue;
      }
      digest_input += ex.text + '\t' + ex.label + '\t' + ex.group + '\n';
      ds.examples.push_back(std::move(ex));
    }
  }
  ds.stats = stats;
  ds.hash = util::ContentHash(digest_input);
  return ds;
}

std::vector<LabeledExample> SelectSplit(const std::vector<LabeledExample>& examples, Split split) {
  std::vector<LabeledExample> out;
  for (const auto& ex : examples) {
    Split s = ex.origin == "correction" ? Split::kTrain : SplitOf(ex.group);
    if (s == split) out.push_back(ex);
  }
  return out;
}

}  // namespace plume::intent
