// The Store contract: every behaviour of include/plume/store.h, run against each engine
// (SqliteStore on a temporary file, PostgresStore on a fresh schema of the test server).
// Engine-specific matters (files, WAL, migrations, pool) live in sqlite_store_test.cc and
// postgres_store_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <future>
#include <limits>
#include <mutex>
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

// Several nodes (issue #8): waiting for knowledge changes.
TEST_P(StoreContractTest, WaitForKnowledgeChangeReturnsAtOnceWhenBehindAndOnTimeout) {
  ASSERT_TRUE(store_->UpsertDocuments({Doc("F1", "h1")}, 10).ok());
  // Known version already stale: no wait (a 10-minute timeout would hang the test otherwise).
  auto behind = store_->WaitForKnowledgeChange(0, 600'000);
  ASSERT_TRUE(behind.ok()) << behind.status().ToString();
  EXPECT_EQ(*behind, 1);
  // Nothing changes: the current version once the (short) timeout expires.
  auto same = store_->WaitForKnowledgeChange(1, 20);
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ(*same, 1);
  // An unchanged upsert bumps nothing, so a waiter is not told about it.
  ASSERT_TRUE(store_->UpsertDocuments({Doc("F1", "h1")}, 11).ok());
  EXPECT_EQ(*store_->WaitForKnowledgeChange(1, 20), 1);
}

TEST_P(StoreContractTest, WaitForKnowledgeChangeWakesOnACommittedChange) {
  // PostgreSQL: the change comes from another handle (another node); SQLite: from the same object.
  std::unique_ptr<Store> other_handle;
  if (GetParam().needs_postgres) {
    auto other = backend_->Open();
    ASSERT_TRUE(other.ok()) << other.status().ToString();
    other_handle = std::move(other).value();
  }
  Store& writer = other_handle ? *other_handle : *store_;
  ASSERT_TRUE(store_->WaitForKnowledgeChange(0, 0).ok());  // starts listening (PostgreSQL)
  for (DocumentStatus change : {DocumentStatus::kActive, DocumentStatus::kWithdrawn}) {
    const int64_t before = *store_->KnowledgeVersion();
    // The waiter's own timeout is far longer than the bound below: only a wake-up passes.
    auto waiter = std::async(std::launch::async,
                             [&] { return store_->WaitForKnowledgeChange(before, 120'000); });
    if (change == DocumentStatus::kActive) {
      ASSERT_TRUE(writer.UpsertDocuments({Doc("F7", "h" + std::to_string(before))}, 20).ok());
    } else {
      ASSERT_EQ(*writer.MarkWithdrawn({"particuliers/F7"}, 30), 1);
    }
    ASSERT_EQ(waiter.wait_for(std::chrono::seconds(60)), std::future_status::ready)
        << "the waiter was not woken by the committed change";
    auto woken = waiter.get();
    ASSERT_TRUE(woken.ok()) << woken.status().ToString();
    EXPECT_EQ(*woken, before + 1);
  }
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
  std::atomic<int> recorded{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Decision d;
      d.message_id = m;
      d.draft_id = drafts[static_cast<size_t>(t)];
      d.agent = "agent" + std::to_string(t);
      d.kind = DecisionKind::kAccepted;
      d.final_text = "ok";
      Result<int64_t> r = store_->RecordDecision(d);
      if (r.ok()) {
        ++recorded;
      } else {
        EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition) << r.status().ToString();
      }
    });
  }
  for (auto& t : threads) t.join();
  // Exactly one reply goes out; the others learn the message is already answered.
  EXPECT_EQ(recorded.load(), 1);
  EXPECT_EQ(store_->ListDecisions(m)->size(), 1u);
  EXPECT_EQ(store_->GetMessage(m)->status, MessageStatus::kAnswered);
  // A discard is still recorded on an answered message (the agent's feedback on a draft).
  Decision discard;
  discard.message_id = m;
  discard.draft_id = drafts[0];
  discard.agent = "agent9";
  discard.kind = DecisionKind::kDiscarded;
  EXPECT_TRUE(store_->RecordDecision(discard).ok());
  Decision own;
  own.message_id = m;
  own.agent = "agent9";
  own.kind = DecisionKind::kWrittenWithoutAi;
  own.final_text = "Deuxième réponse";
  EXPECT_EQ(store_->RecordDecision(own).status().code(), StatusCode::kFailedPrecondition);
  AuditEntry audit;
  audit.at_ms = 1;
  audit.service = "prefecture-69";
  audit.agent = "agent9";
  audit.action = "reply_sent";
  EXPECT_EQ(store_->RecordDecisionWithAudit(own, audit).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->ListDecisions(m)->size(), 2u);
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
  // The counts follow every path that changes a status: replies, assignment, new messages.
  Decision reply;
  reply.message_id = a;
  reply.agent = "agent1";
  reply.kind = DecisionKind::kWrittenWithoutAi;
  reply.final_text = "Réponse";
  ASSERT_TRUE(store_->RecordDecision(reply).ok());
  NewAgent("agent-caf", "caf-75");
  int64_t d = NewMessage("caf-75");
  ASSERT_TRUE(store_->AssignMessageToLogin(d, "agent-caf").ok());
  caf = store_->CountMessagesByStatus("caf-75");
  EXPECT_EQ(caf->new_messages, 1);
  EXPECT_EQ(caf->in_progress, 1);
  EXPECT_EQ(caf->answered, 1);
  EXPECT_EQ(caf->closed, 1);
  // Same figures as counting the messages themselves.
  MessageFilter f;
  f.service = "caf-75";
  f.limit = 1000;
  auto listed = store_->ListMessages(f);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(static_cast<int64_t>(listed->size()),
            caf->new_messages + caf->in_progress + caf->answered + caf->closed);
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

TEST_P(StoreContractTest, GetDecisionById) {
  const int64_t m = NewMessage();
  const int64_t d = NewDraft(m);
  Decision dec;
  dec.message_id = m;
  dec.draft_id = d;
  dec.agent = "claire";
  dec.kind = DecisionKind::kEdited;
  dec.final_text = "Bonjour, voici la réponse.";
  dec.edit_distance = 7;
  dec.decided_at_ms = 1234;
  auto id = store_->RecordDecision(dec);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto got = store_->GetDecision(*id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->id, *id);
  EXPECT_EQ(got->message_id, m);
  EXPECT_EQ(got->draft_id, d);
  EXPECT_EQ(got->agent, "claire");
  EXPECT_EQ(got->kind, DecisionKind::kEdited);
  EXPECT_EQ(got->final_text, "Bonjour, voici la réponse.");
  EXPECT_EQ(got->edit_distance, 7);
  EXPECT_EQ(got->decided_at_ms, 1234);
  EXPECT_EQ(store_->GetDecision(*id + 1000).status().code(), StatusCode::kNotFound);
}

TEST_P(StoreContractTest, ReplyTemplatesLifecycleAndVersion) {
  auto v0 = store_->ReplyTemplateVersion();
  ASSERT_TRUE(v0.ok()) << v0.status().ToString();
  const int64_t kb0 = *store_->KnowledgeVersion();
  const int64_t m = NewMessage();
  Decision dec;
  dec.message_id = m;
  dec.agent = "claire";
  dec.kind = DecisionKind::kWrittenWithoutAi;
  dec.final_text = "Réponse envoyée.";
  dec.decided_at_ms = 10;
  auto decision_id = store_->RecordDecision(dec);
  ASSERT_TRUE(decision_id.ok());

  StoredReplyTemplate t;
  t.service = "prefecture-69";
  t.title = "Carte d'identité perdue";
  t.body = "{{civilite}}, pour refaire la carte, faites une pré-demande en ligne.";
  t.intent = "titres";
  t.document_ids = {"particuliers/F1344", "particuliers/F1341"};
  t.proposed_by = "claire";
  t.proposed_at_ms = 20;
  t.source_decision_id = *decision_id;
  auto id = store_->CreateReplyTemplate(t);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto v1 = store_->ReplyTemplateVersion();
  ASSERT_TRUE(v1.ok());
  EXPECT_GT(*v1, *v0);
  EXPECT_EQ(*store_->KnowledgeVersion(), kb0);  // the search index is not concerned

  auto got = store_->GetReplyTemplate(*id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->service, "prefecture-69");
  EXPECT_EQ(got->title, "Carte d'identité perdue");
  EXPECT_EQ(got->body, t.body);
  EXPECT_EQ(got->intent, "titres");
  EXPECT_EQ(got->document_ids, t.document_ids);
  EXPECT_EQ(got->status, ReplyTemplateStatus::kCandidate);
  EXPECT_EQ(got->proposed_by, "claire");
  EXPECT_EQ(got->proposed_at_ms, 20);
  EXPECT_EQ(got->reviewed_by, "");
  EXPECT_FALSE(got->reviewed_at_ms.has_value());
  EXPECT_EQ(got->source_decision_id, *decision_id);

  // One template per decision; unknown decisions and missing fields are refused.
  EXPECT_EQ(store_->CreateReplyTemplate(t).status().code(), StatusCode::kAlreadyExists);
  StoredReplyTemplate bad = t;
  bad.source_decision_id = *decision_id + 1000;
  EXPECT_EQ(store_->CreateReplyTemplate(bad).status().code(), StatusCode::kNotFound);
  for (auto clear : std::vector<std::function<void(StoredReplyTemplate&)>>{
           [](StoredReplyTemplate& x) { x.service.clear(); },
           [](StoredReplyTemplate& x) { x.body.clear(); },
           [](StoredReplyTemplate& x) { x.proposed_by.clear(); }}) {
    StoredReplyTemplate empty = t;
    empty.source_decision_id.reset();
    clear(empty);
    EXPECT_EQ(store_->CreateReplyTemplate(empty).status().code(), StatusCode::kInvalidArgument);
  }
  // Without a source decision, and in another service.
  StoredReplyTemplate other = t;
  other.source_decision_id.reset();
  other.service = "caf-75";
  other.document_ids.clear();
  other.intent.clear();
  auto other_id = store_->CreateReplyTemplate(other);
  ASSERT_TRUE(other_id.ok()) << other_id.status().ToString();
  EXPECT_TRUE(store_->GetReplyTemplate(*other_id)->document_ids.empty());
  EXPECT_FALSE(store_->GetReplyTemplate(*other_id)->source_decision_id.has_value());

  // Listing by service and status.
  ReplyTemplateFilter f;
  f.service = "prefecture-69";
  f.status = ReplyTemplateStatus::kCandidate;
  auto listed = store_->ListReplyTemplates(f);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, *id);
  EXPECT_EQ(store_->ListReplyTemplates({})->size(), 2u);
  f.status = ReplyTemplateStatus::kApproved;
  EXPECT_TRUE(store_->ListReplyTemplates(f)->empty());
  ReplyTemplateFilter page;
  page.after_id = *id;
  EXPECT_EQ(store_->ListReplyTemplates(page)->size(), 1u);
  page.limit = 0;
  EXPECT_EQ(store_->ListReplyTemplates(page).status().code(), StatusCode::kInvalidArgument);

  // Review: approve with an edited body; the title is kept when not given.
  const int64_t v_before_review = *store_->ReplyTemplateVersion();
  ReplyTemplateReview review;
  review.status = ReplyTemplateStatus::kApproved;
  review.reviewer = "sophie";
  review.at_ms = 30;
  review.body = "Bonjour, voici la marche à suivre.";
  auto reviewed = store_->ReviewReplyTemplate(*id, review);
  ASSERT_TRUE(reviewed.ok()) << reviewed.status().ToString();
  EXPECT_EQ(reviewed->status, ReplyTemplateStatus::kApproved);
  EXPECT_EQ(reviewed->reviewed_by, "sophie");
  EXPECT_EQ(reviewed->reviewed_at_ms, 30);
  EXPECT_EQ(reviewed->body, "Bonjour, voici la marche à suivre.");
  EXPECT_EQ(reviewed->title, "Carte d'identité perdue");
  EXPECT_GT(*store_->ReplyTemplateVersion(), v_before_review);
  EXPECT_EQ(store_->ListReplyTemplates(f)->size(), 1u);  // now approved
  EXPECT_EQ(store_->GetReplyTemplate(*id)->body, "Bonjour, voici la marche à suivre.");

  // A later rejection withdraws it; invalid reviews change nothing.
  ReplyTemplateReview reject;
  reject.status = ReplyTemplateStatus::kRejected;
  reject.reviewer = "sophie";
  reject.at_ms = 40;
  reject.title = "Obsolète";
  ASSERT_TRUE(store_->ReviewReplyTemplate(*id, reject).ok());
  EXPECT_EQ(store_->GetReplyTemplate(*id)->status, ReplyTemplateStatus::kRejected);
  EXPECT_EQ(store_->GetReplyTemplate(*id)->title, "Obsolète");
  EXPECT_EQ(store_->ReviewReplyTemplate(*id + 1000, reject).status().code(), StatusCode::kNotFound);
  const int64_t v_before_invalid = *store_->ReplyTemplateVersion();
  ReplyTemplateReview invalid = reject;
  invalid.status = ReplyTemplateStatus::kCandidate;
  EXPECT_EQ(store_->ReviewReplyTemplate(*id, invalid).status().code(),
            StatusCode::kInvalidArgument);
  invalid = reject;
  invalid.reviewer.clear();
  EXPECT_EQ(store_->ReviewReplyTemplate(*id, invalid).status().code(),
            StatusCode::kInvalidArgument);
  invalid = reject;
  invalid.body = "";
  EXPECT_EQ(store_->ReviewReplyTemplate(*id, invalid).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*store_->ReplyTemplateVersion(), v_before_invalid);
  EXPECT_EQ(store_->GetReplyTemplate(*id)->title, "Obsolète");
  EXPECT_EQ(store_->GetReplyTemplate(*id + 1000).status().code(), StatusCode::kNotFound);

  // Another connection (another node) sees the same templates and counter.
  auto again = backend_->Open();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*(*again)->ReplyTemplateVersion(), *store_->ReplyTemplateVersion());
  EXPECT_EQ((*again)->GetReplyTemplate(*id)->status, ReplyTemplateStatus::kRejected);
}

