#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <thread>

#include "intent/bm25_theme_classifier.h"
#include "intent/corrections.h"
#include "intent/dataset.h"
#include "intent/evaluation.h"
#include "intent/fasttext_classifier.h"
#include "intent/metrics.h"
#include "intent/model_registry.h"
#include "intent/taxonomy.h"
#include "plume/clock.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/kb_fixture.h"
#include "testing/test_util.h"
#include "util/files.h"
#include "util/hash.h"

namespace plume::intent {
namespace {

using plume::testing::TempDir;

Taxonomy RealTaxonomy() {
  auto t = Taxonomy::Load(TaxonomyPath(plume::testing::ResourceDir()));
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).value();
}

// Three clearly separated intents, a few phrasings each.
std::vector<LabeledExample> Fixture() {
  std::vector<LabeledExample> out;
  auto add = [&](const std::string& label, std::vector<std::string> texts) {
    int i = 0;
    for (auto& t : texts) out.push_back({t, label, label + std::to_string(i++), "test", ""});
  };
  add("papiers-citoyennete",
      {"renouvellement carte d'identité", "perte de ma carte d'identité", "passeport perdu",
       "faire un passeport", "carte d'identité volée", "refaire mon passeport",
       "demande de carte d'identité pour mon fils", "passeport expiré que faire"});
  add("logement", {"aide au logement APL", "mon propriétaire refuse de rendre la caution",
                   "préavis de départ du logement", "loyer impayé propriétaire",
                   "dépôt de garantie du logement", "APL étudiant logement",
                   "bail de location du logement", "augmentation du loyer par le propriétaire"});
  add("transports",
      {"permis de conduire perdu", "carte grise du véhicule", "points du permis",
       "changement d'adresse carte grise", "amende radar permis", "immatriculation du véhicule",
       "retrait de permis de conduire", "vendre mon véhicule carte grise"});
  return out;
}

FastTextParams FastParams() {
  FastTextParams p;
  p.dim = 20;
  p.epoch = 50;
  p.bucket = 20000;
  return p;
}

TEST(TaxonomyTest, RealFileMapsBreadcrumbsAndCdtn) {
  Taxonomy t = RealTaxonomy();
  EXPECT_EQ(t.labels().size(), 12u);
  EXPECT_EQ(t.LabelForBreadcrumb("particuliers", "Étranger"), "etranger");
  EXPECT_EQ(t.LabelForBreadcrumb("professionnels", "Fiscalité"), "entreprise");
  EXPECT_EQ(t.LabelForBreadcrumb("particuliers", "Inconnu"), "");
  EXPECT_EQ(t.LabelForCdtnTheme("Départ de l'entreprise - Démission"), "travail");
  EXPECT_EQ(t.NameOf("etranger"), "Étranger");
  EXPECT_EQ(t.NameOf(kToQualifyIntent), "À qualifier");
}

TEST(TaxonomyTest, RejectsDuplicatesAndMalformed) {
  EXPECT_EQ(Taxonomy::Parse("[1]").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Taxonomy::Parse("{not json").status().code(), StatusCode::kInvalidArgument);
  const char* dup = R"({"version":"1","to_qualify":{"id":"q","name":"Q"},
    "labels":[{"id":"a","name":"A","breadcrumb":["p/x"]},{"id":"b","name":"B","breadcrumb":["p/x"]}]})";
  auto r = Taxonomy::Parse(dup);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("p/x"), std::string::npos);
}

TEST(DatasetTest, NormalizeForIntent) {
  EXPECT_EQ(NormalizeForIntent("Perte de ma Carte d'Identité !!"), "perte de ma carte d identite");
  EXPECT_EQ(NormalizeForIntent("  ?!… "), "");
  EXPECT_EQ(NormalizeForIntent("CDD/CTT: fin"), "cdd ctt fin");
}

TEST(DatasetTest, CdtnSplitIsByClusterNeverByVariant) {
  Taxonomy t = RealTaxonomy();
  DatasetStats stats;
  auto ex = LoadCdtnExamples(plume::testing::SharedDataDir() / "cdtn-queries-dev.json", t, &stats);
  ASSERT_TRUE(ex.ok()) << ex.status().ToString();
  EXPECT_EQ(stats.cdtn_clusters, 68);
  EXPECT_GT(ex->size(), 1000u);
  std::map<std::string, std::set<Split>> splits;
  for (const auto& e : *ex) {
    EXPECT_EQ(e.label, "travail");
    splits[e.group].insert(SplitOf(e.group));
  }
  std::map<Split, int> clusters;
  for (const auto& [group, s] : splits) {
    EXPECT_EQ(s.size(), 1u) << group;
    clusters[*s.begin()]++;
  }
  EXPECT_GT(clusters[Split::kTest], 5);  // roughly 20% of 68 clusters
  EXPECT_GT(clusters[Split::kTrain], 35);
  EXPECT_EQ(SplitOf("cdtn:abc"), SplitOf("cdtn:abc"));
}

