#include "eval/draft_eval.h"

#include <gtest/gtest.h>

#include "eval/text_similarity.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/test_util.h"
#include "util/files.h"

namespace plume::eval {
namespace {

TEST(TextSimilarityTest, RougeLHandComputed) {
  // LCS("le chat dort", "le chat noir dort") = 3: P = 1, R = 3/4, F1 = 6/7.
  EXPECT_NEAR(RougeL("Le chat dort.", "le chat noir dort"), 6.0 / 7.0, 1e-9);
  EXPECT_NEAR(RougeL("Éléphant", "elephant"), 1.0, 1e-9);
  EXPECT_EQ(RougeL("", "texte"), 0);
  EXPECT_EQ(RougeL("abc", "xyz"), 0);
}

TEST(TextSimilarityTest, ChrF) {
  EXPECT_NEAR(ChrF("congés payés", "congés payés"), 1.0, 1e-9);
  EXPECT_NEAR(ChrF("Congés  payés", "congéspayés"), 1.0, 1e-9) << "white space ignored";
  EXPECT_EQ(ChrF("abc", "xyz"), 0);
  double partial = ChrF("congés payés", "congés maladie");
  EXPECT_GT(partial, 0.2);
  EXPECT_LT(partial, 0.8);
}

TEST(DraftEvalTest, FindArticles) {
  EXPECT_EQ(FindArticles("l'article L.1221-19 et L 3141-3, puis R. 1234-9 ; L1221-19 encore"),
            (std::vector<std::string>{"L1221-19", "L3141-3", "R1234-9"}));
  EXPECT_TRUE(FindArticles("le 12-3 n'est pas un article").empty());
}

TEST(DraftEvalTest, LoadsTheRealFaq) {
  auto items = LoadFaq(plume::testing::SharedDataDir() / "faq-code-du-travail" / "faq.json");
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  ASSERT_EQ(items->size(), 55u);
  EXPECT_EQ(items->at(0).articles.at(0), "L1221-19");
  EXPECT_EQ(items->at(0).answer.find("<p>"), std::string::npos);
  int with_articles = 0;
  for (const auto& i : *items) with_articles += !i.articles.empty();
  EXPECT_GT(with_articles, 10);
}

TEST(DraftEvalTest, RejectsMalformedFiles) {
  plume::testing::TempDir dir;
  ASSERT_TRUE(util::WriteFileAtomic(dir.path() / "a.json", "{pas du json").ok());
  EXPECT_EQ(LoadFaq(dir.path() / "a.json").status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(util::WriteFileAtomic(dir.path() / "b.json", R"([{"question": 3}])").ok());
  EXPECT_EQ(LoadFaq(dir.path() / "b.json").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadFaq(dir.path() / "missing.json").status().code(), StatusCode::kNotFound);
}

// A drafter with scripted answers, standing for DraftService so the counting can be checked.
class ScriptedDrafter : public Drafter {
 public:
  Result<Draft> Generate(const DraftRequest& request) override {
    if (request.message.body == "échec") return Unavailable("modèle indisponible");
    Draft d;
    d.engine = request.message.body == "secours" ? "embedded" : request.engine;
    d.text =
        "Voir https://www.service-public.fr/ok et https://invente.example/x, "
        "appelez le 01 02 03 04 05.";
    d.sources.push_back({"salaries/article1", "Fiche", "https://www.service-public.fr/ok", ""});
    d.warnings.push_back("Lien retiré, absent des sources citées : https://autre.example");
    return d;
  }
  std::vector<std::string> Engines() const override { return {"generative"}; }
};

TEST(DraftEvalTest, CountsInventedValuesSourcesAndFailures) {
  plume::testing::TempDir dir;
  auto store = SqliteStore::Open((dir.path() / "p.db").string());
  ASSERT_TRUE(store.ok());
  KnowledgeDocument doc;
  doc.id = "salaries/article1";
  doc.fiche_id = "article1";
  doc.source = "travail";
  doc.kind = "fiche";
  doc.audience = "salaries";
  doc.title = "Fiche";
  doc.url = "https://www.service-public.fr/ok";
  doc.sections.push_back({{"Période d'essai"}, "Voir l'article L. 1221-19 du code du travail."});
  doc.content_hash = "h";
  ASSERT_TRUE((*store)->UpsertDocuments({doc}, 1).ok());

  std::vector<FaqItem> items = {
      {"Question ?", "Voir la réponse officielle, article L1221-19.", "T", {"L1221-19"}},
      {"secours", "Autre réponse.", "T", {}},
      {"échec", "x", "T", {"L1234-1"}}};
  ScriptedDrafter drafter;
  DraftEvalReport r = EvaluateDrafts(drafter, **store, items, "generative");
  EXPECT_EQ(r.questions, 3);
  EXPECT_EQ(r.drafted, 2);
  EXPECT_EQ(r.fallbacks, 1);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_NE(r.failures[0].find("question 2"), std::string::npos);
  EXPECT_EQ(r.with_known_articles, 1);
  EXPECT_EQ(r.citing_an_article_source, 1);
  EXPECT_EQ(r.urls, 4);
  EXPECT_EQ(r.invented_urls, 2);
  EXPECT_EQ(r.invented_phones, 2);
  EXPECT_EQ(r.masked_by_guard, 2);
  EXPECT_GT(r.rouge_l, 0);
}

}  // namespace
}  // namespace plume::eval
