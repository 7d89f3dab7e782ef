// The Store contract: every behaviour of include/plume/store.h, run against each engine
// (SqliteStore on a temporary file, PostgresStore on a fresh schema of the test server).
// Engine-specific matters (files, WAL, migrations, pool) live in sqlite_store_test.cc and
// postgres_store_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <thread>

#include "pg_test_database.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/test_util.h"

namespace plume {
namespace {

// One engine under test: Open() may be called several times and reaches the same data.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual Result<std::unique_ptr<Store>> Open() = 0;
};

class SqliteBackend final : public Backend {
 public:
  Result<std::unique_ptr<Store>> Open() override {
    PLUME_ASSIGN_OR_RETURN(auto s, SqliteStore::Open((dir_.path() / "plume.db").string()));
    return std::unique_ptr<Store>(std::move(s));
  }

 private:
  testing::TempDir dir_;
};

class PostgresBackend final : public Backend {
 public:
  explicit PostgresBackend(std::string conninfo) : conninfo_(std::move(conninfo)) {}
  Result<std::unique_ptr<Store>> Open() override {
    PLUME_ASSIGN_OR_RETURN(auto s, PostgresStore::Open(conninfo_));
    return std::unique_ptr<Store>(std::move(s));
  }

 private:
  std::string conninfo_;
};

struct Engine {
  std::string name;
  bool needs_postgres;
  // Text with a NUL byte or invalid UTF-8: stored byte for byte (true) or refused with
  // kInvalidArgument (false). Never stored altered.
  bool stores_any_bytes;
};

void PrintTo(const Engine& engine, std::ostream* os) { *os << engine.name; }

class StoreContractTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    if (GetParam().needs_postgres) {
      PLUME_REQUIRE_PG();
      auto conninfo = testing::NewPgTestSchema();
      ASSERT_TRUE(conninfo.ok()) << conninfo.status().ToString();
      backend_ = std::make_unique<PostgresBackend>(*conninfo);
    } else {
      backend_ = std::make_unique<SqliteBackend>();
    }
    auto s = backend_->Open();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }

  static KnowledgeDocument Doc(const std::string& id, const std::string& hash,
                               const std::string& source = "vdd") {
    KnowledgeDocument d;
    d.id = "particuliers/" + id;
    d.fiche_id = id;
    d.source = source;
    d.kind = "F";
    d.type = "Fiche d'information";
    d.audience = "particuliers";
    d.title = "Titre " + id;
    d.description = "Résumé « " + id + " »";
    d.url = "https://www.service-public.fr/particuliers/vosdroits/" + id;
    d.subject = "Papiers, Citoyenneté";
    d.introduction = "Introduction\nsur deux lignes.";
    d.sections = {{{"Chapitre", "Sous-chapitre"}, "Texte de la section."},
                  {{"Chapitre 2"}, "- point 1\n- point 2"}};
    d.links = {{"service_en_ligne", "Pré-demande", "https://ants.gouv.fr/x", "R1", "ANTS"},
               {"ou_s_adresser", "Mairie", "", "", ""}};
    d.breadcrumb = {{"N1", "Papiers"}, {"N2", "Carte d'identité"}};
    d.source_date = "2020-01-02";
    d.content_hash = hash;
    return d;
  }

  int64_t NewMessage(const std::string& service = "prefecture-69", int64_t received_at = 1000) {
    Message m;
    m.service = service;
    m.body = "Bonjour, j'ai perdu ma carte d'identité.";
    m.received_at_ms = received_at;
    auto id = store_->CreateMessage(m);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  int64_t NewDraft(int64_t message_id) {
    Draft d;
    d.message_id = message_id;
    d.engine = "embedded";
    d.text = "Madame, Monsieur, ...";
    auto id = store_->CreateDraft(d);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  int64_t NewAgent(const std::string& login, const std::string& service) {
    Agent a;
    a.login = login;
    a.display_name = "Agent " + login;
    a.service = service;
    a.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
    a.created_at_ms = 5;
    auto id = store_->CreateAgent(a);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  std::unique_ptr<Backend> backend_;
  std::unique_ptr<Store> store_;
};

// Knowledge documents --------------------------------------------------------------------------

TEST_P(StoreContractTest, EmptyStore) {
  EXPECT_EQ(*store_->KnowledgeVersion(), 0);
  EXPECT_EQ(*store_->CountDocuments(true), 0);
  EXPECT_TRUE(store_->ListDocumentDigests("")->empty());
  MessageFilter f;
  EXPECT_TRUE(store_->ListMessages(f)->empty());
}

TEST_P(StoreContractTest, UpsertIsIdempotentByHash) {
  auto first = store_->UpsertDocuments({Doc("F1", "h1"), Doc("F2", "h2")}, 10);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->inserted, 2);
  int64_t v1 = *store_->KnowledgeVersion();
  EXPECT_EQ(v1, 1);
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
  KnowledgeDocument want = Doc("F1", "h1");
  EXPECT_EQ(d->fiche_id, want.fiche_id);
  EXPECT_EQ(d->source, want.source);
  EXPECT_EQ(d->kind, want.kind);
  EXPECT_EQ(d->type, want.type);
  EXPECT_EQ(d->audience, want.audience);
  EXPECT_EQ(d->title, want.title);
  EXPECT_EQ(d->description, want.description);
  EXPECT_EQ(d->url, want.url);
  EXPECT_EQ(d->subject, want.subject);
  EXPECT_EQ(d->introduction, want.introduction);
  EXPECT_EQ(d->source_date, want.source_date);
  ASSERT_EQ(d->sections.size(), 2u);
  EXPECT_EQ(d->sections[0].path, (std::vector<std::string>{"Chapitre", "Sous-chapitre"}));
  EXPECT_EQ(d->sections[1].text, "- point 1\n- point 2");
  ASSERT_EQ(d->links.size(), 2u);
  EXPECT_EQ(d->links[0].url, "https://ants.gouv.fr/x");
  EXPECT_EQ(d->links[0].note, "ANTS");
  EXPECT_EQ(d->links[1].title, "Mairie");
  ASSERT_EQ(d->breadcrumb.size(), 2u);
  EXPECT_EQ(d->breadcrumb[1].label, "Carte d'identité");
  EXPECT_EQ(d->content_hash, "h1");
  EXPECT_EQ(d->status, DocumentStatus::kActive);
  EXPECT_EQ(d->ingested_at_ms, 10);
  EXPECT_EQ(d->updated_at_ms, 10);
  auto f2 = store_->GetDocument("particuliers/F2");
  EXPECT_EQ(f2->ingested_at_ms, 10);  // kept on update
  EXPECT_EQ(f2->updated_at_ms, 20);
  EXPECT_EQ(f2->content_hash, "h2-changed");
}

TEST_P(StoreContractTest, SameDocumentTwiceInOneBatch) {
  auto r = store_->UpsertDocuments({Doc("F1", "h1"), Doc("F1", "h1")}, 10);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->inserted, 1);
  EXPECT_EQ(r->unchanged, 1);
  r = store_->UpsertDocuments({Doc("F1", "h2"), Doc("F1", "h3")}, 20);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->updated, 2);
  EXPECT_EQ(store_->GetDocument("particuliers/F1")->content_hash, "h3");
  EXPECT_EQ(*store_->CountDocuments(true), 1);
}

