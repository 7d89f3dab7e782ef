// Keeping a node's local index in step with the shared store (issue #8): in-place updates by
// document digest, the swappable retriever, and the synchroniser following SQLite and PostgreSQL.
#include "retrieval/index_sync.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <atomic>
#include <thread>

#include "kb/ingest.h"
#include "retrieval/swappable_retriever.h"
#include "retrieval/xapian_index.h"
#include "store/pg_test_database.h"
#include "store/postgres/postgres_store.h"
#include "testing/kb_fixture.h"

namespace plume::retrieval {
namespace {

constexpr auto kGenerous = std::chrono::seconds(60);
constexpr char kEdited[] = "particuliers/F1344";  // perte de la carte d'identité
constexpr char kWithdrawn[] = "particuliers/F1153";

StopWords LoadStopWords() {
  auto sw = StopWords::Load(StopWordsPath(testing::ResourceDir()));
  EXPECT_TRUE(sw.ok()) << sw.status().ToString();
  return sw.ok() ? std::move(sw).value() : StopWords();
}

std::vector<std::string> Ids(const Result<std::vector<SearchHit>>& hits) {
  std::vector<std::string> ids;
  if (hits.ok()) {
    for (const auto& h : *hits) ids.push_back(h.document_id);
  }
  return ids;
}

Result<std::vector<SearchHit>> Find(const Retriever& r, const std::string& q, int limit = 10) {
  SearchRequest req;
  req.query = q;
  req.limit = limit;
  return r.Search(req);
}

bool Contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// The same document with a new paragraph holding `word`, and a new hash.
KnowledgeDocument Edited(Store& store, const std::string& id, const std::string& word) {
  auto d = store.GetDocument(id);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  KnowledgeDocument doc = d.ok() ? *d : KnowledgeDocument{};
  doc.introduction += "\nNouveau paragraphe : " + word + ".";
  doc.content_hash += "-" + word;
  return doc;
}

// Like testing::BuildKbFixture, smaller (fixture fiches + 20 others, no travail fiches), since
// every test here changes it.
testing::KbFixture SmallKb(const std::filesystem::path& dir) {
  testing::KbFixture f;
  auto store = SqliteStore::Open((dir / "plume.db").string());
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return f;
  f.store = std::move(store).value();
  kb::IngestOptions opt;
  opt.vdd_dir = testing::MakeVddSubset(dir, 20);
  FakeClock clock(1'700'000'000'000);
  NullProgress progress;
  auto report = kb::Ingest(*f.store, opt, clock, progress);
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  f.index_dir = dir / "index";
  auto stats = BuildIndex(*f.store, f.index_dir, LoadStopWords(), progress);
  EXPECT_TRUE(stats.ok()) << stats.status().ToString();
  auto r = Bm25Retriever::Open(f.index_dir, LoadStopWords());
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (r.ok()) f.retriever = std::move(r).value();
  return f;
}

class IndexUpdateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kb_ = SmallKb(dir_.path());
    ASSERT_TRUE(kb_.store && kb_.retriever);
  }
  testing::TempDir dir_;
  testing::KbFixture kb_;
  StopWords stop_words_ = LoadStopWords();
};

