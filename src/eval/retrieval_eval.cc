#include "eval/retrieval_eval.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>
#include <unordered_map>

#include "util/files.h"
#include "util/text.h"

namespace plume::eval {
namespace {

using json = nlohmann::json;

// ".../vosdroits/F40" -> "F40"; "" when the url is not a fiche url.
std::string VddFicheId(const std::string& url) {
  size_t pos = url.find("/vosdroits/");
  if (pos == std::string::npos) return {};
  std::string id = url.substr(pos + 11);
  id = id.substr(0, id.find_first_of("?#/"));
  return id;
}

// ".../article/la-periode-d-essai#anchor" -> "la-periode-d-essai"; last path segment otherwise.
std::string TravailSlug(const std::string& url) {
  std::string u = url.substr(0, url.find('#'));
  while (!u.empty() && u.back() == '/') u.pop_back();
  size_t pos = u.find("/article/");
  if (pos != std::string::npos) return u.substr(pos + 9);
  size_t slash = u.find_last_of('/');
  return slash == std::string::npos ? u : u.substr(slash + 1);
}

}  // namespace

Result<QuerySet> LoadCdtnQueries(const std::filesystem::path& file, Store& store) {
  PLUME_ASSIGN_OR_RETURN(std::string text, util::ReadFile(file));
  json root = json::parse(text, nullptr, false);
  if (root.is_discarded() || !root.is_array()) {
    return InvalidArgument(file.string() + ": expected a JSON array of query clusters");
  }
  // Fiche ids present in the knowledge base, and travail fiches by URL slug.
  std::set<std::string> vdd_ids;
  std::unordered_map<std::string, std::string> travail_by_slug;
  PLUME_RETURN_IF_ERROR(store.ForEachDocument(false, [&](const KnowledgeDocument& d) -> Status {
    if (d.source == "vdd") vdd_ids.insert(d.fiche_id);
    if (d.source == "travail") travail_by_slug[TravailSlug(d.url)] = d.fiche_id;
    return Status::Ok();
  }));

  QuerySet set;
  for (const auto& cluster : root) {
    if (!cluster.is_object()) continue;
    ++set.stats.clusters;
    std::map<std::string, int> relevance;
    auto refs = cluster.find("refs");
    if (refs != cluster.end() && refs->is_array()) {
      for (const auto& r : *refs) {
        const json& src = r.contains("_source") ? r["_source"] : json::object();
        std::string source = src.value("source", "");
        std::string url = src.value("url", "");
        ++set.stats.refs_by_source[source];
        int grade = r.contains("relevance") && r["relevance"].is_number_integer()
                        ? r["relevance"].get<int>()
                        : 1;
        std::string id;
        if (source == "fiches_service_public") {
          ++set.stats.refs_in_corpus;
          std::string f = VddFicheId(url);
          if (vdd_ids.count(f)) id = f;
        } else if (source == "fiches_ministere_travail") {
          ++set.stats.refs_in_corpus;
          auto it = travail_by_slug.find(TravailSlug(url));
          if (it != travail_by_slug.end()) id = it->second;
        } else {
          continue;
        }
        if (id.empty()) {
          set.stats.unmapped.push_back(url);
          continue;
        }
        ++set.stats.refs_mapped;
        relevance[id] = std::max(relevance[id], std::max(grade, 1));
      }
    }
    auto variants = cluster.find("variants");
    if (variants == cluster.end() || !variants->is_array()) continue;
    std::set<std::string> seen;
    for (const auto& v : *variants) {
      if (!v.is_string()) continue;
      ++set.stats.variants;
      std::string q = v.get<std::string>();
      if (util::Trim(q).empty()) continue;  // a few variants are blank
      if (relevance.empty() || !seen.insert(q).second) continue;
      set.queries.push_back({q, cluster.value("title", ""), relevance});
    }
  }
  set.stats.queries_kept = static_cast<int64_t>(set.queries.size());
  return set;
}

QueryScore ScoreRanking(const std::vector<std::string>& ranked_in,
                        const std::map<std::string, int>& relevance) {
  std::vector<std::string> ranked;
  std::set<std::string> seen;
  for (const auto& id : ranked_in) {
    if (seen.insert(id).second) ranked.push_back(id);
  }
  QueryScore s;
  if (relevance.empty()) return s;
  auto found_in_top = [&](size_t k) {
    size_t n = 0;
    for (size_t i = 0; i < std::min(k, ranked.size()); ++i) n += relevance.count(ranked[i]);
    return n;
  };
  const double total = static_cast<double>(relevance.size());
  s.recall_at_1 = static_cast<double>(found_in_top(1)) / total;
  s.recall_at_5 = static_cast<double>(found_in_top(5)) / total;
  s.recall_at_10 = static_cast<double>(found_in_top(10)) / total;
  s.success_at_1 = found_in_top(1) > 0;
  s.success_at_5 = found_in_top(5) > 0;
  s.success_at_10 = found_in_top(10) > 0;
  for (size_t i = 0; i < std::min<size_t>(10, ranked.size()); ++i) {
    if (relevance.count(ranked[i])) {
      s.rr_at_10 = 1.0 / static_cast<double>(i + 1);
      break;
    }
  }
  double dcg = 0;
  for (size_t i = 0; i < std::min<size_t>(10, ranked.size()); ++i) {
    auto it = relevance.find(ranked[i]);
    if (it != relevance.end()) dcg += (std::pow(2.0, it->second) - 1) / std::log2(i + 2.0);
  }
  std::vector<int> grades;
  for (const auto& [id, g] : relevance) grades.push_back(g);
  std::sort(grades.rbegin(), grades.rend());
  double idcg = 0;
  for (size_t i = 0; i < std::min<size_t>(10, grades.size()); ++i) {
    idcg += (std::pow(2.0, grades[i]) - 1) / std::log2(i + 2.0);
  }
  s.ndcg_at_10 = idcg > 0 ? dcg / idcg : 0;
  return s;
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  double rank = std::ceil(p / 100.0 * static_cast<double>(values.size()));
  size_t idx = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return values[std::min(idx, values.size() - 1)];
}

Metrics Evaluate(const QuerySet& set, const RankFunction& rank) {
  Metrics m;
  std::vector<double> latencies;
  for (const auto& q : set.queries) {
    auto start = std::chrono::steady_clock::now();
    auto ranked = rank(q.text);
    latencies.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    std::vector<std::string> ids;
    if (ranked.ok()) {
      ids = std::move(ranked).value();
    } else {
      ++m.failures;
    }
    QueryScore s = ScoreRanking(ids, q.relevance);
    m.recall_at_1 += s.recall_at_1;
    m.recall_at_5 += s.recall_at_5;
    m.recall_at_10 += s.recall_at_10;
    m.success_at_1 += s.success_at_1;
    m.success_at_5 += s.success_at_5;
    m.success_at_10 += s.success_at_10;
    m.mrr_at_10 += s.rr_at_10;
    m.ndcg_at_10 += s.ndcg_at_10;
  }
  m.queries = static_cast<int64_t>(set.queries.size());
  if (m.queries > 0) {
    const double n = static_cast<double>(m.queries);
    for (double* v : {&m.recall_at_1, &m.recall_at_5, &m.recall_at_10, &m.success_at_1,
                      &m.success_at_5, &m.success_at_10, &m.mrr_at_10, &m.ndcg_at_10}) {
      *v /= n;
    }
    double sum = 0;
    for (double l : latencies) sum += l;
    m.latency_mean_ms = sum / n;
  }
  m.latency_p50_ms = Percentile(latencies, 50);
  m.latency_p99_ms = Percentile(latencies, 99);
  return m;
}

}  // namespace plume::eval