TEST_P(StoreContractTest, BatchWithInvalidDocumentWritesNothing) {
  KnowledgeDocument bad = Doc("F2", "h2");
  bad.id = "";
  auto r = store_->UpsertDocuments({Doc("F1", "h1"), bad}, 10);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*store_->CountDocuments(true), 0);
  EXPECT_EQ(*store_->KnowledgeVersion(), 0);
  auto empty = store_->UpsertDocuments({}, 10);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->inserted + empty->updated + empty->unchanged, 0);
  EXPECT_EQ(*store_->KnowledgeVersion(), 0);
}

TEST_P(StoreContractTest, WithdrawAndReactivate) {
  ASSERT_TRUE(store_->UpsertDocuments({Doc("F1", "h1"), Doc("F2", "h2")}, 10).ok());
  int64_t v = *store_->KnowledgeVersion();
  EXPECT_EQ(*store_->MarkWithdrawn({"particuliers/F2", "particuliers/unknown"}, 20), 1);
  EXPECT_EQ(*store_->KnowledgeVersion(), v + 1);
  EXPECT_EQ(*store_->MarkWithdrawn({"particuliers/F2"}, 25), 0);  // already withdrawn
  EXPECT_EQ(*store_->MarkWithdrawn({}, 25), 0);
  EXPECT_EQ(*store_->KnowledgeVersion(), v + 1);
  EXPECT_EQ(*store_->CountDocuments(false), 1);
  EXPECT_EQ(*store_->CountDocuments(true), 2);
  auto withdrawn = store_->GetDocument("particuliers/F2");
  EXPECT_EQ(withdrawn->status, DocumentStatus::kWithdrawn);
  EXPECT_EQ(withdrawn->updated_at_ms, 20);
  auto back = store_->UpsertDocuments({Doc("F2", "h2")}, 30);  // same hash, but withdrawn
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->updated, 1);
  EXPECT_EQ(store_->GetDocument("particuliers/F2")->status, DocumentStatus::kActive);
  EXPECT_EQ(*store_->KnowledgeVersion(), v + 2);
}

TEST_P(StoreContractTest, DigestsBySourceInByteOrder) {
  // Byte order: "F10" < "F2" and upper case before lower case, whatever the server's locale.
  ASSERT_TRUE(store_
                  ->UpsertDocuments({Doc("F2", "a"), Doc("F10", "b"), Doc("f1", "c"),
                                     Doc("article1", "d", "travail"), Doc("Z9", "e")},
                                    10)
                  .ok());
  ASSERT_EQ(*store_->MarkWithdrawn({"particuliers/Z9"}, 20), 1);
  auto all = store_->ListDocumentDigests("");
  ASSERT_TRUE(all.ok());
  std::vector<std::string> ids;
  for (const auto& d : *all) ids.push_back(d.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"particuliers/F10", "particuliers/F2", "particuliers/Z9",
                                           "particuliers/article1", "particuliers/f1"}));
  EXPECT_EQ((*all)[2].status, DocumentStatus::kWithdrawn);
  EXPECT_EQ((*all)[0].content_hash, "b");
  auto travail = store_->ListDocumentDigests("travail");
  ASSERT_EQ(travail->size(), 1u);
  EXPECT_EQ((*travail)[0].id, "particuliers/article1");
  EXPECT_EQ(store_->ListDocumentDigests("vdd")->size(), 4u);
  EXPECT_TRUE(store_->ListDocumentDigests("inconnue")->empty());
}

