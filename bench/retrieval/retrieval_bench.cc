// Query latency on the full knowledge-base index.
//
// Needs an ingested data folder (default var/, or PLUME_BENCH_DATA): `plume kb ingest` first.
// Queries are the variants of ../shared/data/cdtn-queries-dev.json, cycled.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "retrieval/bm25_retriever.h"
#include "util/files.h"
#include "util/text.h"

namespace plume {
namespace {

std::string DataDir() {
  const char* env = std::getenv("PLUME_BENCH_DATA");
  return env ? env : std::string(PLUME_SOURCE_DIR) + "/var";
}

std::vector<std::string> Queries() {
  std::vector<std::string> out;
  auto text = util::ReadFile(std::string(PLUME_SHARED_DATA_DIR) + "/cdtn-queries-dev.json");
  if (!text.ok()) return out;
  auto root = nlohmann::json::parse(*text, nullptr, false);
  if (!root.is_array()) return out;
  for (const auto& c : root) {
    for (const auto& v : c.value("variants", nlohmann::json::array())) {
      if (v.is_string() && !util::Trim(v.get<std::string>()).empty()) out.push_back(v);
    }
  }
  return out;
}

retrieval::Bm25Retriever* SharedRetriever() {
  static std::unique_ptr<retrieval::Bm25Retriever> r = [] {
    auto sw = retrieval::StopWords::Load(retrieval::StopWordsPath(PLUME_RESOURCE_DIR));
    if (!sw.ok()) return std::unique_ptr<retrieval::Bm25Retriever>();
    auto opened = retrieval::Bm25Retriever::Open(DataDir() + "/index", *sw);
    if (!opened.ok()) {
      std::cerr << opened.status().ToString() << "\n";
      return std::unique_ptr<retrieval::Bm25Retriever>();
    }
    return std::move(opened).value();
  }();
  return r.get();
}

void Search(benchmark::State& state, bool snippets) {
  auto* retriever = SharedRetriever();
  static const std::vector<std::string> queries = Queries();
  if (!retriever || queries.empty()) {
    state.SkipWithError("no index or no queries: run `plume kb ingest` first");
    return;
  }
  size_t i = 0;
  for (auto _ : state) {
    SearchRequest r;
    r.query = queries[i++ % queries.size()];
    r.limit = static_cast<int>(state.range(0));
    r.with_snippets = snippets;
    auto hits = retriever->Search(r);
    if (!hits.ok()) state.SkipWithError(hits.status().ToString().c_str());
    benchmark::DoNotOptimize(hits);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_SearchRanking(benchmark::State& state) { Search(state, false); }
void BM_SearchWithSnippets(benchmark::State& state) { Search(state, true); }
BENCHMARK(BM_SearchRanking)->Arg(10)->Arg(30)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchWithSnippets)->Arg(5)->Arg(10)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace plume

BENCHMARK_MAIN();
