// SQLite -> PostgreSQL copy: everything arrives, ids included, verified; refusals leave the
// target untouched.
#include "store/migrate/sqlite_to_postgres.h"

#include <gtest/gtest.h>

#include <mutex>

#include "pg_test_database.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/test_util.h"

namespace plume {
namespace {

class RecordingProgress final : public Progress {
 public:
  void Start(std::string_view label, int64_t total) override {
    std::lock_guard lock(mu_);
    phases.push_back({std::string(label), total, 0});
  }
  void Update(int64_t done) override {
    std::lock_guard lock(mu_);
    if (!phases.empty()) phases.back().done = done;
  }
  void Finish() override {}

  struct Phase {
    std::string label;
    int64_t total;
    int64_t done;
  };
  std::vector<Phase> phases;

 private:
  std::mutex mu_;
};

class SqliteToPostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PLUME_REQUIRE_PG();
    auto conninfo = testing::NewPgTestSchema();
    ASSERT_TRUE(conninfo.ok()) << conninfo.status().ToString();
    target_ = *conninfo;
    auto lite = SqliteStore::Open(source_path());
    ASSERT_TRUE(lite.ok()) << lite.status().ToString();
    source_ = std::move(lite).value();
  }

  std::string source_path() const { return (dir_.path() / "plume.db").string(); }

  // A source with every kind of row; 450 documents so batches and fetches are exercised.
  void Fill() {
    std::vector<KnowledgeDocument> docs;
    for (int i = 0; i < 450; ++i) {
      KnowledgeDocument d;
      d.id = "particuliers/F" + std::to_string(i);
      d.fiche_id = "F" + std::to_string(i);
      d.source = i % 3 ? "vdd" : "travail";
      d.title = "Fiche « " + std::to_string(i) + " » – été";
      d.sections = {{{"Titre", "Sous-titre"}, "Texte\navec \"guillemets\" et \\ barre"}};
      d.links = {{"lien_web", "Lien", "https://x.gouv.fr/" + std::to_string(i), "", ""}};
      d.content_hash = "h" + std::to_string(i);
      docs.push_back(d);
    }
    ASSERT_TRUE(source_->UpsertDocuments(docs, 10).ok());
    ASSERT_TRUE(source_->MarkWithdrawn({"particuliers/F7"}, 20).ok());
    Agent a;
    a.login = "caf1";
    a.service = "caf-75";
    a.password_hash = "$argon2id$x";
    auto agent = source_->CreateAgent(a);
    ASSERT_TRUE(agent.ok());
    ASSERT_TRUE(source_->CreateSession({"sess", *agent, 1, 2}).ok());
    ASSERT_TRUE(source_->CreateApiToken({0, "tok", "caf-75", "web", 3, true}).ok());
    for (int i = 0; i < 30; ++i) {
      Message m;
      m.service = "caf-75";
      m.body = "Message n°" + std::to_string(i) + " 💶";
      m.received_at_ms = 1700000000000 + i;
      auto id = source_->CreateMessage(m);
      ASSERT_TRUE(id.ok());
      if (i % 2) continue;
      Draft d;
      d.message_id = *id;
      d.text = "Brouillon";
      d.sources = {{"particuliers/F1", "T", "https://u", "2020-01-01"}};
      auto draft = source_->CreateDraft(d);
      ASSERT_TRUE(draft.ok());
      Decision dec;
      dec.message_id = *id;
      dec.draft_id = *draft;
      dec.agent = "caf1";
      dec.kind = i % 4 ? DecisionKind::kDiscarded : DecisionKind::kEdited;
      dec.final_text = dec.kind == DecisionKind::kDiscarded ? "" : "Réponse";
      AuditEntry e;
      e.action = "reply_sent";
      e.sources = {"particuliers/F1"};
      ASSERT_TRUE(source_->RecordDecisionWithAudit(dec, e).ok());
    }
  }

  Result<store::CopyReport> Copy(bool force = false) {
    return store::CopySqliteToPostgres(source_path(), target_, {force}, progress_);
  }

  testing::TempDir dir_;
  std::unique_ptr<SqliteStore> source_;
  std::string target_;
  RecordingProgress progress_;
};