TEST(DatasetTest, CdtnRejectsMalformedFile) {
  TempDir dir;
  Taxonomy t = RealTaxonomy();
  DatasetStats stats;
  ASSERT_TRUE(util::WriteFileAtomic(dir.path() / "q.json", R"([{"theme":"x"}])").ok());
  EXPECT_EQ(LoadCdtnExamples(dir.path() / "q.json", t, &stats).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadCdtnExamples(dir.path() / "missing.json", t, &stats).status().code(),
            StatusCode::kNotFound);
}

TEST(DatasetTest, MergeDropsDuplicatesAndCorrectionsStayInTrain) {
  std::vector<LabeledExample> a = {{"Carte grise", "transports", "g1", "cdtn", ""}};
  std::vector<LabeledExample> b = {{"carte  GRISE !", "logement", "g2", "correction", ""},
                                   {"nouveau texte", "logement", "g3", "correction", ""}};
  Dataset ds = MergeExamples({a, b}, {});
  ASSERT_EQ(ds.examples.size(), 2u);
  EXPECT_EQ(ds.stats.duplicates_dropped, 1);
  EXPECT_EQ(ds.examples[0].label, "transports");
  EXPECT_EQ(SelectSplit(ds.examples, Split::kTrain).back().text, "nouveau texte");
  EXPECT_EQ(ds.hash.size(), 64u);
}

TEST(MetricsTest, AccuracyMacroF1PerClass) {
  // gold a a b b ; predicted a b b (empty): a P=1 R=.5 F1=2/3, b P=.5 R=.5 F1=.5
  auto r = ScoreClassification({"a", "a", "b", "b"}, {"a", "b", "b", ""});
  EXPECT_DOUBLE_EQ(r.accuracy, 0.5);
  EXPECT_NEAR(r.macro_f1, (2.0 / 3 + 0.5) / 2, 1e-12);
  ASSERT_EQ(r.per_class.size(), 2u);
  EXPECT_EQ(r.per_class[0].label, "a");
  EXPECT_DOUBLE_EQ(r.per_class[0].precision, 1.0);
  EXPECT_EQ(r.per_class[1].support, 2);
  EXPECT_EQ(r.per_class[1].predicted, 2);
}

class FastTextTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    Status s = TrainFastText(Fixture(), FastParams(), dir_->path() / "model.bin");
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::filesystem::path ModelFile() { return dir_->path() / "model.bin"; }
  static std::unique_ptr<FastTextClassifier> Load(double threshold) {
    auto c = FastTextClassifier::Load(ModelFile(), threshold, "test");
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(c).value() : nullptr;
  }
  static TempDir* dir_;
};
TempDir* FastTextTest::dir_ = nullptr;

TEST_F(FastTextTest, PredictsItsTrainingLabelsOnClearExamples) {
  auto clf = Load(0.0);
  ASSERT_NE(clf, nullptr);
  EXPECT_EQ(clf->Labels().size(), 3u);
  int correct = 0;
  auto fixture = Fixture();
  for (const auto& ex : fixture) {
    auto p = clf->Predict(ex.text);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    if (p->label == ex.label) ++correct;
  }
  EXPECT_GE(correct, static_cast<int>(fixture.size()) - 1);
  auto p = clf->Predict("J'ai perdu mon passeport, comment le refaire ?", 3);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->label, "papiers-citoyennete");
  EXPECT_FALSE(p->to_qualify);
  ASSERT_EQ(p->top.size(), 3u);
  EXPECT_GE(p->top[0].confidence, p->top[1].confidence);
  EXPECT_DOUBLE_EQ(p->confidence, p->top[0].confidence);
}

TEST_F(FastTextTest, TrainingIsDeterministicWithOneThreadAndASeed) {
  TempDir dir;
  ASSERT_TRUE(TrainFastText(Fixture(), FastParams(), dir.path() / "again.bin").ok());
  auto a = util::ReadFile(ModelFile(), 1u << 30);
  auto b = util::ReadFile(dir.path() / "again.bin", 1u << 30);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(util::ContentHash(*a), util::ContentHash(*b));
}

