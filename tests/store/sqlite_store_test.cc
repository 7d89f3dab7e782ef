// SQLite-only behaviour: files, journal, migrations. Store behaviour common to every engine is
// in store_contract_test.cc.
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

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

// Reads use a pool of read-only connections: each thread must still read what it has just
// written, while other threads write and read at the same time.
TEST_F(SqliteStoreTest, PooledReadsSeeWritesThatReturnedBeforeThem) {
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 30; ++i) {
        Message m;
        m.service = "service-" + std::to_string(t);
        m.body = "Message " + std::to_string(i);
        auto id = store_->CreateMessage(m);
        if (!id.ok()) {
          ++mismatches;
          continue;
        }
        auto back = store_->GetMessage(*id);
        auto counts = store_->CountMessagesByStatus(m.service);
        if (!back.ok() || back->body != m.body || !counts.ok() || counts->new_messages != i + 1) {
          ++mismatches;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(store_->CountMessagesByStatus("")->new_messages, 180);
}

// An in-memory store cannot share its database with other connections: reads use the writer.
TEST(SqliteMemoryStoreTest, InMemoryStoreReadsItsOwnWrites) {
  auto s = SqliteStore::Open(":memory:");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  Message m;
  m.service = "caf-75";
  m.body = "Bonjour";
  auto id = (*s)->CreateMessage(m);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ((*s)->GetMessage(*id)->body, "Bonjour");
  EXPECT_EQ((*s)->CountMessagesByStatus("caf-75")->new_messages, 1);
}

TEST_F(SqliteStoreTest, NotADatabaseIsReported) {
  auto path = dir_.path() / "garbage.db";
  std::ofstream(path) << std::string(4096, 'x');
  auto s = SqliteStore::Open(path.string());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kDataLoss) << s.status().ToString();
}

// --- Accounts, sessions, tokens, audit (migration 2) ---------------------------------------

Agent NewAgent(const std::string& login, const std::string& service) {
  Agent a;
  a.login = login;
  a.display_name = login;
  a.service = service;
  a.password_hash = "$argon2id$fake";
  return a;
}

class WorkflowStoreTest : public SqliteStoreTest {
 protected:
  int64_t NewMessage(const std::string& service) {
    Message m;
    m.service = service;
    m.body = "Bonjour, j'ai perdu ma carte d'identité.";
    auto id = store_->CreateMessage(m);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }
};

TEST_F(WorkflowStoreTest, AgentsHaveUniqueLogins) {
  auto id = store_->CreateAgent(NewAgent("claire", "prefecture-69"));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(store_->CreateAgent(NewAgent("claire", "caf-75")).status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->CreateAgent(NewAgent("", "caf-75")).status().code(),
            StatusCode::kInvalidArgument);
  auto a = store_->GetAgentByLogin("claire");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->id, *id);
  EXPECT_EQ(a->service, "prefecture-69");
  EXPECT_EQ(store_->GetAgent(*id)->login, "claire");
  EXPECT_EQ(store_->GetAgentByLogin("personne").status().code(), StatusCode::kNotFound);
}

TEST_F(WorkflowStoreTest, SessionsAndTokensAreFoundByHash) {
  int64_t agent = *store_->CreateAgent(NewAgent("claire", "prefecture-69"));
  ASSERT_TRUE(store_->CreateSession({"h1", agent, 10, 100}).ok());
  ASSERT_TRUE(store_->CreateSession({"h2", agent, 10, 200}).ok());
  EXPECT_EQ(store_->GetSession("h1")->expires_at_ms, 100);
  EXPECT_EQ(*store_->DeleteExpiredSessions(100), 1);
  EXPECT_EQ(store_->GetSession("h1").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->DeleteSession("h2").ok());
  ASSERT_TRUE(store_->DeleteSession("inconnu").ok());
  EXPECT_EQ(store_->GetSession("h2").status().code(), StatusCode::kNotFound);
  auto t = store_->CreateApiToken({0, "th", "caf-75", "site", 5, false});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(store_->GetApiTokenByHash("th")->service, "caf-75");
  EXPECT_EQ(store_->GetApiTokenByHash("th")->id, *t);
  EXPECT_EQ(store_->GetApiTokenByHash("x").status().code(), StatusCode::kNotFound);
}