// --- E-mail channel (issue #7): envelopes, attachments, outbox -----------------------------------

TEST_P(StoreContractTest, EmailEnvelopesThreadingAndAttachments) {
  const int64_t first = NewMessage("mairie-35");
  const int64_t second = NewMessage("mairie-35");
  const int64_t other = NewMessage("caf-75");
  EmailEnvelope env;
  env.message_id = first;
  env.rfc_message_id = "citoyen-1@example.fr";
  std::string binary("%PDF\0\xFF\x01 fin", 11);
  EmailAttachment pdf;
  pdf.filename = "justificatif été.pdf";
  pdf.content_type = "application/pdf";
  pdf.size = static_cast<int64_t>(binary.size());
  pdf.sha256 = "abc123";
  pdf.data = binary;
  EmailAttachment big;
  big.filename = "video.mp4";
  big.content_type = "video/mp4";
  big.size = 40'000'000;
  big.dropped = true;
  ASSERT_TRUE(store_->SaveEmailEnvelope(env, {pdf, big}).ok());
  EXPECT_EQ(store_->SaveEmailEnvelope(env, {}).code(), StatusCode::kAlreadyExists);

  EmailEnvelope reply;
  reply.message_id = second;
  reply.rfc_message_id = "citoyen-2@example.fr";
  reply.in_reply_to = "citoyen-1@example.fr";
  reply.references = {"racine@example.fr", "citoyen-1@example.fr"};
  reply.thread_parent_id = first;
  ASSERT_TRUE(store_->SaveEmailEnvelope(reply, {}).ok());

  auto got = store_->GetEmailEnvelope(second);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->service, "mairie-35");
  EXPECT_EQ(got->rfc_message_id, "citoyen-2@example.fr");
  EXPECT_EQ(got->in_reply_to, "citoyen-1@example.fr");
  EXPECT_EQ(got->references, reply.references);
  EXPECT_EQ(got->thread_parent_id, std::optional<int64_t>(first));
  auto plain = store_->GetEmailEnvelope(first);
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->references.empty());
  EXPECT_FALSE(plain->thread_parent_id.has_value());
  EXPECT_EQ(store_->GetEmailEnvelope(other).status().code(), StatusCode::kNotFound);

  // Found by Message-ID within the service only.
  auto found = store_->FindMessageByRfcMessageId("mairie-35", "citoyen-1@example.fr");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, std::optional<int64_t>(first));
  EXPECT_FALSE(store_->FindMessageByRfcMessageId("caf-75", "citoyen-1@example.fr")->has_value());
  EXPECT_FALSE(store_->FindMessageByRfcMessageId("mairie-35", "inconnu@x")->has_value());
  EXPECT_FALSE(store_->FindMessageByRfcMessageId("mairie-35", "")->has_value());

  // Listing gives metadata only; the bytes come back exactly from GetEmailAttachment.
  auto list = store_->ListEmailAttachments(first);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].filename, "justificatif été.pdf");
  EXPECT_EQ((*list)[0].size, 11);
  EXPECT_TRUE((*list)[0].data.empty());
  EXPECT_FALSE((*list)[0].dropped);
  EXPECT_TRUE((*list)[1].dropped);
  EXPECT_EQ((*list)[1].size, 40'000'000);
  auto one = store_->GetEmailAttachment((*list)[0].id);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->data, binary);
  EXPECT_EQ(one->message_id, first);
  EXPECT_EQ(one->sha256, "abc123");
  EXPECT_EQ(store_->GetEmailAttachment((*list)[1].id + 100).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->ListEmailAttachments(second)->empty());

  // Refused: unknown message, oversized bytes, a references entry with a line break. Nothing of
  // a refused envelope is stored.
  EmailEnvelope unknown;
  unknown.message_id = 999'999;
  EXPECT_EQ(store_->SaveEmailEnvelope(unknown, {}).code(), StatusCode::kNotFound);
  EmailEnvelope bad;
  bad.message_id = other;
  bad.references = {"a@b\nBcc: x@y"};
  EXPECT_EQ(store_->SaveEmailEnvelope(bad, {}).code(), StatusCode::kInvalidArgument);
  bad.references.clear();
  EmailAttachment huge;
  huge.data.assign(kMaxEmailAttachmentBytes + 1, 'x');
  huge.size = static_cast<int64_t>(huge.data.size());
  EXPECT_EQ(store_->SaveEmailEnvelope(bad, {huge}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetEmailEnvelope(other).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->ListEmailAttachments(other)->empty());
}

