#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "eval/retrieval_eval.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/test_util.h"

namespace plume::eval {
namespace {

TEST(ScoreRankingTest, HandComputedValues) {
  std::map<std::string, int> rel = {{"F1", 3}, {"F2", 1}};
  // Relevant F2 at rank 2, F1 at rank 4; duplicates are removed before scoring.
  QueryScore s = ScoreRanking({"X", "F2", "X", "Y", "F1"}, rel);
  EXPECT_DOUBLE_EQ(s.recall_at_1, 0.0);
  EXPECT_DOUBLE_EQ(s.recall_at_5, 1.0);
  EXPECT_DOUBLE_EQ(s.success_at_1, 0.0);
  EXPECT_DOUBLE_EQ(s.success_at_5, 1.0);
  EXPECT_DOUBLE_EQ(s.rr_at_10, 0.5);
  double dcg = (std::pow(2, 1) - 1) / std::log2(3) + (std::pow(2, 3) - 1) / std::log2(5);
  double idcg = (std::pow(2, 3) - 1) / std::log2(2) + (std::pow(2, 1) - 1) / std::log2(3);
  EXPECT_NEAR(s.ndcg_at_10, dcg / idcg, 1e-12);
  QueryScore perfect = ScoreRanking({"F1", "F2"}, rel);
  EXPECT_DOUBLE_EQ(perfect.ndcg_at_10, 1.0);
  EXPECT_DOUBLE_EQ(perfect.recall_at_1, 0.5);
  QueryScore empty = ScoreRanking({}, rel);
  EXPECT_DOUBLE_EQ(empty.ndcg_at_10, 0.0);
}

TEST(PercentileTest, NearestRank) {
  EXPECT_DOUBLE_EQ(Percentile({}, 50), 0);
  EXPECT_DOUBLE_EQ(Percentile({5, 1, 3, 2, 4}, 50), 3);
  EXPECT_DOUBLE_EQ(Percentile({5, 1, 3, 2, 4}, 99), 5);
  EXPECT_DOUBLE_EQ(Percentile({5, 1, 3, 2, 4}, 0), 1);
}

TEST(LoadCdtnQueriesTest, MapsReferencesToStoredFiches) {
  testing::TempDir dir;
  auto store = SqliteStore::Open((dir.path() / "db").string());
  ASSERT_TRUE(store.ok());
  KnowledgeDocument f40;
  f40.id = "particuliers/F40";
  f40.fiche_id = "F40";
  f40.source = "vdd";
  f40.kind = "F";
  f40.title = "Fin d'un CDD";
  f40.url = "https://www.service-public.fr/particuliers/vosdroits/F40";
  KnowledgeDocument t = f40;
  t.id = "travail/article1";
  t.fiche_id = "article1";
  t.source = "travail";
  t.url = "https://travail-emploi.gouv.fr/la-periode-dessai";
  ASSERT_TRUE((*store)->UpsertDocuments({f40, t}, 1).ok());
  auto file = dir.path() / "q.json";
  std::ofstream(file) << R"([
    {"title":"fin-cdd","theme":"CDD","variants":["fin cdd","fin de cdd",""," ","fin cdd"],
     "refs":[{"_source":{"source":"fiches_service_public","url":"https://www.service-public.fr/particuliers/vosdroits/F40"},"relevance":5},
             {"_source":{"source":"fiches_service_public","url":"https://www.service-public.fr/particuliers/vosdroits/F99999"},"relevance":3},
             {"_source":{"source":"fiches_ministere_travail","url":"https://travail-emploi.gouv.fr/droit-du-travail/x/article/la-periode-dessai#a"},"relevance":null},
             {"_source":{"source":"code_du_travail","url":"https://www.legifrance.gouv.fr/x"},"relevance":4}]},
    {"title":"sans-ref","variants":["rien"],"refs":[]}
  ])";
  auto set = LoadCdtnQueries(file, **store);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->stats.clusters, 2);
  EXPECT_EQ(set->stats.refs_in_corpus, 3);
  EXPECT_EQ(set->stats.refs_mapped, 2);
  ASSERT_EQ(set->stats.unmapped.size(), 1u);
  ASSERT_EQ(set->queries.size(), 2u);  // blank and duplicate variants dropped, no-ref cluster too
  EXPECT_EQ(set->queries[0].relevance.at("F40"), 5);
  EXPECT_EQ(set->queries[0].relevance.at("article1"), 1);

  Metrics m = Evaluate(*set, [](const std::string&) -> Result<std::vector<std::string>> {
    return std::vector<std::string>{"F40"};
  });
  EXPECT_EQ(m.queries, 2);
  EXPECT_DOUBLE_EQ(m.recall_at_1, 0.5);
  EXPECT_DOUBLE_EQ(m.success_at_1, 1.0);
  Metrics failing = Evaluate(*set, [](const std::string&) -> Result<std::vector<std::string>> {
    return Unavailable("down");
  });
  EXPECT_EQ(failing.failures, 2);
  EXPECT_DOUBLE_EQ(failing.recall_at_10, 0.0);

  std::ofstream(dir.path() / "bad.json") << "{";
  EXPECT_EQ(LoadCdtnQueries(dir.path() / "bad.json", **store).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadCdtnQueries(dir.path() / "absent.json", **store).status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace plume::eval