TEST_F(FastTextTest, BadInputIsRejected) {
  auto clf = Load(0.5);
  ASSERT_NE(clf, nullptr);
  EXPECT_EQ(clf->Predict("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(clf->Predict("carte \xC3\x28 grise").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(clf->Predict("?!… ---").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(clf->Predict(std::string(kMaxIntentTextBytes + 1, 'a')).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(clf->Predict("passeport", 0).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(FastTextTest, UnknownWordsAndLowConfidenceGoToQualification) {
  auto clf = Load(0.5);
  ASSERT_NE(clf, nullptr);
  auto unknown = clf->Predict("xyzzy plugh");
  ASSERT_TRUE(unknown.ok());
  EXPECT_TRUE(unknown->to_qualify);
  EXPECT_EQ(unknown->label, kToQualifyIntent);
  EXPECT_EQ(unknown->confidence, 0);
  EXPECT_NE(unknown->reason.find("aucun mot"), std::string::npos);

  auto strict = Load(1.0);  // no softmax reaches 1 with three labels and smoothing
  auto p = strict->Predict("passeport perdu");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->to_qualify);
  EXPECT_EQ(p->label, kToQualifyIntent);
  ASSERT_FALSE(p->top.empty());
  EXPECT_EQ(p->top[0].label, "papiers-citoyennete");  // best guess kept for the agent
  auto lax = Load(0.0)->Predict("passeport perdu");
  ASSERT_TRUE(lax.ok());
  EXPECT_FALSE(lax->to_qualify);
  EXPECT_EQ(lax->label, "papiers-citoyennete");
}

TEST_F(FastTextTest, ConcurrentPredictMatchesSequential) {
  auto clf = Load(0.5);
  ASSERT_NE(clf, nullptr);
  auto fixture = Fixture();
  std::vector<std::string> expected;
  for (const auto& ex : fixture) expected.push_back(clf->Predict(ex.text)->label);
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (size_t i = 0; i < fixture.size(); ++i) {
          auto p = clf->Predict(fixture[i].text);
          if (!p.ok() || p->label != expected[i]) mismatches[t]++;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST_F(FastTextTest, TrainingNeedsTwoLabels) {
  TempDir dir;
  std::vector<LabeledExample> one = {{"passeport", "a", "g", "t", ""},
                                     {"carte", "a", "h", "t", ""}};
  EXPECT_EQ(TrainFastText(one, FastParams(), dir.path() / "m.bin").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(TrainFastText({}, FastParams(), dir.path() / "m.bin").code(),
            StatusCode::kInvalidArgument);
}

TEST_F(FastTextTest, CorruptModelFilesAreDataLoss) {
  TempDir dir;
  auto bytes = util::ReadFile(ModelFile(), 1u << 30);
  ASSERT_TRUE(bytes.ok());
  std::string hash = util::ContentHash(*bytes);
  std::string flipped = *bytes;
  flipped[flipped.size() / 2] ^= 0x5a;
  ASSERT_TRUE(util::WriteFileAtomic(dir.path() / "flipped.bin", flipped).ok());
  auto r = FastTextClassifier::Load(dir.path() / "flipped.bin", 0.5, "x", hash);
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  ASSERT_TRUE(util::WriteFileAtomic(dir.path() / "garbage.bin",
                                    "not a fasttext model at all, "
                                    "just some text of some length")
                  .ok());
  EXPECT_EQ(FastTextClassifier::Load(dir.path() / "garbage.bin", 0.5, "x").status().code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(FastTextClassifier::Load(dir.path() / "missing.bin", 0.5, "x").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(FastTextClassifier::Load(ModelFile(), 1.5, "x").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(FastTextTest, RegistryVersionsPinsAndChecksHashes) {
  TempDir dir;
  ModelRegistry registry(dir.path() / "intent");
  EXPECT_EQ(registry.Active().status().code(), StatusCode::kFailedPrecondition);
  FakeClock clock(1'700'000'000'000);
  for (int i = 0; i < 2; ++i) {
    std::filesystem::copy_file(ModelFile(), dir.path() / "new.bin");
    ModelManifest m;
    m.data_hash = "d" + std::to_string(i);
    m.labels = {"a", "b"};
    m.threshold = 0.4;
    m.training_splits = "train";
    m.eval_json = R"({"split":"dev","run":{"accuracy":0.9}})";
    auto added = registry.Add(dir.path() / "new.bin", m, clock);
    ASSERT_TRUE(added.ok()) << added.status().ToString();
    EXPECT_EQ(added->version, i + 1);
    EXPECT_EQ(added->created_at, "2023-11-14T22:13:20Z");
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "new.bin"));
  }
  auto all = registry.List();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].data_hash, "d0");
  EXPECT_EQ((*all)[1].eval_json, R"({"run":{"accuracy":0.9},"split":"dev"})");
  EXPECT_EQ(registry.Active()->version, 2);
  ASSERT_TRUE(registry.Use(1).ok());
  EXPECT_EQ(registry.Active()->version, 1);
  EXPECT_EQ(registry.Use(7).code(), StatusCode::kNotFound);
  ASSERT_TRUE(registry.UseLatest().ok());
  EXPECT_EQ(registry.Active()->version, 2);

  auto clf = registry.Load(*registry.Active());
  ASSERT_TRUE(clf.ok()) << clf.status().ToString();
  EXPECT_DOUBLE_EQ((*clf)->threshold(), 0.4);
  EXPECT_EQ((*clf)->Name(), "fasttext v2");

  // Truncate the stored model: the manifest hash catches it before fastText reads it.
  std::filesystem::resize_file(registry.ModelPath(2), 100);
  EXPECT_EQ(registry.Load(*registry.Active()).status().code(), StatusCode::kDataLoss);
  // A broken manifest is reported, not skipped.
  ASSERT_TRUE(util::WriteFileAtomic(dir.path() / "intent/models/000001/manifest.json", "{").ok());
  EXPECT_EQ(registry.List().status().code(), StatusCode::kDataLoss);
}

TEST(CorrectionsTest, RecordedInTheStoreAndValidated) {
  TempDir dir;
  Taxonomy t = RealTaxonomy();
  FakeClock clock(1'000);
  auto store = SqliteStore::Open((dir.path() / "plume.db").string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto added = RecordCorrection(
      **store, t, {"Ma carte grise n'arrive pas", "transports", "logement", "agent1", 0}, clock);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_TRUE(*added);
  // The same correction at the same time is one example, not two.
  EXPECT_FALSE(*RecordCorrection(
      **store, t, {"Ma carte grise n'arrive pas", "transports", "logement", "agent1", 0}, clock));
  EXPECT_EQ(RecordCorrection(**store, t, {"texte", "inconnue", "", "a", 0}, clock).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      RecordCorrection(**store, t, {"\xff\xfe", "transports", "", "a", 0}, clock).status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(RecordCorrection(**store, t, {"", "transports", "", "a", 0}, clock).status().code(),
            StatusCode::kInvalidArgument);
  auto listed = (*store)->ListIntentCorrections(0, 10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].message_id, 0);
  EXPECT_EQ((*listed)[0].label, "transports");
  EXPECT_EQ((*listed)[0].predicted, "logement");
  EXPECT_EQ((*listed)[0].agent, "agent1");
  EXPECT_EQ((*listed)[0].created_at_ms, 1'000);
  int64_t skipped = 0;
  auto examples = LoadStoreCorrections(**store, t, &skipped);
  ASSERT_TRUE(examples.ok());
  ASSERT_EQ(examples->size(), 1u);
  EXPECT_EQ((*examples)[0].origin, "correction");
}

// Files written by `plume intent correct` before corrections moved into the store.
TEST(CorrectionsTest, LegacyFileLoadAndValidate) {
  TempDir dir;
  Taxonomy t = RealTaxonomy();
  auto file = dir.path() / "intent" / "corrections.jsonl";
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << R"({"text":"Ma carte grise n'arrive pas","label":"transports",)"
                      << R"("predicted":"logement","agent":"agent1","at_ms":1000})"
                      << "\n";
  int64_t skipped = 0;
  auto loaded = LoadCorrections(file, t, &skipped);
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ((*loaded)[0].label, "transports");
  EXPECT_EQ((*loaded)[0].origin, "correction");
  std::ofstream(file, std::ios::app) << "{broken\n";
  auto bad = LoadCorrections(file, t, &skipped);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(bad.status().message().find("ligne 2"), std::string::npos);
  EXPECT_TRUE(LoadCorrections(dir.path() / "none.jsonl", t, &skipped)->empty());
}

// Real fiches in a real store and Xapian index.
class KbIntentTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    kb_ = new plume::testing::KbFixture(plume::testing::BuildKbFixture(dir_->path()));
  }
  static void TearDownTestSuite() {
    delete kb_;
    delete dir_;
  }
  static TempDir* dir_;
  static plume::testing::KbFixture* kb_;
};
TempDir* KbIntentTest::dir_ = nullptr;
plume::testing::KbFixture* KbIntentTest::kb_ = nullptr;

TEST_F(KbIntentTest, QuestionReponseTitlesAreLabelledByBreadcrumb) {
  Taxonomy t = RealTaxonomy();
  DatasetStats stats;
  auto ex = LoadFicheExamples(*kb_->store, t, &stats);
  ASSERT_TRUE(ex.ok()) << ex.status().ToString();
  ASSERT_FALSE(ex->empty());
  std::set<std::string> ids;
  for (const auto& e : *ex) {
    EXPECT_TRUE(t.Contains(e.label)) << e.label;
    EXPECT_EQ(e.group, "fiche:" + e.fiche_id);
    EXPECT_TRUE(ids.insert(e.fiche_id).second) << "one example per fiche id";
    auto doc = kb_->store->GetDocument("particuliers/" + e.fiche_id);
    if (doc.ok()) {
      EXPECT_EQ(doc->type.rfind("Fiche Question-réponse", 0), 0u);
      EXPECT_EQ(e.text, doc->title);
    }
  }
}

TEST_F(KbIntentTest, Bm25BaselineTakesTheNearestFicheTheme) {
  Taxonomy t = RealTaxonomy();
  auto clf = Bm25ThemeClassifier::Create(*kb_->retriever, *kb_->store, t, 1, 0.0);
  ASSERT_TRUE(clf.ok()) << clf.status().ToString();
  auto p = (*clf)->Predict("carte nationale d'identité perdue");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->label, "papiers-citoyennete");
  EXPECT_DOUBLE_EQ(p->confidence, 1.0);
  // Excluding the fiche that matched must change the evidence (not the same top document).
  SearchRequest req;
  req.query = "carte nationale d'identité perdue";
  req.with_snippets = false;
  auto hits = kb_->retriever->Search(req);
  ASSERT_TRUE(hits.ok() && !hits->empty());
  std::string excluded_id = (*hits)[0].fiche_id;
  std::string expected;
  for (const auto& h : *hits) {
    if (h.fiche_id == excluded_id) continue;
    auto doc = kb_->store->GetDocument(h.document_id);
    ASSERT_TRUE(doc.ok());
    expected = t.LabelForDocument(*doc);
    if (!expected.empty()) break;
  }
  auto excluded = (*clf)->PredictExcluding(req.query, 3, excluded_id);
  ASSERT_TRUE(excluded.ok());
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(excluded->label, expected);
  EXPECT_EQ((*clf)->Name(), "bm25-top1");
  EXPECT_EQ((*clf)->Predict("").status().code(), StatusCode::kInvalidArgument);
  auto none = (*clf)->Predict("xyzzyq plughq");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->to_qualify);
}

TEST(EvaluationTest, CountsCoverageFailuresAndOrigins) {
  std::vector<LabeledExample> ex = {{"a", "x", "g1", "cdtn", ""},
                                    {"b", "y", "g2", "fiche-qr", ""},
                                    {"c", "y", "g3", "fiche-qr", ""}};
  auto run = EvaluateIntent("fake", ex, [](const LabeledExample& e) -> Result<IntentPrediction> {
    if (e.text == "c") return InvalidArgument("boom");
    IntentPrediction p;
    p.top = {{"x", e.text == "a" ? 0.9 : 0.2}};
    p.to_qualify = e.text != "a";
    p.label = p.to_qualify ? std::string(kToQualifyIntent) : "x";
    p.confidence = p.top[0].confidence;
    return p;
  });
  EXPECT_EQ(run.failures, 1);
  EXPECT_NEAR(run.report.accuracy, 1.0 / 3, 1e-12);
  EXPECT_NEAR(run.coverage, 1.0 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(run.accuracy_covered, 1.0);
  EXPECT_DOUBLE_EQ(run.accuracy_by_origin["cdtn"].second, 1.0);
  EXPECT_DOUBLE_EQ(run.accuracy_by_origin["fiche-qr"].second, 0.0);
}

}  // namespace
}  // namespace plume::intent
