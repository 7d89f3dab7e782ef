// Ingestion of real fiches into a real SQLite file: idempotence, withdrawal, bad files.
#include <gtest/gtest.h>

#include <fstream>

#include "kb/ingest.h"
#include "plume/clock.h"
#include "store/sqlite/sqlite_store.h"
#include "util/files.h"
#include "testing/kb_fixture.h"
#include "testing/test_util.h"

namespace plume::kb {
namespace {

namespace fs = std::filesystem;

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    vdd_ = testing::MakeVddSubset(dir_.path(), 20);
    auto s = SqliteStore::Open((dir_.path() / "plume.db").string());
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
  }
  Result<IngestReport> Run() {
    IngestOptions opt;
    opt.vdd_dir = vdd_;
    opt.threads = 2;
    opt.batch_size = 7;  // several batches even on the small subset
    return Ingest(*store_, opt, clock_, progress_);
  }

  testing::TempDir dir_;
  fs::path vdd_;
  std::unique_ptr<SqliteStore> store_;
  FakeClock clock_{1'700'000'000'000};
  NullProgress progress_;
};

TEST_F(IngestTest, IdempotentReingest) {
  auto first = Run();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->errors.empty());
  EXPECT_EQ(first->inserted, first->documents_parsed);
  EXPECT_GT(first->inserted, 20);
  int64_t version = *store_->KnowledgeVersion();
  clock_.Advance(1000);
  auto second = Run();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->unchanged, first->inserted);
  EXPECT_EQ(second->inserted + second->updated + second->withdrawn, 0);
  EXPECT_EQ(*store_->KnowledgeVersion(), version);
  EXPECT_EQ(store_->GetDocument("particuliers/F1344")->ingested_at_ms, 1'700'000'000'000);
}

TEST_F(IngestTest, DisappearedFicheIsWithdrawnNotDeleted) {
  ASSERT_TRUE(Run().ok());
  fs::remove(vdd_ / "particuliers" / "F1344.json");
  auto again = Run();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->withdrawn, 1);
  auto d = store_->GetDocument("particuliers/F1344");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->status, DocumentStatus::kWithdrawn);
  EXPECT_FALSE(d->sections.empty());
}

TEST_F(IngestTest, MalformedFileIsReportedAndSkipped) {
  ASSERT_TRUE(Run().ok());
  auto before = store_->GetDocument("particuliers/F1137");
  ASSERT_TRUE(before.ok());
  std::ofstream(vdd_ / "particuliers" / "F1137.json") << "{\"children\": [ tronqué";
  std::ofstream(vdd_ / "particuliers" / "F999999.json") << "[]";
  auto r = Run();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->errors.size(), 2u);
  bool named = false;
  for (const auto& e : r->errors) named |= e.path.find("F1137.json") != std::string::npos;
  EXPECT_TRUE(named) << "the error names the file";
  EXPECT_EQ(r->withdrawn, 0) << "an unreadable fiche is left as it was";
  auto after = store_->GetDocument("particuliers/F1137");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->status, DocumentStatus::kActive);
  EXPECT_EQ(after->content_hash, before->content_hash);
}

TEST_F(IngestTest, ChangedFicheIsUpdated) {
  ASSERT_TRUE(Run().ok());
  // Re-ingest F40's content under the name of F1344: same id from the file, new content.
  auto text = util::ReadFile(vdd_ / "particuliers" / "F1344.json");
  ASSERT_TRUE(text.ok());
  std::string changed = *text;
  size_t pos = changed.find("en cas de perte");
  ASSERT_NE(pos, std::string::npos);
  changed.replace(pos, 15, "en cas de PERTE");
  std::ofstream(vdd_ / "particuliers" / "F1344.json") << changed;
  auto r = Run();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->updated, 1);
  EXPECT_NE(store_->GetDocument("particuliers/F1344")->title.find("PERTE"), std::string::npos);
}

TEST_F(IngestTest, MissingFoldersAreClearErrors) {
  IngestOptions opt;
  opt.vdd_dir = dir_.path() / "absent";
  auto r = Ingest(*store_, opt, clock_, progress_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("npm ci"), std::string::npos);
  fs::create_directories(dir_.path() / "empty");
  opt.vdd_dir = dir_.path() / "empty";
  EXPECT_EQ(Ingest(*store_, opt, clock_, progress_).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Ingest(*store_, IngestOptions{}, clock_, progress_).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace plume::kb
