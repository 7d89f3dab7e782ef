// Embedded-engine draft latency on the full knowledge base, with the parts it is made of
// (retrieval alone, grounding check alone) measured in the same run as baselines.
//
// Needs an ingested data folder (default var/, or PLUME_BENCH_DATA): `plume kb ingest` first.
// Messages are the 55 questions of ../shared/data/faq-code-du-travail/faq.json, cycled.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>

#include "draft/draft_service.h"
#include "draft/grounding_guard.h"
#include "eval/draft_eval.h"
#include "retrieval/bm25_retriever.h"
#include "store/sqlite/sqlite_store.h"

namespace plume {
namespace {

std::string DataDir() {
  const char* env = std::getenv("PLUME_BENCH_DATA");
  return env ? env : std::string(PLUME_SOURCE_DIR) + "/var";
}

struct Setup {
  std::unique_ptr<SqliteStore> store;
  std::unique_ptr<retrieval::StopWords> stop_words;
  std::unique_ptr<retrieval::Bm25Retriever> retriever;
  SystemClock clock;
  std::unique_ptr<draft::DraftService> service;
  std::vector<std::string> questions;
};

Setup* Shared() {
  static Setup* s = [] {
    auto* setup = new Setup();
    auto store = SqliteStore::Open(DataDir() + "/plume.db");
    auto sw = retrieval::StopWords::Load(retrieval::StopWordsPath(PLUME_RESOURCE_DIR));
    if (!store.ok() || !sw.ok()) return static_cast<Setup*>(nullptr);
    setup->store = std::move(store).value();
    setup->stop_words = std::make_unique<retrieval::StopWords>(std::move(sw).value());
    auto r = retrieval::Bm25Retriever::Open(DataDir() + "/index", *setup->stop_words);
    if (!r.ok()) {
      std::cerr << r.status().ToString() << "\n";
      return static_cast<Setup*>(nullptr);
    }
    setup->retriever = std::move(r).value();
    draft::DraftServiceConfig c;
    c.resource_dir = PLUME_RESOURCE_DIR;
    auto service = draft::DraftService::Create(*setup->store, *setup->retriever, *setup->stop_words,
                                               setup->clock, c);
    if (!service.ok()) {
      std::cerr << service.status().ToString() << "\n";
      return static_cast<Setup*>(nullptr);
    }
    setup->service = std::move(service).value();
    auto faq = eval::LoadFaq(std::string(PLUME_SHARED_DATA_DIR) + "/faq-code-du-travail/faq.json");
    if (faq.ok()) {
      for (const auto& item : *faq) setup->questions.push_back(item.question);
    }
    return setup;
  }();
  return s;
}

void EmbeddedDraft(benchmark::State& state) {
  Setup* s = Shared();
  if (!s || s->questions.empty()) {
    state.SkipWithError("no knowledge base or no questions: run `plume kb ingest` first");
    return;
  }
  size_t i = 0;
  for (auto _ : state) {
    DraftRequest req;
    req.message.service = "bench";
    req.message.body = s->questions[i++ % s->questions.size()];
    auto d = s->service->Generate(req);
    if (!d.ok()) state.SkipWithError(d.status().ToString().c_str());
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(EmbeddedDraft)->Unit(benchmark::kMillisecond);

// Baseline: the retrieval and document loads the draft starts with.
void SourcesOnly(benchmark::State& state) {
  Setup* s = Shared();
  if (!s || s->questions.empty()) {
    state.SkipWithError("no knowledge base");
    return;
  }
  size_t i = 0;
  for (auto _ : state) {
    Message m;
    m.body = s->questions[i++ % s->questions.size()];
    auto found = s->service->embedded().Sources(m);
    benchmark::DoNotOptimize(found);
  }
}
BENCHMARK(SourcesOnly)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace plume

BENCHMARK_MAIN();