TEST_F(SqliteToPostgresTest, CopiesEverythingWithIdsAndVerifies) {
  Fill();
  auto report = Copy();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->schema_version, SqliteStore::LatestSchemaVersion());
  std::map<std::string, int64_t> rows;
  for (const auto& t : report->tables) {
    rows[t.table] = t.rows;
    EXPECT_EQ(t.checksum.size(), 64u);
  }
  EXPECT_EQ(rows["documents"], 450);
  EXPECT_EQ(rows["messages"], 30);
  EXPECT_EQ(rows["drafts"], 15);
  EXPECT_EQ(rows["decisions"], 15);
  EXPECT_EQ(rows["audit"], 15);
  EXPECT_EQ(rows["agents"], 1);
  EXPECT_EQ(rows["kb_state"], 1);
  // Parents are copied before children.
  auto pos = [&](const std::string& name) {
    for (size_t i = 0; i < report->tables.size(); ++i) {
      if (report->tables[i].table == name) return i;
    }
    return report->tables.size();
  };
  EXPECT_LT(pos("messages"), pos("drafts"));
  EXPECT_LT(pos("drafts"), pos("decisions"));
  EXPECT_LT(pos("agents"), pos("sessions"));
  ASSERT_FALSE(progress_.phases.empty());
  EXPECT_EQ(progress_.phases.back().label, "vérification");
  EXPECT_EQ(progress_.phases.back().done, progress_.phases.back().total);

  auto pg = PostgresStore::Open(target_);
  ASSERT_TRUE(pg.ok());
  Store& target = **pg;
  EXPECT_EQ(*target.KnowledgeVersion(), *source_->KnowledgeVersion());
  EXPECT_EQ(*target.CountDocuments(false), 449);
  auto want = source_->GetDocument("particuliers/F42");
  auto got = target.GetDocument("particuliers/F42");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->title, want->title);
  EXPECT_EQ(got->sections[0].text, want->sections[0].text);
  EXPECT_EQ(got->links[0].url, want->links[0].url);
  EXPECT_EQ(target.GetDocument("particuliers/F7")->status, DocumentStatus::kWithdrawn);

  MessageFilter all;
  all.limit = 1000;
  auto src_msgs = source_->ListMessages(all);
  auto dst_msgs = target.ListMessages(all);
  ASSERT_EQ(dst_msgs->size(), src_msgs->size());
  for (size_t i = 0; i < src_msgs->size(); ++i) {
    const Message& a = (*src_msgs)[i];
    const Message& b = (*dst_msgs)[i];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.body, b.body);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.received_at_ms, b.received_at_ms);
    auto da = source_->ListDecisions(a.id);
    auto db = target.ListDecisions(a.id);
    ASSERT_EQ(da->size(), db->size());
    for (size_t j = 0; j < da->size(); ++j) {
      EXPECT_EQ((*da)[j].id, (*db)[j].id);
      EXPECT_EQ((*da)[j].draft_id, (*db)[j].draft_id);
    }
    EXPECT_EQ(source_->ListDrafts(a.id)->size(), target.ListDrafts(a.id)->size());
  }
  EXPECT_EQ(target.GetSession("sess")->agent_id, source_->GetSession("sess")->agent_id);
  EXPECT_TRUE(target.GetApiTokenByHash("tok")->revoked);
  AuditFilter af;
  af.limit = 1000;
  auto audit = target.ListAudit(af);
  ASSERT_EQ(audit->size(), 15u);
  EXPECT_EQ((*audit)[0].sources, std::vector<std::string>{"particuliers/F1"});

  // New rows get ids after the copied ones (sequences moved).
  Message m;
  m.service = "caf-75";
  m.body = "nouveau";
  auto id = target.CreateMessage(m);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_GT(*id, src_msgs->back().id);
  AuditEntry e;
  e.action = "login";
  auto audit_id = target.AppendAudit(e);
  ASSERT_TRUE(audit_id.ok()) << audit_id.status().ToString();
  EXPECT_GT(*audit_id, audit->back().id);
}

TEST_F(SqliteToPostgresTest, NonEmptyTargetNeedsForce) {
  Fill();
  ASSERT_TRUE(Copy().ok());
  auto again = Copy();
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition) << again.status().ToString();
  Message m;
  m.service = "s";
  m.body = "ajouté à la source";
  ASSERT_TRUE(source_->CreateMessage(m).ok());
  auto forced = Copy(true);
  ASSERT_TRUE(forced.ok()) << forced.status().ToString();
  auto pg = PostgresStore::Open(target_);
  ASSERT_TRUE(pg.ok());
  MessageFilter all;
  all.limit = 1000;
  EXPECT_EQ((*pg)->ListMessages(all)->size(), 31u);  // replaced, not duplicated
  // The append-only audit trigger is back on after the forced copy.
  auto update = testing::PgQueryValue(target_, "UPDATE audit SET detail = 'x'");
  EXPECT_FALSE(update.ok());
}

TEST_F(SqliteToPostgresTest, BadValueRollsBackEverything) {
  Fill();
  Message m;
  m.service = "s";
  m.body = "invalide \xC3\x28";
  ASSERT_TRUE(source_->CreateMessage(m).ok());
  auto r = Copy();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
  EXPECT_NE(r.status().message().find("messages"), std::string::npos) << r.status().ToString();
  auto pg = PostgresStore::Open(target_);
  ASSERT_TRUE(pg.ok());
  EXPECT_EQ(*(*pg)->CountDocuments(true), 0);
  EXPECT_EQ(*(*pg)->KnowledgeVersion(), 0);
}

TEST_F(SqliteToPostgresTest, MissingSourceIsNotFound) {
  auto r =
      store::CopySqliteToPostgres((dir_.path() / "absent.db").string(), target_, {}, progress_);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound) << r.status().ToString();
}

}  // namespace
}  // namespace plume