TEST_P(StoreContractTest, ForEachDocumentVisitsAllInOrderAndStopsOnError) {
  std::vector<KnowledgeDocument> docs;
  for (int i = 0; i < 450; ++i) docs.push_back(Doc("F" + std::to_string(1000 + i), "h"));
  ASSERT_TRUE(store_->UpsertDocuments(docs, 10).ok());
  ASSERT_EQ(*store_->MarkWithdrawn({"particuliers/F1000", "particuliers/F1449"}, 20), 2);

  std::vector<std::string> seen;
  ASSERT_TRUE(store_
                  ->ForEachDocument(false,
                                    [&](const KnowledgeDocument& d) {
                                      seen.push_back(d.id);
                                      EXPECT_EQ(d.sections.size(), 2u);
                                      return Status::Ok();
                                    })
                  .ok());
  EXPECT_EQ(seen.size(), 448u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(seen.front(), "particuliers/F1001");

  int64_t all = 0;
  ASSERT_TRUE(store_
                  ->ForEachDocument(true,
                                    [&](const KnowledgeDocument&) {
                                      ++all;
                                      return Status::Ok();
                                    })
                  .ok());
  EXPECT_EQ(all, 450);

  int calls = 0;
  Status s = store_->ForEachDocument(true, [&](const KnowledgeDocument&) {
    return ++calls == 3 ? Cancelled("stop") : Status::Ok();
  });
  EXPECT_EQ(s.code(), StatusCode::kCancelled);
  EXPECT_EQ(calls, 3);
}

TEST_P(StoreContractTest, ReopenedStoreKeepsEverything) {
  ASSERT_TRUE(store_->UpsertDocuments({Doc("F1", "h1")}, 10).ok());
  int64_t m = NewMessage();
  int64_t d = NewDraft(m);
  store_.reset();
  auto again = backend_->Open();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*(*again)->CountDocuments(true), 1);
  EXPECT_EQ(*(*again)->KnowledgeVersion(), 1);
  EXPECT_EQ((*again)->GetMessage(m)->body, "Bonjour, j'ai perdu ma carte d'identité.");
  EXPECT_EQ((*again)->GetDraft(d)->message_id, m);
}

TEST_P(StoreContractTest, TwoHandlesSeeEachOthersWrites) {
  auto other = backend_->Open();
  ASSERT_TRUE(other.ok());
  int64_t m = NewMessage();
  EXPECT_EQ((*other)->GetMessage(m)->service, "prefecture-69");
  ASSERT_TRUE((*other)->UpdateMessageStatus(m, MessageStatus::kClosed).ok());
  EXPECT_EQ(store_->GetMessage(m)->status, MessageStatus::kClosed);
}

// Messages --------------------------------------------------------------------------------------

TEST_P(StoreContractTest, UnknownIds) {
  EXPECT_EQ(store_->GetDocument("particuliers/F404").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetMessage(404).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetMessage(-1).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetMessage(std::numeric_limits<int64_t>::max()).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->GetDraft(404).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->UpdateMessageStatus(404, MessageStatus::kClosed).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->AssignMessage(404, "agent1").code(), StatusCode::kNotFound);
  Draft d;
  d.message_id = 404;
  EXPECT_EQ(store_->CreateDraft(d).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->ListDrafts(404)->empty());
  EXPECT_TRUE(store_->ListDecisions(404)->empty());
  Decision dec;
  dec.message_id = 404;
  dec.agent = "agent1";
  dec.kind = DecisionKind::kWrittenWithoutAi;
  dec.final_text = "Réponse";
  EXPECT_EQ(store_->RecordDecision(dec).status().code(), StatusCode::kNotFound);
}

TEST_P(StoreContractTest, MessageRoundTripsEveryField) {
  Message m;
  m.service = "caf-75";
  m.channel = Channel::kWebForm;
  m.sender_name = "Zoë O'Brien";
  m.sender_email = "zoe@example.org";
  m.subject = "Objet : « allocation » 💶";
  m.body = "Ligne 1\nLigne 2\t\"guillemets\" \\ barre ; DROP TABLE messages; --";
  m.received_at_ms = 1700000000123;
  m.status = MessageStatus::kInProgress;
  m.assigned_agent = "agent7";
  m.intent = "caf.apl";
  auto id = store_->CreateMessage(m);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto back = store_->GetMessage(*id);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->id, *id);
  EXPECT_EQ(back->service, m.service);
  EXPECT_EQ(back->channel, m.channel);
  EXPECT_EQ(back->sender_name, m.sender_name);
  EXPECT_EQ(back->sender_email, m.sender_email);
  EXPECT_EQ(back->subject, m.subject);
  EXPECT_EQ(back->body, m.body);
  EXPECT_EQ(back->received_at_ms, m.received_at_ms);
  EXPECT_EQ(back->status, m.status);
  EXPECT_EQ(back->assigned_agent, m.assigned_agent);
  EXPECT_EQ(back->intent, m.intent);

  m.body = std::string(1 << 20, 'x');  // 1 MiB body
  auto big = store_->CreateMessage(m);
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(store_->GetMessage(*big)->body.size(), size_t{1} << 20);
  EXPECT_GT(*big, *id);
}

TEST_P(StoreContractTest, OddBytesAreNeverStoredAltered) {
  for (const std::string& body :
       {std::string("avant\0après", 12), std::string("invalide \xC3\x28 \xFF fin")}) {
    Message m;
    m.service = "s";
    m.body = body;
    auto id = store_->CreateMessage(m);
    if (GetParam().stores_any_bytes) {
      ASSERT_TRUE(id.ok()) << id.status().ToString();
      EXPECT_EQ(store_->GetMessage(*id)->body, body);
    } else {
      EXPECT_EQ(id.status().code(), StatusCode::kInvalidArgument);
    }
  }
  MessageFilter f;
  f.limit = 10;
  EXPECT_EQ(store_->ListMessages(f)->size(), GetParam().stores_any_bytes ? 2u : 0u);
  NewMessage();  // the store is still usable
}