TEST_F(IndexUpdateTest, ReindexesOnlyTheDocumentsThatChanged) {
  const int64_t active = *kb_.store->CountDocuments(false);
  ASSERT_TRUE(kb_.store->UpsertDocuments({Edited(*kb_.store, kEdited, "zorglubienne")}, 2).ok());
  ASSERT_EQ(*kb_.store->MarkWithdrawn({kWithdrawn}, 3), 1);
  // Before the update the index still answers from the old content.
  EXPECT_TRUE(Ids(Find(*kb_.retriever, "zorglubienne")).empty());

  auto stats = UpdateIndex(*kb_.store, kb_.index_dir, stop_words_);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->replaced, 1);
  EXPECT_EQ(stats->removed, 1);
  EXPECT_EQ(stats->added, 0);
  EXPECT_EQ(stats->unchanged, active - 2);
  EXPECT_FALSE(stats->rebuilt);
  EXPECT_EQ(stats->knowledge_version, *kb_.store->KnowledgeVersion());
  EXPECT_EQ(*IndexedKnowledgeVersion(kb_.index_dir), *kb_.store->KnowledgeVersion());

  ASSERT_TRUE(kb_.retriever->Reopen().ok());
  EXPECT_EQ(Ids(Find(*kb_.retriever, "zorglubienne")), std::vector<std::string>{kEdited});
  // The edited fiche is indexed once (its old units were deleted), chunks included.
  const std::vector<std::string> card = Ids(Find(*kb_.retriever, "perte carte d'identité", 100));
  EXPECT_EQ(std::count(card.begin(), card.end(), kEdited), 1);
  auto withdrawn = kb_.store->GetDocument(kWithdrawn);
  ASSERT_TRUE(withdrawn.ok());
  EXPECT_FALSE(Contains(Ids(Find(*kb_.retriever, withdrawn->title, 100)), kWithdrawn));

  // Nothing changed since: nothing to do.
  auto again = UpdateIndex(*kb_.store, kb_.index_dir, stop_words_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->replaced + again->removed + again->added, 0);

  // A withdrawn fiche published again comes back.
  withdrawn->status = DocumentStatus::kActive;
  ASSERT_TRUE(kb_.store->UpsertDocuments({*withdrawn}, 4).ok());
  auto back = UpdateIndex(*kb_.store, kb_.index_dir, stop_words_);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->added, 1);
  ASSERT_TRUE(kb_.retriever->Reopen().ok());
  EXPECT_TRUE(Contains(Ids(Find(*kb_.retriever, withdrawn->title, 100)), kWithdrawn));
}

// Issue #6: format 3 added the theme terms; an index of format 2 (no theme terms) is re-indexed
// entirely by the next update, after which theme narrowing works on it.
TEST_F(IndexUpdateTest, OlderFormatIsRebuiltWithThemeTerms) {
  {
    Xapian::WritableDatabase db(kb_.index_dir.string(), Xapian::DB_OPEN);
    std::vector<Xapian::docid> themed;
    for (auto it = db.allterms_begin("XB"); it != db.allterms_end("XB"); ++it) {
      for (auto p = db.postlist_begin(*it); p != db.postlist_end(*it); ++p) themed.push_back(*p);
    }
    ASSERT_FALSE(themed.empty()) << "format 3 indexes every unit's theme";
    for (Xapian::docid id : themed) {
      Xapian::Document d = db.get_document(id);
      std::vector<std::string> terms;
      for (auto t = d.termlist_begin(); t != d.termlist_end(); ++t) {
        if ((*t).rfind("XB", 0) == 0) terms.push_back(*t);
      }
      for (const auto& t : terms) d.remove_term(t);
      db.replace_document(id, d);
    }
    db.set_metadata("plume_index_format", "2");
    db.commit();
  }
  SearchRequest req;
  req.query = "perte carte d'identité";
  req.themes = {"particuliers/Papiers - Citoyenneté"};
  req.other_theme_weight = 0;
  ASSERT_TRUE(kb_.retriever->Reopen().ok());
  EXPECT_TRUE(Ids(kb_.retriever->Search(req)).empty()) << "no theme term left";

  auto stats = UpdateIndex(*kb_.store, kb_.index_dir, stop_words_);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_TRUE(stats->rebuilt);
  EXPECT_EQ(stats->added, *kb_.store->CountDocuments(false));
  ASSERT_TRUE(kb_.retriever->Reopen().ok());
  EXPECT_TRUE(Contains(Ids(kb_.retriever->Search(req)), kEdited));
}

TEST_F(IndexUpdateTest, MissingIndexIsAPreconditionError) {
  auto r = UpdateIndex(*kb_.store, dir_.path() / "nothing-here", stop_words_);
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
}

