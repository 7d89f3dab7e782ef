// Issue #6 on running nodes, with real SQLite files shared by two store handles (two nodes):
// routing rules cached per node by the store's routing version, a newly published intent model
// swapped in without restart, and the old corrections.jsonl moved into the store once.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>

#include "intent/corrections.h"
#include "intent/model_store.h"
#include "intent/routing_service.h"
#include "intent/swappable_classifier.h"
#include "plume/clock.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/test_util.h"
#include "util/files.h"

namespace plume::intent {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<SqliteStore> OpenStore(const fs::path& file) {
  auto store = SqliteStore::Open(file.string());
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

// Runs SQL on the database file behind the store's back (no routing version bump).
void RawSql(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

RoutingRuleSet Rules(const std::string& logement_queue) {
  RoutingRuleSet rules;
  rules.services = {{"", "accueil", "a-qualifier", std::nullopt}};
  rules.rules = {{"", "logement", logement_queue}};
  return rules;
}

AuditEntry RulesAudit() {
  AuditEntry audit;
  audit.agent = "admin";
  audit.action = "routing_rules_updated";
  return audit;
}

std::string QueueOf(const StoreRouter& router, const std::string& intent) {
  Message m;
  m.service = "caf-13";
  m.body = "Bonjour, ma demande d'aide au logement";
  m.intent = intent;  // set by a human: no classifier needed
  Status s = router.Route(&m);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return m.queue;
}

TEST(RoutingCacheTest, RulesAreCachedUntilTheRoutingVersionMoves) {
  plume::testing::TempDir dir;
  const fs::path file = dir.path() / "plume.db";
  auto node_a = OpenStore(file);
  auto node_b = OpenStore(file);
  ASSERT_TRUE(node_a && node_b);
  ASSERT_TRUE(node_b->ReplaceRoutingRules(Rules("guichet-logement"), RulesAudit()).ok());
  StoreRouter router(*node_a, static_cast<const IntentClassifier*>(nullptr));
  EXPECT_EQ(QueueOf(router, "logement"), "guichet-logement");

  // Changed behind the store's back, without a version bump: node A keeps its cached rules,
  // which shows it does not read the rules for every message.
  RawSql(file, "UPDATE routing_rules SET queue = 'modifie-sans-version'");
  EXPECT_EQ(QueueOf(router, "logement"), "guichet-logement");
  EXPECT_EQ(QueueOf(router, "etranger"), "accueil");

  // An admin's edit on node B bumps the version: node A's next message follows it.
  ASSERT_TRUE(node_b->ReplaceRoutingRules(Rules("bureau-logement"), RulesAudit()).ok());
  EXPECT_EQ(QueueOf(router, "logement"), "bureau-logement");
  // And once more after a bump made by hand: the cache only trusts the version.
  RawSql(file,
         "UPDATE routing_rules SET queue = 'bureau-2'; "
         "UPDATE kb_state SET value = value + 1 WHERE key = 'routing'");
  EXPECT_EQ(QueueOf(router, "logement"), "bureau-2");
}

std::vector<LabeledExample> Examples(const std::string& passport_label,
                                     const std::string& housing_label) {
  std::vector<LabeledExample> out;
  for (const char* t : {"passeport perdu", "carte d'identité volée", "refaire mon passeport",
                        "passeport expiré renouvellement"}) {
    out.push_back({t, passport_label, std::string("g:") + t, "test", ""});
  }
  for (const char* t :
       {"aide au logement APL", "loyer impayé", "caution du logement", "bail de location"}) {
    out.push_back({t, housing_label, std::string("g:") + t, "test", ""});
  }
  return out;
}

// Trains a tiny model on `examples` and publishes it from the trainer's registry.
Result<ModelManifest> TrainAndPublish(Store& store, const fs::path& dir, const std::string& name,
                                      const std::vector<LabeledExample>& examples,
                                      FakeClock& clock) {
  FastTextParams params;
  params.dim = 10;
  params.epoch = 50;
  params.bucket = 5000;
  const fs::path trained = dir / (name + ".bin");
  PLUME_RETURN_IF_ERROR(TrainFastText(examples, params, trained));
  ModelRegistry registry(dir / "trainer");
  ModelManifest manifest;
  manifest.labels = {"logement", "papiers-citoyennete"};
  manifest.threshold = 0.01;
  PLUME_ASSIGN_OR_RETURN(ModelManifest added, registry.Add(trained, manifest, clock));
  PLUME_RETURN_IF_ERROR(PublishModel(store, registry, added, clock.NowMillis()));
  return added;
}

TEST(ModelRefreshTest, NewlyPublishedModelIsUsedAtTheNextPrediction) {
  plume::testing::TempDir dir;
  const fs::path file = dir.path() / "plume.db";
  auto node = OpenStore(file);
  auto trainer = OpenStore(file);
  ASSERT_TRUE(node && trainer);
  FakeClock clock(1'800'000'000'000);
  SwappableClassifier classifier;
  ModelRefresher refresher(*node, dir.path() / "node" / "cache", classifier);
  StoreRouter router(*node, classifier);

  // No model anywhere: nothing installed, messages go to qualification.
  EXPECT_EQ(*refresher.CheckNow(), 0);
  EXPECT_EQ(classifier.Predict("passeport perdu").status().code(), StatusCode::kFailedPrecondition);
  Message m;
  m.body = "J'ai perdu mon passeport";
  ASSERT_TRUE(router.Route(&m).ok());
  EXPECT_TRUE(m.intent.empty());
  EXPECT_EQ(m.queue, "a-qualifier");

  auto a = TrainAndPublish(*trainer, dir.path(), "a", Examples("papiers-citoyennete", "logement"),
                           clock);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(*refresher.CheckNow(), a->version);
  m = Message{};
  m.body = "J'ai perdu mon passeport";
  ASSERT_TRUE(router.Route(&m).ok());
  EXPECT_EQ(m.intent, "papiers-citoyennete");
  // Nothing new: the installed model stays (not reloaded).
  std::shared_ptr<const IntentClassifier> model_a = classifier.Current();
  EXPECT_EQ(*refresher.CheckNow(), a->version);
  EXPECT_EQ(classifier.Current(), model_a);

  // Model B, trained with the labels swapped, is published by another process.
  clock.Advance(1000);
  auto b = TrainAndPublish(*trainer, dir.path(), "b", Examples("logement", "papiers-citoyennete"),
                           clock);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_NE(b->version, a->version);
  EXPECT_EQ(*refresher.CheckNow(), b->version);
  m = Message{};
  m.body = "J'ai perdu mon passeport";
  ASSERT_TRUE(router.Route(&m).ok());
  EXPECT_EQ(m.intent, "logement");
  // A prediction that had started on model A keeps a working model A.
  auto old = model_a->Predict("passeport perdu", 1);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->label, "papiers-citoyennete");

  // Going back to A (admin re-activates it) is followed as well.
  ASSERT_TRUE(trainer->ActivateIntentModel(a->version).ok());
  EXPECT_EQ(*refresher.CheckNow(), a->version);
  EXPECT_EQ(classifier.Predict("passeport perdu", 1)->label, "papiers-citoyennete");
}

TEST(ModelRefreshTest, ThreadStartsAndStopsCleanly) {
  plume::testing::TempDir dir;
  auto node = OpenStore(dir.path() / "plume.db");
  ASSERT_TRUE(node);
  SwappableClassifier classifier;
  ModelRefreshOptions options;
  options.check_every_ms = 10;
  ModelRefresher refresher(*node, dir.path() / "cache", classifier, options);
  refresher.Start();
  refresher.Stop();
  refresher.Stop();  // idempotent
  EXPECT_EQ(classifier.Current(), nullptr);
}

Taxonomy RealTaxonomy() {
  auto t = Taxonomy::Load(TaxonomyPath(plume::testing::ResourceDir()));
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).value();
}

TEST(CorrectionsImportTest, OldFileMovesIntoTheStoreOnce) {
  plume::testing::TempDir dir;
  auto store = OpenStore(dir.path() / "plume.db");
  ASSERT_TRUE(store);
  const Taxonomy taxonomy = RealTaxonomy();
  const fs::path file = dir.path() / "intent" / "corrections.jsonl";
  fs::create_directories(file.parent_path());
  const std::string lines =
      R"({"text":"passeport perdu à Lyon","label":"papiers-citoyennete","predicted":"logement","agent":"agent1","at_ms":11})"
      "\n"
      R"({"text":"loyer impayé","label":"logement","predicted":"","agent":"","at_ms":12})"
      "\n\n"
      R"({"text":"thème disparu","label":"ancien-theme","predicted":"","agent":"agent1","at_ms":13})"
      "\n";
  ASSERT_TRUE(util::WriteFileAtomic(file, lines).ok());

  // Nothing to import yet in an empty folder.
  auto none = ImportCorrectionsFile(*store, taxonomy, dir.path() / "absent.jsonl");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->renamed_to.empty());