TEST_P(StoreContractTest, MessageValidationAndFilters) {
  Message bad;
  bad.service = "s";
  EXPECT_EQ(store_->CreateMessage(bad).status().code(), StatusCode::kInvalidArgument);
  bad.service = "";
  bad.body = "texte";
  EXPECT_EQ(store_->CreateMessage(bad).status().code(), StatusCode::kInvalidArgument);
  for (int i = 0; i < 5; ++i) NewMessage("caf-75", 1000 + i);
  for (int i = 0; i < 3; ++i) NewMessage("mairie-lyon", 2000 + i);
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
  f.after_id = page2->back().id;
  EXPECT_EQ(store_->ListMessages(f)->size(), 1u);

  MessageFilter range;
  range.received_from_ms = 1003;
  range.received_to_ms = 2001;  // exclusive
  auto in_range = store_->ListMessages(range);
  ASSERT_EQ(in_range->size(), 3u);
  EXPECT_EQ((*in_range)[0].received_at_ms, 1003);
  EXPECT_EQ((*in_range)[2].received_at_ms, 2000);

  int64_t first_lyon = (*in_range)[2].id;
  ASSERT_TRUE(store_->UpdateMessageStatus(first_lyon, MessageStatus::kClosed).ok());
  MessageFilter closed;
  closed.status = MessageStatus::kClosed;
  auto c = store_->ListMessages(closed);
  ASSERT_EQ(c->size(), 1u);
  EXPECT_EQ((*c)[0].id, first_lyon);
  MessageFilter web;
  web.channel = Channel::kWebForm;
  EXPECT_TRUE(store_->ListMessages(web)->empty());
  web.channel = Channel::kApi;
  web.service = "mairie-lyon";
  web.status = MessageStatus::kNew;
  EXPECT_EQ(store_->ListMessages(web)->size(), 2u);

  f = MessageFilter();
  f.limit = 0;
  EXPECT_EQ(store_->ListMessages(f).status().code(), StatusCode::kInvalidArgument);
  f.limit = 1001;
  EXPECT_EQ(store_->ListMessages(f).status().code(), StatusCode::kInvalidArgument);
  f.limit = 1000;
  EXPECT_EQ(store_->ListMessages(f)->size(), 8u);
}

TEST_P(StoreContractTest, StatusAndAssignment) {
  int64_t m = NewMessage();
  ASSERT_TRUE(store_->UpdateMessageStatus(m, MessageStatus::kInProgress).ok());
  ASSERT_TRUE(store_->AssignMessage(m, "agent1").ok());
  auto back = store_->GetMessage(m);
  EXPECT_EQ(back->status, MessageStatus::kInProgress);
  EXPECT_EQ(back->assigned_agent, "agent1");
  ASSERT_TRUE(store_->AssignMessage(m, "").ok());
  EXPECT_EQ(store_->GetMessage(m)->assigned_agent, "");
}

// Drafts and decisions --------------------------------------------------------------------------

TEST_P(StoreContractTest, DraftsAndDecisions) {
  int64_t m1 = NewMessage();
  int64_t m2 = NewMessage();
  Draft d;
  d.message_id = m1;
  d.engine = "generative";
  d.engine_version = "mistral-7b";
  d.prompt_version = "v3";
  d.text = "Madame, Monsieur, ...";
  d.sources = {{"particuliers/F1344", "Perte", "https://www.service-public.fr/x", "2020-08-26"}};
  d.warnings = {"fiche ancienne", "lien « cassé »"};
  d.created_at_ms = 77;
  d.latency_ms = 1234;
  auto draft_id = store_->CreateDraft(d);
  ASSERT_TRUE(draft_id.ok());
  auto back = store_->GetDraft(*draft_id);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->message_id, m1);
  EXPECT_EQ(back->engine, "generative");
  EXPECT_EQ(back->engine_version, "mistral-7b");
  EXPECT_EQ(back->prompt_version, "v3");
  EXPECT_EQ(back->text, d.text);
  ASSERT_EQ(back->sources.size(), 1u);
  EXPECT_EQ(back->sources[0].document_id, "particuliers/F1344");
  EXPECT_EQ(back->sources[0].source_date, "2020-08-26");
  EXPECT_EQ(back->warnings, d.warnings);
  EXPECT_EQ(back->created_at_ms, 77);
  EXPECT_EQ(back->latency_ms, 1234);
  int64_t second = NewDraft(m1);
  auto drafts = store_->ListDrafts(m1);
  ASSERT_EQ(drafts->size(), 2u);
  EXPECT_EQ((*drafts)[0].id, *draft_id);
  EXPECT_EQ((*drafts)[1].id, second);
  EXPECT_TRUE(store_->ListDrafts(m2)->empty());

  Decision wrong;
  wrong.message_id = m2;
  wrong.draft_id = *draft_id;
  wrong.agent = "agent1";
  wrong.kind = DecisionKind::kAccepted;
  wrong.final_text = "x";
  EXPECT_EQ(store_->RecordDecision(wrong).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetMessage(m2)->status, MessageStatus::kNew);  // nothing half-written
  EXPECT_TRUE(store_->ListDecisions(m2)->empty());

  Decision unknown_draft = wrong;
  unknown_draft.draft_id = 999999;
  EXPECT_EQ(store_->RecordDecision(unknown_draft).status().code(), StatusCode::kNotFound);

  Decision ok = wrong;
  ok.message_id = m1;
  ok.kind = DecisionKind::kEdited;
  ok.edit_distance = 12;
  ok.decided_at_ms = 99;
  auto decision_id = store_->RecordDecision(ok);
  ASSERT_TRUE(decision_id.ok());
  EXPECT_EQ(store_->GetMessage(m1)->status, MessageStatus::kAnswered);
  auto decisions = store_->ListDecisions(m1);
  ASSERT_EQ(decisions->size(), 1u);
  EXPECT_EQ((*decisions)[0].id, *decision_id);
  EXPECT_EQ((*decisions)[0].edit_distance, 12);
  EXPECT_EQ((*decisions)[0].kind, DecisionKind::kEdited);
  EXPECT_EQ((*decisions)[0].draft_id, *draft_id);
  EXPECT_EQ((*decisions)[0].agent, "agent1");
  EXPECT_EQ((*decisions)[0].final_text, "x");
  EXPECT_EQ((*decisions)[0].decided_at_ms, 99);

  Decision no_agent = ok;
  no_agent.agent = "";
  EXPECT_EQ(store_->RecordDecision(no_agent).status().code(), StatusCode::kInvalidArgument);
  Decision no_text = ok;
  no_text.final_text = "";
  EXPECT_EQ(store_->RecordDecision(no_text).status().code(), StatusCode::kInvalidArgument);
  Decision no_draft = ok;
  no_draft.draft_id.reset();
  EXPECT_EQ(store_->RecordDecision(no_draft).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ListDecisions(m1)->size(), 1u);
}

