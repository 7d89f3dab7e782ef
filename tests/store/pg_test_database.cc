#include "pg_test_database.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <random>
#include <vector>

namespace plume::testing {
namespace {

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};

std::string Quote(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// PLUME_TEST_PG_URL with some keywords replaced, in key=value form.
std::string WithOverrides(const std::vector<std::pair<std::string, std::string>>& overrides) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(PgTestUrl().c_str(), &err);
  if (opts == nullptr) {
    PQfreemem(err);
    return "";
  }
  std::string out;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    std::string value = o->val ? o->val : "";
    for (const auto& [k, v] : overrides) {
      if (k == o->keyword) value = v;
    }
    if (value.empty()) continue;
    out += std::string(o->keyword) + "=" + Quote(value) + " ";
  }
  PQconninfoFree(opts);
  return out;
}

Result<std::string> Run(const std::string& conninfo, const std::string& sql) {
  std::unique_ptr<PGconn, ConnDeleter> conn(PQconnectdb(conninfo.c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return Unavailable(std::string("test PostgreSQL: ") + PQerrorMessage(conn.get()));
  }
  std::unique_ptr<PGresult, ResultDeleter> r(PQexec(conn.get(), sql.c_str()));
  ExecStatusType st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    return Internal(sql + ": " + PQerrorMessage(conn.get()));
  }
  if (PQntuples(r.get()) == 0) return std::string();
  return std::string(PQgetvalue(r.get(), 0, 0));
}

// The database of this test program, dropped by the gtest environment at exit.
class TestDatabase : public ::testing::Environment {
 public:
  Result<std::string> Name() {
    std::lock_guard lock(mu_);
    if (!name_.empty()) return name_;
    std::random_device rd;
    std::string name = "plume_test_" + std::to_string(rd()) + std::to_string(rd());
    PLUME_ASSIGN_OR_RETURN(std::string ignored,
                           Run(PgTestUrl(), "CREATE DATABASE " + name + " ENCODING 'UTF8'"));
    name_ = name;
    return name_;
  }
  void TearDown() override {
    std::lock_guard lock(mu_);
    if (name_.empty()) return;
    auto r = Run(PgTestUrl(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    name_.clear();
  }

 private:
  std::mutex mu_;
  std::string name_;
};

TestDatabase* Database() {
  // Owned by GoogleTest once registered.
  static TestDatabase* db =
      static_cast<TestDatabase*>(::testing::AddGlobalTestEnvironment(new TestDatabase));
  return db;
}

// Registers the environment before main runs, so TearDown happens even if the first use is late.
[[maybe_unused]] const bool kRegistered = (Database(), true);

}  // namespace

std::string PgTestUrl() {
  const char* url = std::getenv("PLUME_TEST_PG_URL");
  return url ? url : "";
}

bool InCi() {
  const char* ci = std::getenv("CI");
  return ci && (std::string(ci) == "true" || std::string(ci) == "1");
}

Result<std::string> NewPgTestSchema(const std::string& application_name) {
  static std::atomic<int> counter{0};
  PLUME_ASSIGN_OR_RETURN(std::string db, Database()->Name());
  std::string schema = "s" + std::to_string(counter++);
  std::string admin = WithOverrides({{"dbname", db}});
  PLUME_ASSIGN_OR_RETURN(std::string ignored, Run(admin, "CREATE SCHEMA " + schema));
  std::vector<std::pair<std::string, std::string>> overrides = {
      {"dbname", db}, {"options", "-c search_path=" + schema}};
  if (!application_name.empty()) overrides.push_back({"application_name", application_name});
  return WithOverrides(overrides);
}

Result<std::string> NewPgTestSchemaUrl() {
  PLUME_ASSIGN_OR_RETURN(std::string conninfo, NewPgTestSchema());
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (opts == nullptr) {
    PQfreemem(err);
    return Internal("cannot parse " + conninfo);
  }
  std::string user, host = "127.0.0.1", port = "5432", db, schema;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (!o->val) continue;
    std::string k = o->keyword;
    if (k == "user") user = o->val;
    if (k == "host" || k == "hostaddr") host = o->val;
    if (k == "port") port = o->val;
    if (k == "dbname") db = o->val;
    if (k == "options") schema = std::string(o->val).substr(std::string("-c search_path=").size());
  }
  PQconninfoFree(opts);
  // Names here are generated ([a-z0-9_]) or come from the test URL: no escaping needed.
  return "postgresql://" + (user.empty() ? "" : user + "@") + host + ":" + port + "/" + db +
         "?options=-csearch_path%3D" + schema;
}

Result<std::string> PgQueryValue(const std::string& conninfo, const std::string& sql) {
  return Run(conninfo, sql);
}

}  // namespace plume::testing