TEST_F(WorkflowStoreTest, CountsByStatusArePerService) {
  int64_t a = NewMessage("prefecture-69");
  NewMessage("prefecture-69");
  NewMessage("caf-75");
  ASSERT_TRUE(store_->UpdateMessageStatus(a, MessageStatus::kClosed).ok());
  auto c = store_->CountMessagesByStatus("prefecture-69");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->new_messages, 1);
  EXPECT_EQ(c->closed, 1);
  EXPECT_EQ(c->answered, 0);
  EXPECT_EQ(store_->CountMessagesByStatus("")->new_messages, 2);
  EXPECT_EQ(store_->CountMessagesByStatus("inconnu")->new_messages, 0);
}

TEST_F(WorkflowStoreTest, AssignByLoginStaysInsideTheService) {
  ASSERT_TRUE(store_->CreateAgent(NewAgent("claire", "prefecture-69")).ok());
  ASSERT_TRUE(store_->CreateAgent(NewAgent("marc", "caf-75")).ok());
  int64_t m = NewMessage("prefecture-69");
  EXPECT_EQ(store_->AssignMessageToLogin(m, "marc").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->AssignMessageToLogin(m, "personne").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->AssignMessageToLogin(999, "claire").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetMessage(m)->assigned_agent, "");
  auto updated = store_->AssignMessageToLogin(m, "claire");
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->assigned_agent, "claire");
  EXPECT_EQ(updated->status, MessageStatus::kInProgress);
  ASSERT_TRUE(store_->UpdateMessageStatus(m, MessageStatus::kAnswered).ok());
  EXPECT_EQ(store_->AssignMessageToLogin(m, "claire")->status, MessageStatus::kAnswered);
}

TEST_F(WorkflowStoreTest, DecisionAndAuditAreWrittenTogetherOrNotAtAll) {
  int64_t m = NewMessage("prefecture-69");
  int64_t other = NewMessage("prefecture-69");
  Draft d;
  d.message_id = other;
  d.engine = "embedded";
  d.text = "Bonjour";
  int64_t draft = *store_->CreateDraft(d);
  AuditEntry audit;
  audit.at_ms = 42;
  audit.service = "prefecture-69";
  audit.agent = "claire";
  audit.action = "reply_sent";
  audit.engine = "embedded";
  audit.sources = {"particuliers/F1342"};
  audit.final_text = "Bonjour";
  Decision bad;
  bad.message_id = m;
  bad.draft_id = draft;  // belongs to another message: the whole transaction fails
  bad.agent = "claire";
  bad.kind = DecisionKind::kAccepted;
  bad.final_text = "Bonjour";
  EXPECT_FALSE(store_->RecordDecisionWithAudit(bad, audit).ok());
  EXPECT_TRUE(store_->ListAudit({})->empty());
  EXPECT_TRUE(store_->ListDecisions(m)->empty());
  EXPECT_EQ(store_->GetMessage(m)->status, MessageStatus::kNew);

  Decision good = bad;
  good.message_id = other;
  auto id = store_->RecordDecisionWithAudit(good, audit);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto entries = store_->ListAudit({});
  ASSERT_EQ(entries->size(), 1u);
  const AuditEntry& e = (*entries)[0];
  EXPECT_EQ(e.message_id, other);
  EXPECT_EQ(e.draft_id, draft);
  EXPECT_EQ(e.decision, "accepted");
  EXPECT_EQ(e.sources, std::vector<std::string>{"particuliers/F1342"});
  EXPECT_EQ(e.at_ms, 42);
  EXPECT_EQ(store_->GetMessage(other)->status, MessageStatus::kAnswered);
}

TEST_F(WorkflowStoreTest, AuditIsFilteredPaginatedAndAppendOnly) {
  for (int i = 0; i < 5; ++i) {
    AuditEntry e;
    e.action = "login";
    e.service = i % 2 ? "caf-75" : "prefecture-69";
    e.message_id = i;
    ASSERT_TRUE(store_->AppendAudit(e).ok());
  }
  AuditFilter f;
  f.service = "prefecture-69";
  f.limit = 2;
  auto page = store_->ListAudit(f);
  ASSERT_EQ(page->size(), 2u);
  f.after_id = page->back().id;
  EXPECT_EQ(store_->ListAudit(f)->size(), 1u);
  AuditFilter by_msg;
  by_msg.message_id = 3;
  EXPECT_EQ(store_->ListAudit(by_msg)->size(), 1u);
  EXPECT_EQ(store_->AppendAudit(AuditEntry{}).status().code(), StatusCode::kInvalidArgument);
  AuditFilter bad;
  bad.limit = 0;
  EXPECT_FALSE(store_->ListAudit(bad).ok());
}

}  // namespace
}  // namespace plume