TEST_P(StoreContractTest, DiscardKeepsMessageOpenAndWrittenWithoutAiAnswersIt) {
  int64_t m = NewMessage();
  int64_t d = NewDraft(m);
  Decision discard;
  discard.message_id = m;
  discard.draft_id = d;
  discard.agent = "agent1";
  discard.kind = DecisionKind::kDiscarded;
  ASSERT_TRUE(store_->RecordDecision(discard).ok());
  EXPECT_EQ(store_->GetMessage(m)->status, MessageStatus::kNew);
  Decision own;
  own.message_id = m;
  own.agent = "agent1";
  own.kind = DecisionKind::kWrittenWithoutAi;
  own.final_text = "Réponse rédigée à la main.";
  ASSERT_TRUE(store_->RecordDecision(own).ok());
  EXPECT_EQ(store_->GetMessage(m)->status, MessageStatus::kAnswered);
  auto decisions = store_->ListDecisions(m);
  ASSERT_EQ(decisions->size(), 2u);
  EXPECT_EQ((*decisions)[0].kind, DecisionKind::kDiscarded);
  EXPECT_FALSE((*decisions)[1].draft_id.has_value());
}

TEST_P(StoreContractTest, ConcurrentWriters) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this] {
      for (int i = 0; i < 25; ++i) NewMessage();
    });
  }
  for (auto& t : threads) t.join();
  MessageFilter f;
  f.limit = 1000;
  auto all = store_->ListMessages(f);
  ASSERT_EQ(all->size(), 100u);
  for (size_t i = 1; i < all->size(); ++i) EXPECT_GT((*all)[i].id, (*all)[i - 1].id);
}

TEST_P(StoreContractTest, ConcurrentDecisionsOnOneMessage) {
  int64_t m = NewMessage();
  std::vector<int64_t> drafts;
  for (int i = 0; i < 4; ++i) drafts.push_back(NewDraft(m));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Decision d;
      d.message_id = m;
      d.draft_id = drafts[static_cast<size_t>(t)];
      d.agent = "agent" + std::to_string(t);
      d.kind = DecisionKind::kAccepted;
      d.final_text = "ok";
      EXPECT_TRUE(store_->RecordDecision(d).ok());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(store_->ListDecisions(m)->size(), 4u);
  EXPECT_EQ(store_->GetMessage(m)->status, MessageStatus::kAnswered);
}

// Workflow, accounts, sessions, tokens, audit -------------------------------------------------

TEST_P(StoreContractTest, CountMessagesByStatus) {
  int64_t a = NewMessage("caf-75");
  NewMessage("caf-75");
  int64_t c = NewMessage("caf-75");
  NewMessage("mairie-lyon");
  ASSERT_TRUE(store_->UpdateMessageStatus(a, MessageStatus::kInProgress).ok());
  ASSERT_TRUE(store_->UpdateMessageStatus(c, MessageStatus::kClosed).ok());
  auto caf = store_->CountMessagesByStatus("caf-75");
  ASSERT_TRUE(caf.ok()) << caf.status().ToString();
  EXPECT_EQ(caf->new_messages, 1);
  EXPECT_EQ(caf->in_progress, 1);
  EXPECT_EQ(caf->answered, 0);
  EXPECT_EQ(caf->closed, 1);
  auto all = store_->CountMessagesByStatus("");
  EXPECT_EQ(all->new_messages, 2);
  auto none = store_->CountMessagesByStatus("inconnu");
  EXPECT_EQ(none->new_messages + none->in_progress + none->answered + none->closed, 0);
}