TEST_P(StoreContractTest, MailOutboxLifecycle) {
  const int64_t m1 = NewMessage("mairie-35");
  const int64_t m2 = NewMessage("caf-75");
  MailOutboxEntry e;
  e.message_id = m1;
  e.rfc_message_id = "reponse-1@mairie.example";
  e.envelope_from = "accueil@mairie.example";
  e.recipients = {"usager@example.fr"};
  e.raw = "Subject: Re: test\r\n\r\nBonjour\r\n";
  e.next_attempt_ms = 5000;
  e.created_ms = 5000;
  e.state = MailOutboxState::kSent;  // ignored
  e.attempts = 7;                    // ignored
  auto id1 = store_->EnqueueMail(e);
  ASSERT_TRUE(id1.ok()) << id1.status().ToString();
  e.message_id = m2;
  e.rfc_message_id = "reponse-2@caf.example";
  e.recipients = {"a@example.fr", "b@example.fr"};
  e.next_attempt_ms = 9000;
  auto id2 = store_->EnqueueMail(e);
  ASSERT_TRUE(id2.ok());

  auto got = store_->GetMailOutboxEntry(*id1);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->service, "mairie-35");
  EXPECT_EQ(got->state, MailOutboxState::kPending);
  EXPECT_EQ(got->attempts, 0);
  EXPECT_EQ(got->raw, "Subject: Re: test\r\n\r\nBonjour\r\n");
  EXPECT_EQ(got->recipients, std::vector<std::string>{"usager@example.fr"});
  EXPECT_EQ(got->sent_ms, 0);
  EXPECT_EQ(store_->GetMailOutboxEntry(*id2)->recipients.size(), 2u);
  // A reply in the outbox is found by its Message-ID (the citizen answers it), per service.
  EXPECT_EQ(*store_->FindMessageByRfcMessageId("mairie-35", "reponse-1@mairie.example"),
            std::optional<int64_t>(m1));
  EXPECT_FALSE(
      store_->FindMessageByRfcMessageId("caf-75", "reponse-1@mairie.example")->has_value());

  MailOutboxFilter due;
  due.due_at_ms = 6000;
  due.state = MailOutboxState::kPending;
  auto d = store_->ListMailOutbox(due);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->size(), 1u);
  EXPECT_EQ((*d)[0].id, *id1);
  MailOutboxFilter caf;
  caf.service = "caf-75";
  ASSERT_EQ(store_->ListMailOutbox(caf)->size(), 1u);
  MailOutboxFilter by_message;
  by_message.message_id = m1;
  ASSERT_EQ(store_->ListMailOutbox(by_message)->size(), 1u);

  ASSERT_TRUE(store_->MarkMailAttemptFailed(*id1, 1, 65'000, "connexion refusée", false).ok());
  got = store_->GetMailOutboxEntry(*id1);
  EXPECT_EQ(got->state, MailOutboxState::kPending);
  EXPECT_EQ(got->attempts, 1);
  EXPECT_EQ(got->next_attempt_ms, 65'000);
  EXPECT_EQ(got->last_error, "connexion refusée");
  EXPECT_TRUE(store_->ListMailOutbox(due)->empty());  // not due any more

  // Retry only applies to failed entries.
  EXPECT_EQ(store_->RetryMail(*id1, 7000).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_->MarkMailAttemptFailed(*id1, 2, 0, "550 inconnu", true).ok());
  EXPECT_EQ(store_->GetMailOutboxEntry(*id1)->state, MailOutboxState::kFailed);
  MailOutboxFilter failed;
  failed.state = MailOutboxState::kFailed;
  ASSERT_EQ(store_->ListMailOutbox(failed)->size(), 1u);
  ASSERT_TRUE(store_->RetryMail(*id1, 7000).ok());
  got = store_->GetMailOutboxEntry(*id1);
  EXPECT_EQ(got->state, MailOutboxState::kPending);
  EXPECT_EQ(got->next_attempt_ms, 7000);
  EXPECT_EQ(got->attempts, 2);

  ASSERT_TRUE(store_->MarkMailSent(*id1, 8000).ok());
  got = store_->GetMailOutboxEntry(*id1);
  EXPECT_EQ(got->state, MailOutboxState::kSent);
  EXPECT_EQ(got->sent_ms, 8000);
  EXPECT_EQ(got->attempts, 3);

  // Pagination and bad input.
  MailOutboxFilter page;
  page.after_id = *id1;
  ASSERT_EQ(store_->ListMailOutbox(page)->size(), 1u);
  page.limit = 0;
  EXPECT_EQ(store_->ListMailOutbox(page).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetMailOutboxEntry(424242).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->MarkMailSent(424242, 1).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->MarkMailAttemptFailed(424242, 1, 1, "x", false).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->RetryMail(424242, 1).code(), StatusCode::kNotFound);
  MailOutboxEntry orphan = e;
  orphan.message_id = 999'999;
  EXPECT_EQ(store_->EnqueueMail(orphan).status().code(), StatusCode::kNotFound);
  MailOutboxEntry nobody = e;
  nobody.recipients.clear();
  EXPECT_EQ(store_->EnqueueMail(nobody).status().code(), StatusCode::kInvalidArgument);
  nobody.recipients = {"a@b.fr\nRCPT TO:<x@y>"};
  EXPECT_EQ(store_->EnqueueMail(nobody).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ListMailOutbox(MailOutboxFilter{})->size(), 2u);
}

// Outbox claims (issue #7): several senders never send one e-mail twice.
TEST_P(StoreContractTest, MailOutboxClaimsAreDisjointAndLeased) {
  const int64_t m = NewMessage("mairie-35");
  auto enqueue = [&](int64_t due) {
    MailOutboxEntry e;
    e.message_id = m;
    e.envelope_from = "accueil@mairie.example";
    e.recipients = {"usager@example.fr"};
    e.raw = "Subject: Re\r\n\r\nBonjour\r\n";
    e.next_attempt_ms = due;
    auto id = store_->EnqueueMail(e);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  };
  auto ids_of = [](const Result<std::vector<MailOutboxEntry>>& r) {
    std::vector<int64_t> ids;
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok()) {
      for (const auto& e : *r) ids.push_back(e.id);
    }
    return ids;
  };

  // Two senders on their own handles (connections), two threads each, claiming 3 at a time
  // until nothing is left: every entry is claimed exactly once.
  constexpr int kEntries = 40;
  std::vector<int64_t> all;
  for (int i = 0; i < kEntries; ++i) all.push_back(enqueue(1000));
  auto second = backend_->Open();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  std::mutex mu;
  std::vector<int64_t> claimed;
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t) {
    Store* handle = t % 2 == 0 ? store_.get() : second->get();
    senders.emplace_back([&, handle, t] {
      const std::string who = "sender-" + std::to_string(t);
      for (;;) {
        auto got = handle->ClaimMailOutbox(who, 2000, 60'000, 3);
        ASSERT_TRUE(got.ok()) << got.status().ToString();
        if (got->empty()) return;
        std::lock_guard lock(mu);
        for (const auto& e : *got) {
          EXPECT_EQ(e.service, "mairie-35");
          EXPECT_EQ(e.state, MailOutboxState::kPending);
          claimed.push_back(e.id);
        }
      }
    });
  }
  for (auto& t : senders) t.join();
  std::sort(claimed.begin(), claimed.end());
  EXPECT_EQ(claimed, all);  // each once: disjoint, and none left behind
  EXPECT_TRUE(ids_of(store_->ClaimMailOutbox("late", 2000, 60'000, 100)).empty());

  // The lease: nobody gets the entries before it ends (a crashed sender's claim), anybody after.
  EXPECT_TRUE(ids_of((*second)->ClaimMailOutbox("other", 61'999, 60'000, 100)).empty());
  auto reclaimed = ids_of((*second)->ClaimMailOutbox("other", 62'000, 1000, 100));
  EXPECT_EQ(reclaimed, all);  // oldest first
  // Sent, failed for good, or failed and waiting: the claim is released; only due, unsent
  // entries come back, and a sent one never does.
  ASSERT_TRUE(store_->MarkMailSent(all[0], 62'100).ok());
  ASSERT_TRUE(store_->MarkMailAttemptFailed(all[1], 1, 0, "550", true).ok());
  ASSERT_TRUE(store_->MarkMailAttemptFailed(all[2], 1, 62'500, "421", false).ok());
  EXPECT_EQ(ids_of(store_->ClaimMailOutbox("third", 62'500, 1000, 2)),
            (std::vector<int64_t>{all[2]}));  // released at once, due again; others still held
  auto later = ids_of(store_->ClaimMailOutbox("third", 10'000'000, 1000, 1000));
  EXPECT_EQ(later, std::vector<int64_t>(all.begin() + 2, all.end()));  // leases over
  EXPECT_EQ(store_->GetMailOutboxEntry(all[0])->state, MailOutboxState::kSent);
  EXPECT_TRUE(ids_of(store_->ClaimMailOutbox("fourth", 100'000'000, 1000, 1000)).size() ==
              static_cast<size_t>(kEntries - 2));  // all but the sent and the failed one
  // Not due yet: not claimed.
  const int64_t future = enqueue(500'000'000);
  EXPECT_TRUE(ids_of(store_->ClaimMailOutbox("fifth", 200'000'000, 1000, 1000)).size() ==
              static_cast<size_t>(kEntries - 2));
  EXPECT_EQ(store_->GetMailOutboxEntry(future)->state, MailOutboxState::kPending);

  EXPECT_EQ(store_->ClaimMailOutbox("", 1, 1, 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ClaimMailOutbox("x", 1, 0, 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ClaimMailOutbox("x", 1, 1, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ClaimMailOutbox("x", 1, 1, 1001).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreContractTest, DraftsAndDecisionsOfSeveralMessages) {
  int64_t m1 = NewMessage();
  int64_t m2 = NewMessage("caf-75");
  int64_t m3 = NewMessage();
  int64_t d1a = NewDraft(m1);
  int64_t d3 = NewDraft(m3);
  int64_t d1b = NewDraft(m1);
  Decision reply;
  reply.message_id = m3;
  reply.draft_id = d3;
  reply.agent = "agent1";
  reply.kind = DecisionKind::kAccepted;
  reply.final_text = "ok";
  ASSERT_TRUE(store_->RecordDecision(reply).ok());
  Decision discard;
  discard.message_id = m1;
  discard.draft_id = d1a;
  discard.agent = "agent1";
  discard.kind = DecisionKind::kDiscarded;
  ASSERT_TRUE(store_->RecordDecision(discard).ok());

  auto drafts = store_->ListDraftsOfMessages({m3, m1, m2, 999999});
  ASSERT_TRUE(drafts.ok()) << drafts.status().ToString();
  ASSERT_EQ(drafts->size(), 3u);  // ordered by message, then draft
  EXPECT_EQ((*drafts)[0].id, d1a);
  EXPECT_EQ((*drafts)[1].id, d1b);
  EXPECT_EQ((*drafts)[2].id, d3);
  auto decisions = store_->ListDecisionsOfMessages({m3, m1});
  ASSERT_TRUE(decisions.ok()) << decisions.status().ToString();
  ASSERT_EQ(decisions->size(), 2u);
  EXPECT_EQ((*decisions)[0].message_id, m1);
  EXPECT_EQ((*decisions)[0].kind, DecisionKind::kDiscarded);
  EXPECT_EQ((*decisions)[1].message_id, m3);
  EXPECT_EQ((*decisions)[1].final_text, "ok");
  EXPECT_TRUE(store_->ListDraftsOfMessages({})->empty());
  EXPECT_TRUE(store_->ListDecisionsOfMessages({m2})->empty());
  std::vector<int64_t> too_many(1001, m1);
  EXPECT_EQ(store_->ListDraftsOfMessages(too_many).status().code(), StatusCode::kInvalidArgument);
}

// Intent routing (issue #6) ----------------------------------------------------------------------

TEST_P(StoreContractTest, MessageQueueIsStoredAndFiltered) {
  Message m;
  m.service = "prefecture-69";
  m.body = "Titre de séjour";
  m.intent = "etranger";
  m.queue = "bureau-des-etrangers";
  auto a = store_->CreateMessage(m);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  m.queue = "accueil";
  auto b = store_->CreateMessage(m);
  ASSERT_TRUE(b.ok());
  const int64_t unrouted = NewMessage();
  EXPECT_EQ(store_->GetMessage(*a)->queue, "bureau-des-etrangers");
  EXPECT_EQ(store_->GetMessage(unrouted)->queue, "");
  MessageFilter f;
  f.queue = "accueil";
  auto list = store_->ListMessages(f);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, *b);
  f.service = "prefecture-69";
  f.queue = "bureau-des-etrangers";
  ASSERT_EQ(store_->ListMessages(f)->size(), 1u);
  f.service = "caf-13";
  EXPECT_TRUE(store_->ListMessages(f)->empty());
}

TEST_P(StoreContractTest, RoutingRulesReplaceAndAudit) {
  auto empty = store_->GetRoutingRules();
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->services.empty());
  EXPECT_TRUE(empty->rules.empty());
  RoutingRuleSet rules;
  rules.services = {{"", "accueil", "a-qualifier", std::nullopt},
                    {"prefecture-69", "accueil-69", "", 600}};
  rules.rules = {{"", "entreprise", "pole-entreprises"},
                 {"prefecture-69", "etranger", "bureau-des-etrangers"},
                 {"prefecture-69", "a-qualifier", "tri-69"}};
  AuditEntry audit;
  audit.at_ms = 50;
  audit.agent = "admin";
  audit.action = "routing_rules_updated";
  ASSERT_TRUE(store_->ReplaceRoutingRules(rules, audit).ok());
  auto got = store_->GetRoutingRules();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->services.size(), 2u);
  EXPECT_EQ(got->services[0].service, "");
  EXPECT_EQ(got->services[0].default_queue, "accueil");
  EXPECT_FALSE(got->services[0].min_confidence_permille.has_value());
  EXPECT_EQ(got->services[1].service, "prefecture-69");
  EXPECT_EQ(got->services[1].min_confidence_permille, std::optional<int>(600));
  ASSERT_EQ(got->rules.size(), 3u);  // ordered by (service, intent)
  EXPECT_EQ(got->rules[0].intent, "entreprise");
  EXPECT_EQ(got->rules[1].intent, "a-qualifier");
  EXPECT_EQ(got->rules[2].queue, "bureau-des-etrangers");
  AuditFilter af;
  auto entries = store_->ListAudit(af);
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].action, "routing_rules_updated");

  // A second replace drops what is not in it.
  RoutingRuleSet smaller;
  smaller.services = {{"", "tri", "", std::nullopt}};
  ASSERT_TRUE(store_->ReplaceRoutingRules(smaller, audit).ok());
  got = store_->GetRoutingRules();
  ASSERT_EQ(got->services.size(), 1u);
  EXPECT_EQ(got->services[0].default_queue, "tri");
  EXPECT_TRUE(got->rules.empty());
}

TEST_P(StoreContractTest, BadRoutingRulesChangeNothing) {
  RoutingRuleSet good;
  good.services = {{"", "accueil", "", std::nullopt}};
  good.rules = {{"", "etranger", "bureau"}};
  AuditEntry audit;
  audit.action = "routing_rules_updated";
  ASSERT_TRUE(store_->ReplaceRoutingRules(good, audit).ok());
  RoutingRuleSet duplicate = good;
  duplicate.rules.push_back({"", "etranger", "autre"});
  EXPECT_EQ(store_->ReplaceRoutingRules(duplicate, audit).code(), StatusCode::kInvalidArgument);
  RoutingRuleSet empty_queue = good;
  empty_queue.rules[0].queue = "";
  EXPECT_EQ(store_->ReplaceRoutingRules(empty_queue, audit).code(), StatusCode::kInvalidArgument);
  RoutingRuleSet bad_threshold = good;
  bad_threshold.services[0].min_confidence_permille = 1001;
  EXPECT_EQ(store_->ReplaceRoutingRules(bad_threshold, audit).code(), StatusCode::kInvalidArgument);
  AuditEntry no_action;
  EXPECT_EQ(store_->ReplaceRoutingRules(good, no_action).code(), StatusCode::kInvalidArgument);
  auto got = store_->GetRoutingRules();
  ASSERT_EQ(got->rules.size(), 1u);
  EXPECT_EQ(got->rules[0].queue, "bureau");
  EXPECT_EQ(store_->ListAudit(AuditFilter{})->size(), 1u);
}

TEST_P(StoreContractTest, IntentCorrectionReroutesAndAudits) {
  const int64_t id = NewMessage("caf-13");
  IntentCorrectionRecord c;
  c.message_id = id;
  c.text = "Bonjour [NOM_1], mon allocation logement";
  c.label = "logement";
  c.predicted = "famille";
  c.agent = "agent1";
  c.created_at_ms = 70;
  AuditEntry audit;
  audit.at_ms = 70;
  audit.service = "caf-13";
  audit.agent = "agent1";
  audit.action = "intent_corrected";
  auto cid = store_->RecordIntentCorrection(c, "aides-au-logement", audit);
  ASSERT_TRUE(cid.ok()) << cid.status().ToString();
  auto m = store_->GetMessage(id);
  EXPECT_EQ(m->intent, "logement");
  EXPECT_EQ(m->queue, "aides-au-logement");
  auto list = store_->ListIntentCorrections(0, 10);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, *cid);
  EXPECT_EQ((*list)[0].service, "caf-13");
  EXPECT_EQ((*list)[0].text, c.text);
  EXPECT_EQ((*list)[0].predicted, "famille");
  EXPECT_EQ((*list)[0].agent, "agent1");
  EXPECT_EQ((*list)[0].created_at_ms, 70);
  EXPECT_TRUE(store_->ListIntentCorrections(*cid, 10)->empty());
  AuditFilter af;
  af.message_id = id;
  auto entries = store_->ListAudit(af);
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].action, "intent_corrected");

  // Unknown message: nothing written, not even the audit line.
  c.message_id = 999999;
  EXPECT_EQ(store_->RecordIntentCorrection(c, "q", audit).status().code(), StatusCode::kNotFound);
  c.message_id = id;
  c.text = "";
  EXPECT_EQ(store_->RecordIntentCorrection(c, "q", audit).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ListIntentCorrections(0, 10)->size(), 1u);
  EXPECT_EQ(store_->ListAudit(AuditFilter{})->size(), 1u);
  EXPECT_EQ(store_->ListIntentCorrections(0, 0).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreContractTest, IntentModelsActivateAndRoundTripBytes) {
  EXPECT_EQ(store_->GetActiveIntentModel().status().code(), StatusCode::kNotFound);
  std::string bytes;
  for (int i = 0; i < 3000; ++i) bytes += static_cast<char>(i % 256);  // NUL and high bytes
  StoredIntentModel v1{1, R"({"version":1})", "hash-1", bytes, 10, false};
  ASSERT_TRUE(store_->SaveIntentModel(v1).ok());
  auto active = store_->GetActiveIntentModel();
  ASSERT_TRUE(active.ok()) << active.status().ToString();
  EXPECT_EQ(active->version, 1);
  EXPECT_EQ(active->model, bytes);
  EXPECT_EQ(active->manifest, R"({"version":1})");
  EXPECT_TRUE(active->active);
  StoredIntentModel v2{2, R"({"version":2})", "hash-2", "deux", 20, false};
  ASSERT_TRUE(store_->SaveIntentModel(v2).ok());
  EXPECT_EQ(store_->GetActiveIntentModel()->version, 2);
  // Same version and hash: only activated; another hash: refused.
  ASSERT_TRUE(store_->SaveIntentModel(v1).ok());
  EXPECT_EQ(store_->GetActiveIntentModel()->version, 1);
  StoredIntentModel clash = v2;
  clash.model_hash = "other";
  EXPECT_EQ(store_->SaveIntentModel(clash).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->GetActiveIntentModel()->version, 1);
  ASSERT_TRUE(store_->ActivateIntentModel(2).ok());
  EXPECT_EQ(store_->GetActiveIntentModel()->model, "deux");
  EXPECT_EQ(store_->ActivateIntentModel(7).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetActiveIntentModel()->version, 2);
  StoredIntentModel empty{3, "{}", "h", "", 30, false};
  EXPECT_EQ(store_->SaveIntentModel(empty).code(), StatusCode::kInvalidArgument);
}

// Issue #6: nodes cache the routing rules by this version and poll the active model's version.
TEST_P(StoreContractTest, RoutingAndIntentModelVersions) {
  EXPECT_EQ(*store_->RoutingVersion(), 0);
  EXPECT_EQ(*store_->ActiveIntentModelVersion(), 0);
  RoutingRuleSet rules;
  rules.services = {{"", "accueil", "", std::nullopt}};
  rules.rules = {{"", "etranger", "bureau"}};
  AuditEntry audit;
  audit.action = "routing_rules_updated";
  ASSERT_TRUE(store_->ReplaceRoutingRules(rules, audit).ok());
  EXPECT_EQ(*store_->RoutingVersion(), 1);
  ASSERT_TRUE(store_->ReplaceRoutingRules(rules, audit).ok());
  EXPECT_EQ(*store_->RoutingVersion(), 2);
  // A refused edit (here: no audit action, the transaction rolls back) leaves the version.
  EXPECT_FALSE(store_->ReplaceRoutingRules(rules, AuditEntry{}).ok());
  EXPECT_EQ(*store_->RoutingVersion(), 2);
  // Other writes do not move it.
  IntentCorrectionRecord c{0, NewMessage("caf-13"), "", "texte", "logement", "", "agent1", 5};
  ASSERT_TRUE(store_->RecordIntentCorrection(c, "q", audit).ok());
  EXPECT_EQ(*store_->RoutingVersion(), 2);

  ASSERT_TRUE(store_->SaveIntentModel({4, "{}", "hash-4", "quatre", 10, false}).ok());
  EXPECT_EQ(*store_->ActiveIntentModelVersion(), 4);
  ASSERT_TRUE(store_->SaveIntentModel({9, "{}", "hash-9", "neuf", 20, false}).ok());
  EXPECT_EQ(*store_->ActiveIntentModelVersion(), 9);
  ASSERT_TRUE(store_->ActivateIntentModel(4).ok());
  EXPECT_EQ(*store_->ActiveIntentModelVersion(), 4);
}

TEST_P(StoreContractTest, ImportedIntentCorrectionsAreIdempotent) {
  const int64_t id = NewMessage("caf-13");
  AuditEntry audit;
  audit.action = "intent_corrected";
  IntentCorrectionRecord linked{0, id, "", "message lié", "logement", "famille", "agent1", 5};
  ASSERT_TRUE(store_->RecordIntentCorrection(linked, "q", audit).ok());
  std::vector<ImportedIntentCorrection> file = {
      {"jsonl:a", {0, 0, "", "passeport perdu", "papiers-citoyennete", "", "agent2", 7}},
      {"jsonl:b", {0, 0, "", "loyer impayé", "logement", "famille", "inconnu", 8}},
  };
  auto added = store_->ImportIntentCorrections(file);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(*added, 2);
  // Again, and with one new line: only the new line is added.
  file.push_back({"jsonl:c", {0, 0, "", "titre de séjour", "etranger", "", "agent3", 9}});
  EXPECT_EQ(*store_->ImportIntentCorrections(file), 1);
  EXPECT_EQ(*store_->ImportIntentCorrections(file), 0);
  auto list = store_->ListIntentCorrections(0, 10);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 4u);
  EXPECT_EQ((*list)[0].message_id, id);
  EXPECT_EQ((*list)[0].service, "caf-13");
  EXPECT_EQ((*list)[1].message_id, 0);
  EXPECT_EQ((*list)[1].service, "");
  EXPECT_EQ((*list)[1].text, "passeport perdu");
  EXPECT_EQ((*list)[1].label, "papiers-citoyennete");
  EXPECT_EQ((*list)[1].agent, "agent2");
  EXPECT_EQ((*list)[1].created_at_ms, 7);
  EXPECT_EQ((*list)[2].predicted, "famille");
  EXPECT_EQ((*list)[3].label, "etranger");
  // A bad entry refuses the whole batch.
  std::vector<ImportedIntentCorrection> bad = {
      {"jsonl:d", {0, 0, "", "ok", "logement", "", "agent", 1}},
      {"", {0, 0, "", "sans clé", "logement", "", "agent", 1}}};
  EXPECT_EQ(store_->ImportIntentCorrections(bad).status().code(), StatusCode::kInvalidArgument);
  bad[1] = {"jsonl:e", {0, 0, "", "", "logement", "", "agent", 1}};
  EXPECT_EQ(store_->ImportIntentCorrections(bad).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ListIntentCorrections(0, 10)->size(), 4u);
  EXPECT_EQ(*store_->ImportIntentCorrections({}), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreContractTest,
                         ::testing::Values(Engine{"Sqlite", false, true},
                                           Engine{"Postgres", true, false}),
                         [](const ::testing::TestParamInfo<Engine>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace plume
