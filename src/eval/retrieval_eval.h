// Retrieval evaluation on graded query sets (Code du travail numérique "datafiller" clusters).
//
// Each cluster has query variants and graded references (1..5) to documents. References to
// service-public.fr fiches (by URL .../vosdroits/F40) and to travail-emploi.gouv.fr fiches (by
// article slug) are mapped to knowledge-base fiche ids; references to sources Plume does not hold
// (Code du travail articles, FAQ, letter templates...) are counted as out of corpus.
// Relevance is judged per fiche id, whatever the audience copy a system returns.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "plume/status.h"
#include "plume/store.h"

namespace plume::eval {

struct EvalQuery {
  std::string text;
  std::string cluster;
  std::map<std::string, int> relevance;  // fiche id -> grade (1..5)
};

struct QuerySetStats {
  int64_t clusters = 0;
  int64_t variants = 0;
  int64_t queries_kept = 0;                      // variants with at least one mapped reference
  std::map<std::string, int64_t> refs_by_source;  // all references, by their source
  int64_t refs_in_corpus = 0;                     // references to sources Plume ingests
  int64_t refs_mapped = 0;                        // ... that were found in the knowledge base
  std::vector<std::string> unmapped;              // urls of in-corpus references not found
};

struct QuerySet {
  std::vector<EvalQuery> queries;
  QuerySetStats stats;
};

// Reads the query set and maps references using the documents in `store`.
// Errors: those of reading the file; kInvalidArgument when it is not the expected JSON.
Result<QuerySet> LoadCdtnQueries(const std::filesystem::path& file, Store& store);

struct Metrics {
  double recall_at_1 = 0, recall_at_5 = 0, recall_at_10 = 0;
  double success_at_1 = 0, success_at_5 = 0, success_at_10 = 0;
  double mrr_at_10 = 0;
  double ndcg_at_10 = 0;
  double latency_p50_ms = 0, latency_p99_ms = 0, latency_mean_ms = 0;
  int64_t queries = 0;
  int64_t failures = 0;  // queries the system returned an error for (scored as empty results)
};

// Ranked fiche ids for a query (best first, duplicates allowed: they are removed).
using RankFunction = std::function<Result<std::vector<std::string>>(const std::string& query)>;

// Scores one ranked list against graded relevance (exposed for tests).
struct QueryScore {
  double recall_at_1 = 0, recall_at_5 = 0, recall_at_10 = 0;
  double success_at_1 = 0, success_at_5 = 0, success_at_10 = 0;
  double rr_at_10 = 0;
  double ndcg_at_10 = 0;
};
QueryScore ScoreRanking(const std::vector<std::string>& ranked,
                        const std::map<std::string, int>& relevance);

// Runs every query through `rank`, timing each call.
Metrics Evaluate(const QuerySet& set, const RankFunction& rank);

// p in [0, 100]; nearest-rank percentile of `values` (empty: 0).
double Percentile(std::vector<double> values, double p);

}  // namespace plume::eval