TEST_P(StoreContractTest, AgentsAreUniqueByLogin) {
  int64_t id = NewAgent("jdupont", "caf-75");
  auto a = store_->GetAgent(id);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->login, "jdupont");
  EXPECT_EQ(a->display_name, "Agent jdupont");
  EXPECT_EQ(a->role, AgentRole::kAgent);
  EXPECT_EQ(a->service, "caf-75");
  EXPECT_EQ(a->password_hash, "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA");
  EXPECT_EQ(a->created_at_ms, 5);
  EXPECT_EQ(store_->GetAgentByLogin("jdupont")->id, id);
  EXPECT_EQ(store_->GetAgentByLogin("inconnu").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetAgent(id + 100).status().code(), StatusCode::kNotFound);

  Agent dup = *a;
  dup.service = "autre";
  EXPECT_EQ(store_->CreateAgent(dup).status().code(), StatusCode::kAlreadyExists);
  Agent admin = *a;
  admin.login = "admin";
  admin.role = AgentRole::kAdmin;
  auto admin_id = store_->CreateAgent(admin);
  ASSERT_TRUE(admin_id.ok());
  EXPECT_EQ(store_->GetAgent(*admin_id)->role, AgentRole::kAdmin);
  for (auto field : {&Agent::login, &Agent::service, &Agent::password_hash}) {
    Agent bad = *a;
    bad.login = "autre-login";
    bad.*field = "";
    EXPECT_EQ(store_->CreateAgent(bad).status().code(), StatusCode::kInvalidArgument);
  }
}

TEST_P(StoreContractTest, AssignMessageToLoginChecksService) {
  NewAgent("caf1", "caf-75");
  NewAgent("lyon1", "mairie-lyon");
  int64_t m = NewMessage("caf-75");
  EXPECT_EQ(store_->AssignMessageToLogin(m, "lyon1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->AssignMessageToLogin(m, "inconnu").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->AssignMessageToLogin(m + 100, "caf1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetMessage(m)->assigned_agent, "");
  auto assigned = store_->AssignMessageToLogin(m, "caf1");
  ASSERT_TRUE(assigned.ok()) << assigned.status().ToString();
  EXPECT_EQ(assigned->id, m);
  EXPECT_EQ(assigned->assigned_agent, "caf1");
  EXPECT_EQ(assigned->status, MessageStatus::kInProgress);
  ASSERT_TRUE(store_->UpdateMessageStatus(m, MessageStatus::kAnswered).ok());
  auto again = store_->AssignMessageToLogin(m, "caf1");
  EXPECT_EQ(again->status, MessageStatus::kAnswered);  // only kNew moves to kInProgress
}

TEST_P(StoreContractTest, DecisionWithAuditIsAtomic) {
  int64_t m = NewMessage("caf-75");
  int64_t other = NewMessage("caf-75");
  int64_t d = NewDraft(m);
  Decision dec;
  dec.message_id = m;
  dec.draft_id = d;
  dec.agent = "caf1";
  dec.kind = DecisionKind::kAccepted;
  dec.final_text = "Réponse envoyée";
  AuditEntry audit;
  audit.at_ms = 42;
  audit.service = "caf-75";
  audit.agent = "caf1";
  audit.action = "reply_sent";
  audit.engine = "embedded";
  audit.sources = {"particuliers/F1", "particuliers/F2"};
  audit.final_text = dec.final_text;
  audit.message_id = 12345;  // overwritten from the decision
  auto id = store_->RecordDecisionWithAudit(dec, audit);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto entries = store_->ListAudit(AuditFilter{});
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  const AuditEntry& e = (*entries)[0];
  EXPECT_EQ(e.message_id, m);
  EXPECT_EQ(e.draft_id, d);
  EXPECT_EQ(e.decision, "accepted");
  EXPECT_EQ(e.sources, audit.sources);
  EXPECT_EQ(e.at_ms, 42);
  EXPECT_EQ(e.action, "reply_sent");
  EXPECT_EQ(store_->GetMessage(m)->status, MessageStatus::kAnswered);

  // A failing decision writes no audit line; a failing audit line writes no decision.
  Decision wrong = dec;
  wrong.message_id = other;
  EXPECT_EQ(store_->RecordDecisionWithAudit(wrong, audit).status().code(),
            StatusCode::kInvalidArgument);
  AuditEntry no_action = audit;
  no_action.action = "";
  Decision own;
  own.message_id = other;
  own.agent = "caf1";
  own.kind = DecisionKind::kWrittenWithoutAi;
  own.final_text = "Réponse";
  EXPECT_EQ(store_->RecordDecisionWithAudit(own, no_action).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_->ListDecisions(other)->empty());
  EXPECT_EQ(store_->GetMessage(other)->status, MessageStatus::kNew);
  EXPECT_EQ(store_->ListAudit(AuditFilter{})->size(), 1u);
}

TEST_P(StoreContractTest, Sessions) {
  int64_t agent = NewAgent("caf1", "caf-75");
  ASSERT_TRUE(store_->CreateSession({"hash-a", agent, 10, 100}).ok());
  ASSERT_TRUE(store_->CreateSession({"hash-b", agent, 10, 200}).ok());
  EXPECT_FALSE(store_->CreateSession({"hash-a", agent, 10, 300}).ok());  // token hash is a key
  EXPECT_EQ(store_->CreateSession({"", agent, 10, 300}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->CreateSession({"hash-c", agent + 100, 10, 300}).code(),
            StatusCode::kInvalidArgument);  // unknown agent
  auto s = store_->GetSession("hash-a");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->agent_id, agent);
  EXPECT_EQ(s->created_at_ms, 10);
  EXPECT_EQ(s->expires_at_ms, 100);
  EXPECT_EQ(store_->GetSession("hash-c").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*store_->DeleteExpiredSessions(100), 1);  // expires_at <= now
  EXPECT_EQ(store_->GetSession("hash-a").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*store_->DeleteExpiredSessions(100), 0);
  ASSERT_TRUE(store_->DeleteSession("hash-b").ok());
  ASSERT_TRUE(store_->DeleteSession("hash-b").ok());  // unknown: not an error
  EXPECT_EQ(store_->GetSession("hash-b").status().code(), StatusCode::kNotFound);
}

TEST_P(StoreContractTest, ApiTokens) {
  auto id = store_->CreateApiToken({0, "tok-hash", "caf-75", "formulaire web", 7, false});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto revoked = store_->CreateApiToken({0, "tok-old", "caf-75", "ancien", 8, true});
  ASSERT_TRUE(revoked.ok());
  auto t = store_->GetApiTokenByHash("tok-hash");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->id, *id);
  EXPECT_EQ(t->service, "caf-75");
  EXPECT_EQ(t->label, "formulaire web");
  EXPECT_EQ(t->created_at_ms, 7);
  EXPECT_FALSE(t->revoked);
  EXPECT_TRUE(store_->GetApiTokenByHash("tok-old")->revoked);
  EXPECT_EQ(store_->GetApiTokenByHash("inconnu").status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(store_->CreateApiToken({0, "tok-hash", "autre", "", 9, false}).ok());
  EXPECT_EQ(store_->CreateApiToken({0, "", "caf-75", "", 9, false}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->CreateApiToken({0, "h2", "", "", 9, false}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_P(StoreContractTest, AuditListAndFilters) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 6; ++i) {
    AuditEntry e;
    e.at_ms = 100 + i;
    e.service = i % 2 ? "caf-75" : "mairie-lyon";
    e.agent = "agent";
    e.action = "login";
    if (i >= 4) e.message_id = 77;
    e.detail = "détail " + std::to_string(i);
    auto id = store_->AppendAudit(e);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    ids.push_back(*id);
  }
  AuditEntry bad;
  EXPECT_EQ(store_->AppendAudit(bad).status().code(), StatusCode::kInvalidArgument);
  AuditFilter f;
  auto all = store_->ListAudit(f);
  ASSERT_EQ(all->size(), 6u);
  EXPECT_EQ((*all)[0].id, ids[0]);
  EXPECT_EQ((*all)[5].detail, "détail 5");
  EXPECT_FALSE((*all)[0].message_id.has_value());
  EXPECT_FALSE((*all)[0].draft_id.has_value());
  EXPECT_TRUE((*all)[0].sources.empty());
  f.service = "caf-75";
  f.limit = 2;
  auto page = store_->ListAudit(f);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, ids[1]);
  EXPECT_EQ((*page)[1].id, ids[3]);
  f.after_id = (*page)[1].id;
  page = store_->ListAudit(f);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].id, ids[5]);
  AuditFilter by_message;
  by_message.message_id = 77;
  EXPECT_EQ(store_->ListAudit(by_message)->size(), 2u);
  by_message.limit = 0;
  EXPECT_EQ(store_->ListAudit(by_message).status().code(), StatusCode::kInvalidArgument);
  by_message.limit = 1001;
  EXPECT_EQ(store_->ListAudit(by_message).status().code(), StatusCode::kInvalidArgument);
}

