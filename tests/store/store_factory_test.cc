// OpenStore picks the engine from the URL scheme.
#include "store/factory/store_factory.h"

#include <gtest/gtest.h>

#include "pg_test_database.h"
#include "testing/test_util.h"

namespace plume {
namespace {

TEST(StoreFactoryTest, SchemeSelectsTheEngine) {
  EXPECT_TRUE(IsPostgresUrl("postgresql://plume@127.0.0.1:5432/plume"));
  EXPECT_TRUE(IsPostgresUrl("postgres://db/plume"));
  EXPECT_FALSE(IsPostgresUrl("var/plume.db"));
  EXPECT_FALSE(IsPostgresUrl("/srv/postgresql://x.db"));
  EXPECT_FALSE(IsPostgresUrl("host=127.0.0.1 dbname=plume"));  // a key=value string is a path
}

TEST(StoreFactoryTest, PathOpensSqlite) {
  testing::TempDir dir;
  auto path = dir.path() / "plume.db";
  auto store = OpenStore(path.string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Message m;
  m.service = "s";
  m.body = "b";
  EXPECT_TRUE((*store)->CreateMessage(m).ok());
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(StoreFactoryTest, UnreachablePostgresUrlIsUnavailable) {
  auto store = OpenStore("postgresql://127.0.0.1:1/plume?connect_timeout=5");
  EXPECT_EQ(store.status().code(), StatusCode::kUnavailable) << store.status().ToString();
}

TEST(StoreFactoryTest, PostgresUrlOpensPostgres) {
  PLUME_REQUIRE_PG();
  auto url = testing::NewPgTestSchemaUrl();
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  auto store = OpenStore(*url);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto agent = (*store)->CreateAgent({0, "a", "A", AgentRole::kAgent, "s", "h", 1});
  ASSERT_TRUE(agent.ok()) << agent.status().ToString();
  auto rows = testing::PgQueryValue(*url, "SELECT COUNT(*) FROM agents");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows, "1");  // written in the URL's schema of the PostgreSQL database
}

}  // namespace
}  // namespace plume
