// Store write and list latency, SQLite against PostgreSQL on loopback, in the same run.
//
// PostgreSQL runs need PLUME_BENCH_PG_URL (or PLUME_TEST_PG_URL), e.g. after
//   env=$(scripts/pg-test-server.sh start) && eval "$env"
// Each run works in a fresh schema of that database, dropped at the end. SQLite runs use a file
// in a temporary directory (WAL, synchronous=NORMAL: the production settings). Times are wall
// clock: PostgreSQL's work happens in another process.
#include <benchmark/benchmark.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace plume {
namespace {

namespace fs = std::filesystem;

constexpr int kPrefilled = 5010;

std::string PgUrl() {
  for (const char* name : {"PLUME_BENCH_PG_URL", "PLUME_TEST_PG_URL"}) {
    if (const char* v = std::getenv(name)) return v;
  }
  return "";
}

bool PgExec(const std::string& conninfo, const std::string& sql) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  bool ok = PQstatus(c) == CONNECTION_OK;
  if (ok) {
    PQsetNoticeProcessor(
        c, [](void*, const char*) {}, nullptr);
    PGresult* r = PQexec(c, sql.c_str());
    ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
  }
  PQfinish(c);
  return ok;
}

// A fresh store of each engine; removes its file or schema on destruction.
class Fixture {
 public:
  static std::unique_ptr<Fixture> Sqlite() {
    auto f = std::make_unique<Fixture>();
    f->dir_ = fs::temp_directory_path() / ("plume-store-bench-" + std::to_string(::getpid()));
    fs::remove_all(f->dir_);
    fs::create_directories(f->dir_);
    auto s = SqliteStore::Open((f->dir_ / "plume.db").string());
    if (!s.ok()) return nullptr;
    f->store_ = std::move(s).value();
    return f;
  }
  static std::unique_ptr<Fixture> Postgres() {
    std::string url = PgUrl();
    if (url.empty()) return nullptr;
    auto f = std::make_unique<Fixture>();
    f->admin_ = url;
    f->schema_ = "plume_bench_" + std::to_string(::getpid());
    if (!PgExec(url,
                "DROP SCHEMA IF EXISTS " + f->schema_ + " CASCADE; CREATE SCHEMA " + f->schema_)) {
      return nullptr;
    }
    std::string sep = url.find('?') == std::string::npos ? "?" : "&";
    auto s = PostgresStore::Open(url + sep + "options=-csearch_path%3D" + f->schema_);
    if (!s.ok()) return nullptr;
    f->store_ = std::move(s).value();
    return f;
  }
  ~Fixture() {
    store_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
    if (!schema_.empty()) PgExec(admin_, "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }
  Store& store() { return *store_; }

 private:
  std::unique_ptr<Store> store_;
  fs::path dir_;
  std::string admin_;
  std::string schema_;
};

Message Sample(int i) {
  Message m;
  m.service = i % 4 ? "caf-75" : "mairie-lyon";
  m.sender_name = "Usager " + std::to_string(i);
  m.subject = "Demande d'aide au logement";
  m.body = std::string(600, 'x');  // a typical short message
  m.received_at_ms = 1700000000000 + i;
  return m;
}

void CreateMessage(benchmark::State& state, const std::function<std::unique_ptr<Fixture>()>& make) {
  auto f = make();
  if (!f) {
    state.SkipWithError("store unavailable (set PLUME_BENCH_PG_URL for PostgreSQL)");
    return;
  }
  int i = 0;
  for (auto _ : state) {
    auto id = f->store().CreateMessage(Sample(i++));
    if (!id.ok()) {
      state.SkipWithError(id.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(*id);
  }
  state.SetItemsProcessed(state.iterations());
}

void ListMessages50(benchmark::State& state,
                    const std::function<std::unique_ptr<Fixture>()>& make) {
  auto f = make();
  if (!f) {
    state.SkipWithError("store unavailable (set PLUME_BENCH_PG_URL for PostgreSQL)");
    return;
  }
  for (int i = 0; i < kPrefilled; ++i) {
    if (!f->store().CreateMessage(Sample(i)).ok()) {
      state.SkipWithError("prefill failed");
      return;
    }
  }
  MessageFilter filter;
  filter.service = "caf-75";
  filter.limit = 50;
  for (auto _ : state) {
    auto page = f->store().ListMessages(filter);
    if (!page.ok()) {
      state.SkipWithError(page.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(page->size());
    // Keyset pagination through the service's messages, starting again after the last page.
    filter.after_id = page->size() < 50 ? 0 : page->back().id;
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(CreateMessage, sqlite, &Fixture::Sqlite)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(CreateMessage, postgres, &Fixture::Postgres)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(ListMessages50, sqlite, &Fixture::Sqlite)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(ListMessages50, postgres, &Fixture::Postgres)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

// Several nodes (issue #8): a knowledge-base ingest batch, 500 documents of a few kB, every one
// changed (new hash) in each iteration, so every row is rewritten.
KnowledgeDocument SampleDocument(int i, int round) {
  KnowledgeDocument d;
  d.id = "particuliers/F" + std::to_string(i);
  d.fiche_id = "F" + std::to_string(i);
  d.source = "vdd";
  d.kind = "F";
  d.type = "Fiche d'information";
  d.audience = "particuliers";
  d.title = "Fiche numéro " + std::to_string(i);
  d.description = "Résumé de la fiche " + std::to_string(i);
  d.url = "https://www.service-public.fr/particuliers/vosdroits/F" + std::to_string(i);
  d.introduction = std::string(300, 'i');
  for (int s = 0; s < 4; ++s)
    d.sections.push_back({{"Section " + std::to_string(s)}, std::string(600, 's')});
  d.links = {{"service_en_ligne", "Démarche", "https://www.service-public.fr/R1", "R1", ""}};
  d.breadcrumb = {{"N1", "Papiers"}};
  d.source_date = "2024-01-01";
  d.content_hash = "h" + std::to_string(i) + "-" + std::to_string(round);
  return d;
}

void UpsertDocuments500(benchmark::State& state,
                        const std::function<std::unique_ptr<Fixture>()>& make) {
  auto f = make();
  if (!f) {
    state.SkipWithError("store unavailable (set PLUME_BENCH_PG_URL for PostgreSQL)");
    return;
  }
  int round = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<KnowledgeDocument> batch;
    for (int i = 0; i < 500; ++i) batch.push_back(SampleDocument(i, round));
    ++round;
    state.ResumeTiming();
    auto stats = f->store().UpsertDocuments(batch, 1700000000000 + round);
    if (!stats.ok() || stats->unchanged != 0) {
      state.SkipWithError(stats.ok() ? "documents left unchanged"
                                     : stats.status().ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * 500);
}

BENCHMARK_CAPTURE(UpsertDocuments500, sqlite, &Fixture::Sqlite)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(UpsertDocuments500, postgres, &Fixture::Postgres)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace plume

BENCHMARK_MAIN();
