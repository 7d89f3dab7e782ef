// Intent prediction latency: fastText against the BM25 nearest-fiche baseline, same texts, same
// run. Needs an ingested data dir (PLUME_BENCH_DATA_DIR, default var/: plume.db and index/).
// The fastText model is trained at start-up on the train split (a few seconds in release).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "intent/bm25_theme_classifier.h"
#include "intent/dataset.h"
#include "intent/fasttext_classifier.h"
#include "intent/taxonomy.h"
#include "retrieval/bm25_retriever.h"
#include "store/sqlite/sqlite_store.h"

namespace plume::intent {
namespace {

struct World {
  std::unique_ptr<SqliteStore> store;
  std::unique_ptr<retrieval::Bm25Retriever> retriever;
  std::unique_ptr<FastTextClassifier> fasttext;
  std::unique_ptr<Bm25ThemeClassifier> bm25_top1, bm25_vote5;
  std::vector<std::string> texts;  // test split
  std::string error;
};

World* Setup() {
  auto* w = new World();
  const char* env = std::getenv("PLUME_BENCH_DATA_DIR");
  std::filesystem::path data = env ? env : PLUME_SOURCE_DIR "/var";
  auto fail = [&](const Status& s) {
    w->error = s.ToString();
    return w;
  };
  auto taxonomy = Taxonomy::Load(TaxonomyPath(PLUME_RESOURCE_DIR));
  if (!taxonomy.ok()) return fail(taxonomy.status());
  auto store = SqliteStore::Open((data / "plume.db").string());
  if (!store.ok()) return fail(store.status());
  w->store = std::move(store).value();
  DatasetStats stats;
  auto cdtn = LoadCdtnExamples(PLUME_SHARED_DATA_DIR "/cdtn-queries-dev.json", *taxonomy, &stats);
  if (!cdtn.ok()) return fail(cdtn.status());
  auto fiches = LoadFicheExamples(*w->store, *taxonomy, &stats);
  if (!fiches.ok()) return fail(fiches.status());
  Dataset ds = MergeExamples({*cdtn, *fiches}, stats);
  auto model = std::filesystem::temp_directory_path() / "plume-intent-bench.bin";
  Status st = TrainFastText(SelectSplit(ds.examples, Split::kTrain), FastTextParams{}, model);
  if (!st.ok()) return fail(st);
  auto ft = FastTextClassifier::Load(model, 0.5, "fasttext");
  std::filesystem::remove(model);
  if (!ft.ok()) return fail(ft.status());
  w->fasttext = std::move(ft).value();
  auto sw = retrieval::StopWords::Load(retrieval::StopWordsPath(PLUME_RESOURCE_DIR));
  if (!sw.ok()) return fail(sw.status());
  auto r = retrieval::Bm25Retriever::Open(data / "index", std::move(sw).value());
  if (!r.ok()) return fail(r.status());
  w->retriever = std::move(r).value();
  auto top1 = Bm25ThemeClassifier::Create(*w->retriever, *w->store, *taxonomy, 1, 0.5);
  auto vote5 = Bm25ThemeClassifier::Create(*w->retriever, *w->store, *taxonomy, 5, 0.5);
  if (!top1.ok()) return fail(top1.status());
  if (!vote5.ok()) return fail(vote5.status());
  w->bm25_top1 = std::move(top1).value();
  w->bm25_vote5 = std::move(vote5).value();
  for (const auto& ex : SelectSplit(ds.examples, Split::kTest)) w->texts.push_back(ex.text);
  return w;
}

World& Get() {
  static World* w = Setup();  // leaked on purpose: lives for the whole benchmark process
  return *w;
}

void Run(benchmark::State& state, int which) {
  World& w = Get();
  if (!w.error.empty()) {
    state.SkipWithError(w.error.c_str());
    return;
  }
  const IntentClassifier* clf = which == 0 ? static_cast<const IntentClassifier*>(w.fasttext.get())
                                : which == 1 ? w.bm25_top1.get()
                                             : w.bm25_vote5.get();
  size_t i = 0;
  int64_t errors = 0;
  for (auto _ : state) {
    auto p = clf->Predict(w.texts[i++ % w.texts.size()], 3);
    if (!p.ok()) ++errors;
    benchmark::DoNotOptimize(p);
  }
  state.counters["errors"] = static_cast<double>(errors);
  state.SetItemsProcessed(state.iterations());
}

void BM_FastTextPredict(benchmark::State& s) { Run(s, 0); }
void BM_Bm25Top1Predict(benchmark::State& s) { Run(s, 1); }
void BM_Bm25Vote5Predict(benchmark::State& s) { Run(s, 2); }
BENCHMARK(BM_FastTextPredict)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Bm25Top1Predict)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Bm25Vote5Predict)->Unit(benchmark::kMicrosecond);
// Concurrent Predict (the HTTP server's case): fastText is lock-free.
BENCHMARK(BM_FastTextPredict)->Threads(2)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
}  // namespace plume::intent

BENCHMARK_MAIN();