  auto first = ImportCorrectionsFile(*store, taxonomy, file);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->lines, 3);
  EXPECT_EQ(first->added, 2);
  EXPECT_EQ(first->skipped, 1);
  EXPECT_EQ(first->renamed_to, fs::path(file.string() + ".imported"));
  EXPECT_FALSE(fs::exists(file));
  auto stored = store->ListIntentCorrections(0, 10);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 2u);
  EXPECT_EQ((*stored)[0].text, "passeport perdu à Lyon");
  EXPECT_EQ((*stored)[0].predicted, "logement");
  EXPECT_EQ((*stored)[0].created_at_ms, 11);
  EXPECT_EQ((*stored)[0].message_id, 0);
  EXPECT_EQ((*stored)[1].agent, "inconnu");
  // They are training examples now (and the file no longer is).
  int64_t skipped = 0;
  EXPECT_EQ(LoadStoreCorrections(*store, taxonomy, &skipped)->size(), 2u);
  EXPECT_TRUE(LoadCorrections(file, taxonomy, &skipped)->empty());

  // Second run: no file, nothing done.
  auto again = ImportCorrectionsFile(*store, taxonomy, file);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->renamed_to.empty());
  // The same file back (a crash before the rename, or a copy): nothing added twice.
  fs::copy_file(first->renamed_to, file);
  auto replay = ImportCorrectionsFile(*store, taxonomy, file);
  ASSERT_TRUE(replay.ok()) << replay.status().ToString();
  EXPECT_EQ(replay->added, 0);
  EXPECT_EQ(replay->renamed_to, fs::path(file.string() + ".imported.2"));
  EXPECT_EQ(store->ListIntentCorrections(0, 10)->size(), 2u);

  // A malformed line: nothing imported, the file stays for a human to fix.
  ASSERT_TRUE(
      util::WriteFileAtomic(file, "{\"text\":\"ok\",\"label\":\"logement\"}\n{pas du json\n").ok());
  auto broken = ImportCorrectionsFile(*store, taxonomy, file);
  EXPECT_EQ(broken.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(broken.status().message().find("ligne 2"), std::string::npos);
  EXPECT_TRUE(fs::exists(file));
  EXPECT_EQ(store->ListIntentCorrections(0, 10)->size(), 2u);
}

}  // namespace
}  // namespace plume::intent