// Outcomes (issue #5) ----------------------------------------------------------------------------

TEST_P(StoreContractTest, SatisfactionLinksAndRatings) {
  const int64_t m1 = NewMessage("caf-75");
  const int64_t m2 = NewMessage("mairie-lyon");
  const int64_t d1 = NewDraft(m1);
  Decision discard;
  discard.message_id = m1;
  discard.draft_id = d1;
  discard.agent = "agent1";
  discard.kind = DecisionKind::kDiscarded;
  discard.decided_at_ms = 1500;
  auto discard_id = store_->RecordDecision(discard);
  ASSERT_TRUE(discard_id.ok());
  Decision sent = discard;
  sent.kind = DecisionKind::kEdited;
  sent.final_text = "Madame, ...";
  sent.decided_at_ms = 2000;
  auto sent_id = store_->RecordDecision(sent);
  ASSERT_TRUE(sent_id.ok());
  Decision sent2;
  sent2.message_id = m2;
  sent2.agent = "agent2";
  sent2.kind = DecisionKind::kWrittenWithoutAi;
  sent2.final_text = "Bonjour";
  sent2.decided_at_ms = 5000;
  auto sent2_id = store_->RecordDecision(sent2);
  ASSERT_TRUE(sent2_id.ok());

  SatisfactionLink link{"hash-1", *sent_id, m1, "", 2000, 2000 + 30 * 86'400'000LL, {}};
  ASSERT_TRUE(store_->CreateSatisfactionLink(link).ok());
  EXPECT_EQ(store_->CreateSatisfactionLink(link).code(), StatusCode::kAlreadyExists);
  SatisfactionLink same_decision = link;
  same_decision.token_hash = "hash-other";
  EXPECT_EQ(store_->CreateSatisfactionLink(same_decision).code(), StatusCode::kAlreadyExists);
  SatisfactionLink of_discard{"hash-d", *discard_id, m1, "", 1, 2, {}};
  EXPECT_EQ(store_->CreateSatisfactionLink(of_discard).code(), StatusCode::kInvalidArgument);
  SatisfactionLink wrong_message{"hash-w", *sent_id, m2, "", 1, 2, {}};
  EXPECT_EQ(store_->CreateSatisfactionLink(wrong_message).code(), StatusCode::kInvalidArgument);
  SatisfactionLink unknown{"hash-u", 999999, m1, "", 1, 2, {}};
  EXPECT_EQ(store_->CreateSatisfactionLink(unknown).code(), StatusCode::kNotFound);
  ASSERT_TRUE(
      store_->CreateSatisfactionLink({"hash-2", *sent2_id, m2, "", 5000, 9'000'000'000LL, {}})
          .ok());

  auto back = store_->GetSatisfactionLink("hash-1");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->decision_id, *sent_id);
  EXPECT_EQ(back->message_id, m1);
  EXPECT_EQ(back->service, "caf-75");
  EXPECT_EQ(back->created_at_ms, 2000);
  EXPECT_EQ(back->expires_at_ms, link.expires_at_ms);
  EXPECT_FALSE(back->rating.has_value());
  EXPECT_EQ(store_->GetSatisfactionLink("nope").status().code(), StatusCode::kNotFound);

  SatisfactionRating r;
  r.score = 4;
  r.useful = true;
  r.comment = "Réponse claire, merci « beaucoup »";
  r.rated_at_ms = 3000;
  r.updated_at_ms = 3000;
  ASSERT_TRUE(store_->SaveSatisfactionRating("hash-1", r).ok());
  r.score = 0;
  EXPECT_EQ(store_->SaveSatisfactionRating("hash-1", r).code(), StatusCode::kInvalidArgument);
  r.score = 5;
  r.useful.reset();
  r.updated_at_ms = 4000;
  ASSERT_TRUE(store_->SaveSatisfactionRating("hash-1", r).ok());  // replaced, still one
  EXPECT_EQ(store_->SaveSatisfactionRating("nope", r).code(), StatusCode::kNotFound);
  back = store_->GetSatisfactionLink("hash-1");
  ASSERT_TRUE(back->rating.has_value());
  EXPECT_EQ(back->rating->score, 5);
  EXPECT_FALSE(back->rating->useful.has_value());
  EXPECT_EQ(back->rating->comment, r.comment);
  EXPECT_EQ(back->rating->rated_at_ms, 3000);
  EXPECT_EQ(back->rating->updated_at_ms, 4000);
  EXPECT_EQ(back->rating->decision_id, *sent_id);

  // Listed by the reply's decided_at and the message's service; unrated links are not listed.
  auto all = store_->ListSatisfactionRatings({"", 0, 10'000});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].decision_id, *sent_id);
  EXPECT_EQ((*all)[0].message_id, m1);
  SatisfactionRating r2;
  r2.score = 2;
  r2.useful = false;
  ASSERT_TRUE(store_->SaveSatisfactionRating("hash-2", r2).ok());
  EXPECT_EQ(store_->ListSatisfactionRatings({"", 0, 10'000})->size(), 2u);
  EXPECT_EQ(store_->ListSatisfactionRatings({"caf-75", 0, 10'000})->size(), 1u);
  EXPECT_EQ(store_->ListSatisfactionRatings({"", 2001, 10'000})->size(), 1u);
  EXPECT_EQ(store_->ListSatisfactionRatings({"", 0, 2000})->size(), 0u);
  auto lyon = store_->ListSatisfactionRatings({"mairie-lyon", 0, 10'000});
  ASSERT_EQ(lyon->size(), 1u);
  EXPECT_EQ((*lyon)[0].useful, std::optional<bool>(false));
}

TEST_P(StoreContractTest, DraftFeedbackOnePerAgentAndDraft) {
  const int64_t m1 = NewMessage("caf-75");
  const int64_t m2 = NewMessage("mairie-lyon");
  const int64_t d1 = NewDraft(m1);
  const int64_t d2 = NewDraft(m2);
  DraftFeedback fb;
  fb.draft_id = d1;
  fb.message_id = 424242;  // ignored: taken from the draft
  fb.agent = "agent.caf";
  fb.thumbs_up = false;
  fb.reasons = {FeedbackReason::kInexact, FeedbackReason::kOutdatedSource};
  fb.comment = "La fiche date de 2020.";
  fb.created_at_ms = 100;
  auto id = store_->SaveDraftFeedback(fb);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  fb.thumbs_up = true;
  fb.reasons = {FeedbackReason::kTone};
  fb.created_at_ms = 200;
  auto again = store_->SaveDraftFeedback(fb);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *id);  // replaced, not added
  DraftFeedback other;
  other.draft_id = d2;
  other.agent = "agent.lyon";
  other.thumbs_up = false;
  other.created_at_ms = 300;
  ASSERT_TRUE(store_->SaveDraftFeedback(other).ok());
  other.draft_id = 999999;
  EXPECT_EQ(store_->SaveDraftFeedback(other).status().code(), StatusCode::kNotFound);
  other.draft_id = d2;
  other.agent = "";
  EXPECT_EQ(store_->SaveDraftFeedback(other).status().code(), StatusCode::kInvalidArgument);

  auto all = store_->ListDraftFeedback({"", 0, 1000});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 2u);
  const DraftFeedback& first = (*all)[0];
  EXPECT_EQ(first.id, *id);
  EXPECT_EQ(first.draft_id, d1);
  EXPECT_EQ(first.message_id, m1);
  EXPECT_EQ(first.agent, "agent.caf");
  EXPECT_TRUE(first.thumbs_up);
  EXPECT_EQ(first.reasons, std::vector<FeedbackReason>{FeedbackReason::kTone});
  EXPECT_EQ(first.comment, "La fiche date de 2020.");
  EXPECT_EQ(first.created_at_ms, 200);
  EXPECT_EQ(store_->ListDraftFeedback({"mairie-lyon", 0, 1000})->size(), 1u);
  EXPECT_EQ(store_->ListDraftFeedback({"", 201, 1000})->size(), 1u);
  EXPECT_TRUE(store_->ListDraftFeedback({"prefecture-69", 0, 1000})->empty());
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreContractTest,
                         ::testing::Values(Engine{"Sqlite", false, true},
                                           Engine{"Postgres", true, false}),
                         [](const ::testing::TestParamInfo<Engine>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace plume
