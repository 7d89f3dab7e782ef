// PostgreSQL-only behaviour: migrations under concurrency, connection strings, the pool.
// Store behaviour common to every engine is in store_contract_test.cc.
#include "store/postgres/postgres_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "pg_test_database.h"

namespace plume {
namespace {

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PLUME_REQUIRE_PG();
    app_ = "plume_test_" +
           std::string(::testing::UnitTest::GetInstance()->current_test_info()->name());
    auto conninfo = testing::NewPgTestSchema(app_);
    ASSERT_TRUE(conninfo.ok()) << conninfo.status().ToString();
    conninfo_ = *conninfo;
  }

  int64_t Query(const std::string& sql) {
    auto v = testing::PgQueryValue(conninfo_, sql);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() && !v->empty() ? std::stoll(*v) : -1;
  }

  std::string app_;
  std::string conninfo_;
};

TEST_F(PostgresStoreTest, MigrationsRecordedOnce) {
  {
    auto store = PostgresStore::Open(conninfo_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_EQ(*(*store)->SchemaVersion(), PostgresStore::LatestSchemaVersion());
  }
  auto again = PostgresStore::Open(conninfo_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Query("SELECT COUNT(*) FROM schema_migrations"), PostgresStore::LatestSchemaVersion());
  EXPECT_GT(Query("SELECT MIN(applied_at) FROM schema_migrations"), 1600000000000);
}

TEST_F(PostgresStoreTest, ConcurrentOpenersMigrateOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto store = PostgresStore::Open(conninfo_);
      EXPECT_TRUE(store.ok()) << store.status().ToString();
      if (store.ok()) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM schema_migrations"), PostgresStore::LatestSchemaVersion());
}

TEST_F(PostgresStoreTest, NewerSchemaIsRefused) {
  ASSERT_TRUE(PostgresStore::Open(conninfo_).ok());
  Query("INSERT INTO schema_migrations VALUES (999, 0) RETURNING version");
  auto store = PostgresStore::Open(conninfo_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition) << store.status().ToString();
}

TEST_F(PostgresStoreTest, BadConnectionStrings) {
  auto malformed = PostgresStore::Open("postgresql://[::1");
  EXPECT_EQ(malformed.status().code(), StatusCode::kInvalidArgument)
      << malformed.status().ToString();
  auto refused = PostgresStore::Open("host=127.0.0.1 port=1 connect_timeout=5");
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable) << refused.status().ToString();
  auto no_schema = PostgresStore::Open(conninfo_ + " options='-c search_path=absent_schema'");
  EXPECT_EQ(no_schema.status().code(), StatusCode::kFailedPrecondition)
      << no_schema.status().ToString();
  PostgresStore::Options zero;
  zero.max_connections = 0;
  EXPECT_EQ(PostgresStore::Open(conninfo_, zero).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(PostgresStoreTest, PoolNeverExceedsItsBound) {
  PostgresStore::Options opt;
  opt.max_connections = 2;
  auto store = PostgresStore::Open(conninfo_, opt);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        Message m;
        m.service = "s";
        m.body = "b";
        EXPECT_TRUE((*store)->CreateMessage(m).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  MessageFilter f;
  f.limit = 1000;
  EXPECT_EQ((*store)->ListMessages(f)->size(), 80u);
  // Connections stay open in the pool once the work is done.
  int64_t open = Query("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = '" + app_ +
                       "' AND pid <> pg_backend_pid()");
  EXPECT_GE(open, 1);
  EXPECT_LE(open, 2);
}

TEST_F(PostgresStoreTest, BrokenConnectionIsReplaced) {
  PostgresStore::Options opt;
  opt.max_connections = 1;
  auto store = PostgresStore::Open(conninfo_, opt);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->KnowledgeVersion().ok());
  EXPECT_EQ(Query("SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  "WHERE application_name = '" +
                  app_ + "' AND pid <> pg_backend_pid()) t"),
            1);
  auto first = (*store)->KnowledgeVersion();  // may still meet the dying connection
  if (!first.ok()) {
    EXPECT_EQ(first.status().code(), StatusCode::kUnavailable) << first.status().ToString();
  }
  auto second = (*store)->KnowledgeVersion();
  EXPECT_TRUE(second.ok()) << second.status().ToString();
}

TEST_F(PostgresStoreTest, ForEachCallbackMayUseTheStoreWithOneConnection) {
  PostgresStore::Options opt;
  opt.max_connections = 1;
  auto store = PostgresStore::Open(conninfo_, opt);
  ASSERT_TRUE(store.ok());
  KnowledgeDocument d;
  d.id = "particuliers/F1";
  d.content_hash = "h";
  ASSERT_TRUE((*store)->UpsertDocuments({d}, 1).ok());
  int seen = 0;
  Status s = (*store)->ForEachDocument(false, [&](const KnowledgeDocument& doc) -> Status {
    PLUME_ASSIGN_OR_RETURN(KnowledgeDocument again, (*store)->GetDocument(doc.id));
    seen += again.id == doc.id;
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(seen, 1);
}

TEST_F(PostgresStoreTest, NulByteInADocumentWritesNothing) {
  auto store = PostgresStore::Open(conninfo_);
  ASSERT_TRUE(store.ok());
  KnowledgeDocument ok;
  ok.id = "particuliers/F1";
  KnowledgeDocument bad;
  bad.id = "particuliers/F2";
  bad.title = std::string("a\0b", 3);
  EXPECT_EQ((*store)->UpsertDocuments({ok, bad}, 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*(*store)->CountDocuments(true), 0);
  EXPECT_EQ(*(*store)->KnowledgeVersion(), 0);
}

}  // namespace
}  // namespace plume
