// BM25 retrieval over a real Xapian index of real fiches.
#include "retrieval/bm25_retriever.h"

#include <gtest/gtest.h>

#include <thread>

#include "retrieval/analyzer.h"
#include "testing/kb_fixture.h"

namespace plume::retrieval {
namespace {

class Bm25Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    kb_ = new testing::KbFixture(testing::BuildKbFixture(dir_->path()));
  }
  static void TearDownTestSuite() {
    delete kb_;
    delete dir_;
  }
  static Result<std::vector<SearchHit>> Search(const std::string& q, int limit = 5) {
    SearchRequest r;
    r.query = q;
    r.limit = limit;
    return kb_->retriever->Search(r);
  }
  static int RankOf(const std::vector<SearchHit>& hits, const std::string& fiche) {
    for (size_t i = 0; i < hits.size(); ++i) {
      if (hits[i].fiche_id == fiche) return static_cast<int>(i) + 1;
    }
    return -1;
  }

  static testing::TempDir* dir_;
  static testing::KbFixture* kb_;
};
testing::TempDir* Bm25Test::dir_ = nullptr;
testing::KbFixture* Bm25Test::kb_ = nullptr;

TEST_F(Bm25Test, FindsTheFicheForACitizenQuestion) {
  auto hits = Search("J'ai perdu ma carte d'identité, que dois-je faire ?");
  ASSERT_TRUE(hits.ok()) << hits.status().ToString();
  ASSERT_FALSE(hits->empty());
  int rank = RankOf(*hits, "F1344");
  EXPECT_GE(rank, 1);
  EXPECT_LE(rank, 2);
  const SearchHit& h = (*hits)[static_cast<size_t>(rank - 1)];
  EXPECT_EQ(h.url, "https://www.service-public.fr/particuliers/vosdroits/F1344");
  EXPECT_EQ(h.document_id, "particuliers/F1344");
  EXPECT_FALSE(h.snippet.empty());
  EXPECT_EQ(h.source_date, "2020-08-26");
}

TEST_F(Bm25Test, AccentsAndElisionsDoNotMatter) {
  auto with = Search("faute grave licenciement indemnités");
  auto without = Search("FAUTE GRAVE licenciement indemnites");
  ASSERT_TRUE(with.ok());
  ASSERT_TRUE(without.ok());
  ASSERT_FALSE(with->empty());
  EXPECT_EQ(with->front().fiche_id, without->front().fiche_id);
  EXPECT_EQ(RankOf(*with, "F1137"), 1);
}

TEST_F(Bm25Test, OneHitPerDocumentWithItsBestSection) {
  auto hits = Search("faute lourde conditions", 10);
  ASSERT_TRUE(hits.ok());
  std::set<std::string> ids;
  for (const auto& h : *hits) EXPECT_TRUE(ids.insert(h.document_id).second) << h.document_id;
  ASSERT_GE(RankOf(*hits, "F1137"), 1);
  EXPECT_NE((*hits)[static_cast<size_t>(RankOf(*hits, "F1137") - 1)].section_path.find("Faute"),
            std::string::npos);
}

TEST_F(Bm25Test, FiltersAndResources) {
  SearchRequest r;
  r.query = "contrat de travail";
  r.limit = 10;
  r.source = "travail";
  auto hits = kb_->retriever->Search(r);
  ASSERT_TRUE(hits.ok());
  ASSERT_FALSE(hits->empty());
  for (const auto& h : *hits) EXPECT_EQ(h.document_id.rfind("travail/", 0), 0u);
  r.source.clear();
  r.audience = "associations";
  hits = kb_->retriever->Search(r);
  ASSERT_TRUE(hits.ok());
  for (const auto& h : *hits) EXPECT_EQ(h.document_id.rfind("associations/", 0), 0u);
  // R fiches (online services) only when asked for.
  r.audience.clear();
  r.query = "pré-demande carte identité ANTS";
  r.limit = 20;
  hits = kb_->retriever->Search(r);
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ(RankOf(*hits, "R45668"), -1);
  r.include_resources = true;
  hits = kb_->retriever->Search(r);
  ASSERT_TRUE(hits.ok());
  EXPECT_GE(RankOf(*hits, "R45668"), 1);
}

