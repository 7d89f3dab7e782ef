#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "store/sqlite/sqlite_store.h"
#include "testing/test_util.h"

namespace plume {
namespace {

KnowledgeDocument Doc(const std::string& id, const std::string& hash) {
  KnowledgeDocument d;
  d.id = "particuliers/" + id;
  d.fiche_id = id;
  d.source = "vdd";
  d.kind = "F";
  d.type = "Fiche d'information";
  d.audience = "particuliers";
  d.title = "Titre " + id;
  d.url = "https://www.service-public.fr/particuliers/vosdroits/" + id;
  d.sections = {{{"Chapitre", "Sous-chapitre"}, "Texte de la section."}};
  d.links = {{"service_en_ligne", "Pré-demande", "https://ants.gouv.fr/x", "R1", "ANTS"}};
  d.breadcrumb = {{"N1", "Papiers"}};
  d.source_date = "2020-01-02";
  d.content_hash = hash;
  return d;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = SqliteStore::Open((dir_.path() / "plume.db").string());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  int64_t NewMessage(const std::string& service = "prefecture-69") {
    Message m;
    m.service = service;
    m.body = "Bonjour, j'ai perdu ma carte d'identité.";
    m.received_at_ms = 1000;
    auto id = store_->CreateMessage(m);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  testing::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteStoreTest, MigrationsAppliedOnceAndReopenable) {
  EXPECT_EQ(*store_->SchemaVersion(), SqliteStore::LatestSchemaVersion());
  ASSERT_TRUE(store_->UpsertDocuments({Doc("F1", "h1")}, 10).ok());
  store_.reset();
  auto again = SqliteStore::Open((dir_.path() / "plume.db").string());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*(*again)->SchemaVersion(), SqliteStore::LatestSchemaVersion());
  EXPECT_EQ(*(*again)->CountDocuments(true), 1);
}

TEST_F(SqliteStoreTest, NotADatabaseIsReported) {
  auto path = dir_.path() / "garbage.db";
  std::ofstream(path) << std::string(4096, 'x');
  auto s = SqliteStore::Open(path.string());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kDataLoss) << s.status().ToString();
}

TEST_F(SqliteStoreTest, UpsertIsIdempotentByHash) {
  auto first = store_->UpsertDocuments({Doc("F1", "h1"), Doc("F2", "h2")}, 10);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->inserted, 2);
  int64_t v1 = *store_->KnowledgeVersion();
  auto second = store_->UpsertDocuments({Doc("F1", "h1"), Doc("F2", "h2-changed")}, 20);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->unchanged, 1);
  EXPECT_EQ(second->updated, 1);
  EXPECT_GT(*store_->KnowledgeVersion(), v1);
  auto third = store_->UpsertDocuments({Doc("F1", "h1"), Doc("F2", "h2-changed")}, 30);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->unchanged, 2);
  EXPECT_EQ(*store_->KnowledgeVersion(), v1 + 1);  // nothing changed: no bump

  auto d = store_->GetDocument("particuliers/F1");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->title, "Titre F1");
  ASSERT_EQ(d->sections.size(), 1u);
  EXPECT_EQ(d->sections[0].path, (std::vector<std::string>{"Chapitre", "Sous-chapitre"}));
  ASSERT_EQ(d->links.size(), 1u);
  EXPECT_EQ(d->links[0].url, "https://ants.gouv.fr/x");
  EXPECT_EQ(d->breadcrumb[0].label, "Papiers");
  EXPECT_EQ(d->ingested_at_ms, 10);
}