TEST(SwappableRetrieverTest, EmptyHolderFailsCleanly) {
  SwappableRetriever holder;
  EXPECT_EQ(Find(holder, "carte").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(holder.Name(), "none");
}

class IndexSyncTest : public IndexUpdateTest {};

TEST_F(IndexSyncTest, FollowsChangesMadeThroughTheStoreWithoutBlockingSearches) {
  FakeClock clock(1'800'000'000'000);
  SwappableRetriever holder;
  // Default options: the wait ends on the store's wake-up, or after one slice at worst (the
  // wake-up itself is covered by the store contract test).
  IndexSynchronizer sync(*kb_.store, kb_.index_dir, stop_words_, clock, holder);
  sync.Start();
  const int64_t v0 = *kb_.store->KnowledgeVersion();
  ASSERT_TRUE(sync.WaitForIndexVersion(v0, kGenerous));
  EXPECT_EQ(sync.status().last_sync_at_ms, 1'800'000'000'000);
  EXPECT_EQ(sync.status().last.replaced, 0);

  // Searches run throughout; none may fail while the index is updated and swapped.
  std::atomic<bool> done{false};
  std::atomic<int> failures{0}, searches{0};
  std::thread reader([&] {
    while (!done) {
      auto hits = Find(holder, "carte d'identité perdue");
      if (!hits.ok() || hits->empty()) ++failures;
      ++searches;
    }
  });
  for (int i = 1; i <= 4; ++i) {
    clock.Advance(1000);
    const std::string word = "zorglubien" + std::string(static_cast<size_t>(i), 'x');
    ASSERT_TRUE(kb_.store->UpsertDocuments({Edited(*kb_.store, kEdited, word)}, 10 + i).ok());
    ASSERT_TRUE(sync.WaitForIndexVersion(v0 + i, kGenerous)) << "update " << i;
    EXPECT_EQ(Ids(Find(holder, word)), std::vector<std::string>{kEdited});
  }
  done = true;
  reader.join();
  EXPECT_EQ(failures.load(), 0) << "of " << searches.load() << " searches";
  EXPECT_GT(searches.load(), 0);
  EXPECT_EQ(sync.status().index_version, v0 + 4);
  EXPECT_EQ(sync.status().last.replaced, 1);
  EXPECT_EQ(sync.status().last_sync_at_ms, 1'800'000'004'000);
  EXPECT_TRUE(sync.status().last_error.empty());
  sync.Stop();
}

// Two nodes on one PostgreSQL database, each with its own index folder, built from scratch.
TEST(IndexSyncPostgresTest, EveryNodeHearsTheChangeAndUpdatesItsOwnIndex) {
  PLUME_REQUIRE_PG();
  auto conninfo = testing::NewPgTestSchema();
  ASSERT_TRUE(conninfo.ok()) << conninfo.status().ToString();
  testing::TempDir dir;
  auto writer = PostgresStore::Open(*conninfo);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  kb::IngestOptions opt;
  opt.vdd_dir = testing::MakeVddSubset(dir.path(), 20);
  FakeClock clock(1'800'000'000'000);
  NullProgress progress;
  ASSERT_TRUE(kb::Ingest(**writer, opt, clock, progress).ok());
  StopWords stop_words = LoadStopWords();

  struct Node {
    std::unique_ptr<PostgresStore> store;
    SwappableRetriever holder;
    std::unique_ptr<IndexSynchronizer> sync;
  };
  std::vector<std::unique_ptr<Node>> nodes;
  for (int i = 0; i < 2; ++i) {
    auto node = std::make_unique<Node>();
    auto store = PostgresStore::Open(*conninfo);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    node->store = std::move(store).value();
    node->sync = std::make_unique<IndexSynchronizer>(
        *node->store, dir.path() / ("node" + std::to_string(i)) / "index", stop_words, clock,
        node->holder);
    // No index yet: the first sync builds it.
    EXPECT_EQ(Find(node->holder, "carte").status().code(), StatusCode::kFailedPrecondition);
    auto first = node->sync->SyncOnce();
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    EXPECT_TRUE(first->last.rebuilt);
    EXPECT_TRUE(Contains(Ids(Find(node->holder, "perte carte d'identité")), kEdited));
    node->sync->Start();
    nodes.push_back(std::move(node));
  }
  const int64_t v0 = *(*writer)->KnowledgeVersion();
  for (auto& n : nodes) ASSERT_TRUE(n->sync->WaitForIndexVersion(v0, kGenerous));

  ASSERT_TRUE((*writer)->UpsertDocuments({Edited(**writer, kEdited, "zorglubienne")}, 5).ok());
  ASSERT_EQ(*(*writer)->MarkWithdrawn({kWithdrawn}, 6), 1);
  for (auto& n : nodes) {
    ASSERT_TRUE(n->sync->WaitForIndexVersion(v0 + 2, kGenerous));
    EXPECT_EQ(Ids(Find(n->holder, "zorglubienne")), std::vector<std::string>{kEdited});
    auto withdrawn = (*writer)->GetDocument(kWithdrawn);
    ASSERT_TRUE(withdrawn.ok());
    EXPECT_FALSE(Contains(Ids(Find(n->holder, withdrawn->title, 100)), kWithdrawn));
  }
  for (auto& n : nodes) n->sync->Stop();
}

}  // namespace
}  // namespace plume::retrieval