TEST_F(Bm25Test, BadQueriesAreRejected) {
  EXPECT_EQ(Search("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Search("   \n ").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Search(std::string(1 << 20, 'a')).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Search("carte \xff\xfe").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Search("carte", 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Search("carte", 101).status().code(), StatusCode::kInvalidArgument);
  // Query syntax characters are plain text, not operators.
  auto hits = Search("carte AND (identité OR \"passeport\") -perte title:x*");
  EXPECT_TRUE(hits.ok()) << hits.status().ToString();
  // Only stop words: valid, no result.
  auto none = Search("le la les de des");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(Bm25Test, MissingIndexIsAFailedPrecondition) {
  auto sw = StopWords::Load(StopWordsPath(testing::ResourceDir()));
  ASSERT_TRUE(sw.ok());
  auto r = Bm25Retriever::Open(dir_->path() / "no-index", *sw);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(Bm25Test, ConcurrentSearchesAgree) {
  auto expected = Search("indemnité de licenciement");
  ASSERT_TRUE(expected.ok());
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        auto hits = Search("indemnité de licenciement");
        if (!hits.ok() || hits->size() != expected->size() ||
            hits->front().fiche_id != expected->front().fiche_id) {
          ++mismatches;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

// Theme key of a hit's document, as SearchRequest::themes takes it.
std::string ThemeOf(Store& store, const SearchHit& hit) {
  auto doc = store.GetDocument(hit.document_id);
  if (!doc.ok() || doc->breadcrumb.size() < 2) return "";
  return doc->audience + "/" + doc->breadcrumb[1].label;
}

// Issue #6: a query that several themes answer. Narrowing to the theme of a lower-ranked hit
// brings it to the top (filter) or scales every other theme's score (boost), leaving the
// theme's own scores untouched.
TEST_F(Bm25Test, IntentThemesNarrowAnAmbiguousQuery) {
  const std::string query = "arrêt maladie licenciement indemnités journalières salarié";
  SearchRequest r;
  r.query = query;
  r.limit = 20;
  r.audience = "particuliers";  // fiches with a breadcrumb theme
  auto plain = kb_->retriever->Search(r);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  ASSERT_GE(plain->size(), 5u);
  const std::string top_theme = ThemeOf(*kb_->store, plain->front());
  ASSERT_FALSE(top_theme.empty());
  // The best hit of another theme.
  size_t other = 0;
  for (size_t i = 1; i < plain->size() && other == 0; ++i) {
    const std::string t = ThemeOf(*kb_->store, (*plain)[i]);
    if (!t.empty() && t != top_theme) other = i;
  }
  ASSERT_GT(other, 0u) << "the query should be answered by two themes";
  const std::string theme = ThemeOf(*kb_->store, (*plain)[other]);

  r.themes = {theme};
  r.other_theme_weight = 0;  // filter
  auto filtered = kb_->retriever->Search(r);
  ASSERT_TRUE(filtered.ok()) << filtered.status().ToString();
  ASSERT_FALSE(filtered->empty());
  EXPECT_EQ(filtered->front().document_id, (*plain)[other].document_id);
  for (const auto& h : *filtered) EXPECT_EQ(ThemeOf(*kb_->store, h), theme) << h.document_id;

  r.other_theme_weight = 0.5;  // boost: other themes keep half their score
  auto boosted = kb_->retriever->Search(r);
  ASSERT_TRUE(boosted.ok()) << boosted.status().ToString();
  EXPECT_LT(RankOf(*boosted, (*plain)[other].fiche_id), RankOf(*plain, (*plain)[other].fiche_id));
  int compared = 0;
  for (const auto& h : *boosted) {
    for (const auto& p : *plain) {
      if (p.document_id != h.document_id || p.section_path != h.section_path) continue;
      const double expected = ThemeOf(*kb_->store, h) == theme ? p.score : 0.5 * p.score;
      EXPECT_NEAR(h.score, expected, 1e-9 * p.score) << h.document_id;
      ++compared;
    }
  }
  EXPECT_GE(compared, 5);

  r.other_theme_weight = 1;  // no effect
  auto same = kb_->retriever->Search(r);
  ASSERT_TRUE(same.ok());
  ASSERT_EQ(same->size(), plain->size());
  for (size_t i = 0; i < same->size(); ++i) {
    EXPECT_EQ((*same)[i].document_id, (*plain)[i].document_id);
  }
}

TEST_F(Bm25Test, IntentThemeOfAWholeAudienceAndBadWeight) {
  SearchRequest r;
  r.query = "association déclaration assemblée générale";
  r.limit = 10;
  r.themes = {"associations/*"};
  r.other_theme_weight = 0;
  auto hits = kb_->retriever->Search(r);
  ASSERT_TRUE(hits.ok()) << hits.status().ToString();
  ASSERT_FALSE(hits->empty());
  for (const auto& h : *hits)
    EXPECT_EQ(h.document_id.rfind("associations/", 0), 0u) << h.document_id;
  // A theme no document has: the filter leaves nothing, the boost changes nothing.
  r.themes = {"particuliers/Aucun thème"};
  auto none = kb_->retriever->Search(r);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  r.other_theme_weight = 1.5;
  EXPECT_EQ(kb_->retriever->Search(r).status().code(), StatusCode::kInvalidArgument);
  r.other_theme_weight = -0.1;
  EXPECT_EQ(kb_->retriever->Search(r).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(Bm25Test, RebuiltIndexIsSeenAfterReopen) {
  ASSERT_TRUE(kb_->store->MarkWithdrawn({"particuliers/F1344"}, 1).ok());
  auto sw = StopWords::Load(StopWordsPath(testing::ResourceDir()));
  NullProgress progress;
  ASSERT_TRUE(BuildIndex(*kb_->store, kb_->index_dir, *sw, progress).ok());
  ASSERT_TRUE(kb_->retriever->Reopen().ok());
  auto hits = Search("perte carte d'identité majeur", 10);
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ(RankOf(*hits, "F1344"), -1) << "withdrawn fiches are not searchable";
  auto indexed = IndexedKnowledgeVersion(kb_->index_dir);
  ASSERT_TRUE(indexed.ok());
  EXPECT_EQ(*indexed, *kb_->store->KnowledgeVersion());
}

TEST(AnalyzerTest, NormalizeForIndex) {
  EXPECT_EQ(NormalizeForIndex("L'Été d’Hélène"), "l ete d helene");
}

}  // namespace
}  // namespace plume::retrieval