TEST_F(SqliteStoreTest, WithdrawAndReactivate) {
  ASSERT_TRUE(store_->UpsertDocuments({Doc("F1", "h1"), Doc("F2", "h2")}, 10).ok());
  EXPECT_EQ(*store_->MarkWithdrawn({"particuliers/F2", "particuliers/unknown"}, 20), 1);
  EXPECT_EQ(*store_->CountDocuments(false), 1);
  EXPECT_EQ(*store_->CountDocuments(true), 2);
  EXPECT_EQ(store_->GetDocument("particuliers/F2")->status, DocumentStatus::kWithdrawn);
  auto back = store_->UpsertDocuments({Doc("F2", "h2")}, 30);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->updated, 1);
  EXPECT_EQ(store_->GetDocument("particuliers/F2")->status, DocumentStatus::kActive);
}

TEST_F(SqliteStoreTest, UnknownIds) {
  EXPECT_EQ(store_->GetDocument("particuliers/F404").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetMessage(404).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetDraft(404).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->UpdateMessageStatus(404, MessageStatus::kClosed).code(),
            StatusCode::kNotFound);
  Draft d;
  d.message_id = 404;
  EXPECT_EQ(store_->CreateDraft(d).status().code(), StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, MessageValidationAndFilters) {
  Message bad;
  bad.service = "s";
  EXPECT_EQ(store_->CreateMessage(bad).status().code(), StatusCode::kInvalidArgument);
  for (int i = 0; i < 5; ++i) NewMessage("caf-75");
  for (int i = 0; i < 3; ++i) NewMessage("mairie-lyon");
  MessageFilter f;
  f.service = "caf-75";
  f.limit = 2;
  auto page1 = store_->ListMessages(f);
  ASSERT_TRUE(page1.ok());
  ASSERT_EQ(page1->size(), 2u);
  f.after_id = page1->back().id;
  auto page2 = store_->ListMessages(f);
  ASSERT_EQ(page2->size(), 2u);
  EXPECT_GT(page2->front().id, page1->back().id);
  for (const auto& m : *page2) EXPECT_EQ(m.service, "caf-75");
  f.limit = 0;
  EXPECT_EQ(store_->ListMessages(f).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, DraftsAndDecisions) {
  int64_t m1 = NewMessage();
  int64_t m2 = NewMessage();
  Draft d;
  d.message_id = m1;
  d.engine = "embedded";
  d.text = "Madame, Monsieur, ...";
  d.sources = {{"particuliers/F1344", "Perte", "https://www.service-public.fr/x", "2020-08-26"}};
  d.warnings = {"fiche ancienne"};
  auto draft_id = store_->CreateDraft(d);
  ASSERT_TRUE(draft_id.ok());
  auto back = store_->GetDraft(*draft_id);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->sources[0].document_id, "particuliers/F1344");
  EXPECT_EQ(back->warnings, std::vector<std::string>{"fiche ancienne"});

  Decision wrong;
  wrong.message_id = m2;
  wrong.draft_id = *draft_id;
  wrong.agent = "agent1";
  wrong.kind = DecisionKind::kAccepted;
  wrong.final_text = "x";
  EXPECT_EQ(store_->RecordDecision(wrong).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetMessage(m2)->status, MessageStatus::kNew);  // nothing half-written

  Decision ok = wrong;
  ok.message_id = m1;
  ok.kind = DecisionKind::kEdited;
  ok.edit_distance = 12;
  ASSERT_TRUE(store_->RecordDecision(ok).ok());
  EXPECT_EQ(store_->GetMessage(m1)->status, MessageStatus::kAnswered);
  auto decisions = store_->ListDecisions(m1);
  ASSERT_EQ(decisions->size(), 1u);
  EXPECT_EQ((*decisions)[0].edit_distance, 12);
  EXPECT_EQ((*decisions)[0].kind, DecisionKind::kEdited);

  Decision no_agent = ok;
  no_agent.agent = "";
  EXPECT_EQ(store_->RecordDecision(no_agent).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, ConcurrentWriters) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this] {
      for (int i = 0; i < 25; ++i) NewMessage();
    });
  }
  for (auto& t : threads) t.join();
  MessageFilter f;
  f.limit = 1000;
  EXPECT_EQ(store_->ListMessages(f)->size(), 100u);
}

}  // namespace
}  // namespace plume
