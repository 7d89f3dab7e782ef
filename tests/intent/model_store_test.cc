// Intent models shared through the store (model_store.h), on a real SQLite file.
#include "intent/model_store.h"

#include <gtest/gtest.h>

#include "intent/corrections.h"
#include "plume/clock.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/test_util.h"
#include "util/files.h"

namespace plume::intent {
namespace {

std::vector<LabeledExample> TinyExamples() {
  std::vector<LabeledExample> out;
  for (const char* t : {"passeport perdu", "carte d'identité volée", "refaire mon passeport"}) {
    out.push_back({t, "papiers-citoyennete", std::string("g:") + t, "test", ""});
  }
  for (const char* t : {"aide au logement APL", "loyer impayé", "caution du logement"}) {
    out.push_back({t, "logement", std::string("g:") + t, "test", ""});
  }
  return out;
}

TEST(ModelStoreTest, PublishedModelIsServedFromTheStore) {
  plume::testing::TempDir dir;
  auto store = SqliteStore::Open((dir.path() / "plume.db").string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::string source;
  // Nothing anywhere: "no model", which `plume serve` reports and goes on without.
  auto none = LoadServingModel(**store, dir.path() / "node-a", &source);
  EXPECT_EQ(none.status().code(), StatusCode::kFailedPrecondition);

  FastTextParams params;
  params.dim = 10;
  params.epoch = 20;
  params.bucket = 5000;
  ASSERT_TRUE(TrainFastText(TinyExamples(), params, dir.path() / "trained.bin").ok());
  ModelRegistry registry(dir.path() / "node-a");
  FakeClock clock(1'800'000'000'000);
  ModelManifest manifest;
  manifest.labels = {"logement", "papiers-citoyennete"};
  manifest.threshold = 0.4;
  auto added = registry.Add(dir.path() / "trained.bin", manifest, clock);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  // Before publishing, node A serves its local file; node B has nothing.
  auto local = LoadServingModel(**store, dir.path() / "node-a", &source);
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_EQ(source, "fichiers locaux");
  ASSERT_TRUE(PublishModel(**store, registry, *added, clock.NowMillis()).ok());
  // Node B, with an empty data folder, now serves the same model from the store.
  auto shared = LoadServingModel(**store, dir.path() / "node-b", &source);
  ASSERT_TRUE(shared.ok()) << shared.status().ToString();
  EXPECT_EQ(source, "base de données");
  EXPECT_EQ(shared->manifest.version, added->version);
  EXPECT_EQ(shared->manifest.model_hash, added->model_hash);
  EXPECT_DOUBLE_EQ(shared->classifier->threshold(), 0.4);
  auto a = local->classifier->Predict("mon passeport est perdu", 2);
  auto b = shared->classifier->Predict("mon passeport est perdu", 2);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->label, b->label);
  EXPECT_DOUBLE_EQ(a->confidence, b->confidence);
  // Publishing the same version again is harmless.
  EXPECT_TRUE(PublishModel(**store, registry, *added, clock.NowMillis()).ok());
}

TEST(ModelStoreTest, TamperedRegistryFileIsNotPublished) {
  plume::testing::TempDir dir;
  auto store = SqliteStore::Open((dir.path() / "plume.db").string());
  ASSERT_TRUE(store.ok());
  FastTextParams params;
  params.dim = 10;
  params.epoch = 5;
  params.bucket = 5000;
  ASSERT_TRUE(TrainFastText(TinyExamples(), params, dir.path() / "trained.bin").ok());
  ModelRegistry registry(dir.path() / "intent");
  FakeClock clock(1'800'000'000'000);
  auto added = registry.Add(dir.path() / "trained.bin", ModelManifest{}, clock);
  ASSERT_TRUE(added.ok());
  ASSERT_TRUE(util::WriteFileAtomic(registry.ModelPath(added->version), "abîmé").ok());
  EXPECT_EQ(PublishModel(**store, registry, *added, 1).code(), StatusCode::kDataLoss);
  EXPECT_EQ((*store)->GetActiveIntentModel().status().code(), StatusCode::kNotFound);
}

TEST(StoreCorrectionsTest, AgentsCorrectionsBecomeTrainingExamples) {
  plume::testing::TempDir dir;
  auto store = SqliteStore::Open((dir.path() / "plume.db").string());
  ASSERT_TRUE(store.ok());
  auto taxonomy = Taxonomy::Load(TaxonomyPath(plume::testing::ResourceDir()));
  ASSERT_TRUE(taxonomy.ok());
  Message m;
  m.service = "caf-13";
  m.body = "Mon allocation logement";
  auto id = (*store)->CreateMessage(m);
  ASSERT_TRUE(id.ok());
  AuditEntry audit;
  audit.action = "intent_corrected";
  for (const char* label : {"logement", "horoscope", "famille"}) {
    IntentCorrectionRecord c{0, *id, "", std::string("texte ") + label, label, "", "agent", 1};
    ASSERT_TRUE((*store)->RecordIntentCorrection(c, "q", audit).ok());
  }
  int64_t skipped = 0;
  auto examples = LoadStoreCorrections(**store, *taxonomy, &skipped);
  ASSERT_TRUE(examples.ok()) << examples.status().ToString();
  EXPECT_EQ(skipped, 1);  // "horoscope" is not in the taxonomy
  ASSERT_EQ(examples->size(), 2u);
  EXPECT_EQ((*examples)[0].text, "texte logement");
  EXPECT_EQ((*examples)[0].label, "logement");
  EXPECT_EQ((*examples)[0].origin, "correction");
  EXPECT_EQ((*examples)[1].label, "famille");
  // Corrections always train, never evaluate.
  EXPECT_EQ(SelectSplit(*examples, Split::kTest).size(), 0u);
}

}  // namespace
}  // namespace plume::intent
