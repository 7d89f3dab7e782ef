#include "draft/sources.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "util/text.h"

namespace plume::draft {

std::string QueryFor(const Message& message) {
  std::string q = message.subject;
  if (!q.empty()) q += "\n";
  q += message.body;
  return std::string(util::TruncateUtf8(q, kMaxQueryBytes));
}

void ApplyIntentNarrowing(const IntentNarrowing& narrowing, const Message& message,
                          SearchRequest* request) {
  if (narrowing.other_theme_weight >= 1 || narrowing.themes.empty()) return;
  std::string intent = message.intent;
  if (intent.empty() && narrowing.predict) intent = narrowing.predict(message);
  auto it = narrowing.themes.find(intent);
  if (it == narrowing.themes.end()) return;  // "a-qualifier", unknown or no intent
  request->themes = it->second;
  request->other_theme_weight = std::clamp(narrowing.other_theme_weight, 0.0, 1.0);
}

Result<std::vector<RetrievedSource>> FindSources(Store& store, const Retriever& retriever,
                                                 const Message& message, int limit,
                                                 const IntentNarrowing& narrowing) {
  SearchRequest req;
  req.query = QueryFor(message);
  req.limit = std::min(limit * 3, 100);
  req.with_snippets = false;
  std::vector<RetrievedSource> out;
  if (util::Trim(req.query).empty()) return out;
  ApplyIntentNarrowing(narrowing, message, &req);
  PLUME_ASSIGN_OR_RETURN(std::vector<SearchHit> hits, retriever.Search(req));
  for (auto& hit : hits) {
    std::string_view audience =
        std::string_view(hit.document_id).substr(0, hit.document_id.find('/'));
    if (audience != "particuliers" && audience != "travail") hit.score *= kOtherAudienceWeight;
  }
  std::stable_sort(hits.begin(), hits.end(),
                   [](const SearchHit& a, const SearchHit& b) { return a.score > b.score; });
  if (hits.size() > static_cast<size_t>(limit)) hits.resize(limit);
  for (auto& hit : hits) {
    auto doc = store.GetDocument(hit.document_id);
    if (!doc.ok()) {
      if (doc.status().code() == StatusCode::kNotFound) continue;
      return doc.status();
    }
    out.push_back({std::move(hit), std::move(doc).value()});
  }
  return out;
}

double Coverage(const std::vector<std::string>& message_terms, const KnowledgeDocument& doc,
                const retrieval::StopWords& stop_words) {
  std::set<std::string> wanted(message_terms.begin(), message_terms.end());
  if (wanted.empty()) return 0;
  std::vector<std::string> doc_terms = retrieval::StemmedTerms(doc.FullText(), stop_words);
  std::set<std::string> have(doc_terms.begin(), doc_terms.end());
  size_t hit = 0;
  for (const auto& t : wanted) hit += have.count(t);
  return static_cast<double>(hit) / static_cast<double>(wanted.size());
}

std::string FrenchDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return std::string(d);
  return std::string(d.substr(8, 2)) + "/" + std::string(d.substr(5, 2)) + "/" +
         std::string(d.substr(0, 4));
}

int MonthsSince(std::string_view d, int64_t now_ms) {
  if (d.size() < 10) return -1;
  int y = 0, m = 0, day = 0;
  if (std::sscanf(std::string(d.substr(0, 10)).c_str(), "%d-%d-%d", &y, &m, &day) != 3) return -1;
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(m)},
                     std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return -1;
  auto then = sys_days{ymd};
  auto now = floor<days>(sys_time<milliseconds>{milliseconds{now_ms}});
  auto elapsed = (now - then).count();
  if (elapsed < 0) return 0;
  return static_cast<int>(static_cast<double>(elapsed) / 30.4375);
}

DraftSource ToDraftSource(const KnowledgeDocument& doc) {
  return {doc.id, doc.title, doc.url, doc.source_date};
}

}  // namespace plume::draft
