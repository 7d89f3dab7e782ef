#include "eval/pg_fts_baseline.h"

#include <libpq-fe.h>

#include <string>

namespace plume::eval {
namespace {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

Status CheckResult(PGconn* conn, const PgResult& r, std::string_view what) {
  ExecStatusType st = PQresultStatus(r.get());
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Status::Ok();
  return Internal(std::string(what) + ": " + PQerrorMessage(conn));
}

constexpr const char* kSearchSql =
    "SELECT fiche_id FROM plume_fts_baseline, "
    "to_tsquery('french', replace(plainto_tsquery('french', $1)::text, ' & ', ' | ')) q "
    "WHERE tsv @@ q ORDER BY ts_rank_cd(tsv, q) DESC LIMIT $2";

}  // namespace

struct PgFtsBaseline::Impl {
  PGconn* conn = nullptr;
  bool prepared = false;
  ~Impl() { PQfinish(conn); }

  Status Exec(const char* sql) {
    PgResult r(PQexec(conn, sql));
    return CheckResult(conn, r, sql);
  }
};

PgFtsBaseline::PgFtsBaseline(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PgFtsBaseline::~PgFtsBaseline() = default;

Result<std::unique_ptr<PgFtsBaseline>> PgFtsBaseline::Connect(const std::string& conninfo) {
  auto impl = std::make_unique<Impl>();
  impl->conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(impl->conn) != CONNECTION_OK) {
    return Unavailable(std::string("cannot connect to PostgreSQL: ") + PQerrorMessage(impl->conn));
  }
  return std::unique_ptr<PgFtsBaseline>(new PgFtsBaseline(std::move(impl)));
}

Result<int64_t> PgFtsBaseline::Load(Store& store) {
  PLUME_RETURN_IF_ERROR(impl_->Exec("DROP TABLE IF EXISTS plume_fts_baseline"));
  PLUME_RETURN_IF_ERROR(impl_->Exec(
      "CREATE TABLE plume_fts_baseline (id text PRIMARY KEY, fiche_id text NOT NULL, "
      "title text NOT NULL, body text NOT NULL, tsv tsvector)"));
  PLUME_RETURN_IF_ERROR(impl_->Exec("BEGIN"));
  int64_t rows = 0;
  Status s = store.ForEachDocument(false, [&](const KnowledgeDocument& d) -> Status {
    if (d.kind == "R") return Status::Ok();
    std::string body = d.FullText();
    const char* params[] = {d.id.c_str(), d.fiche_id.c_str(), d.title.c_str(), body.c_str()};
    PgResult r(PQexecParams(impl_->conn,
                            "INSERT INTO plume_fts_baseline (id, fiche_id, title, body) "
                            "VALUES ($1, $2, $3, $4)",
                            4, nullptr, params, nullptr, nullptr, 0));
    PLUME_RETURN_IF_ERROR(CheckResult(impl_->conn, r, "insert " + d.id));
    ++rows;
    return Status::Ok();
  });
  if (!s.ok()) {
    (void)impl_->Exec("ROLLBACK");
    return s;
  }
  PLUME_RETURN_IF_ERROR(impl_->Exec(
      "UPDATE plume_fts_baseline SET tsv = setweight(to_tsvector('french', title), 'A') || "
      "setweight(to_tsvector('french', body), 'B')"));
  PLUME_RETURN_IF_ERROR(impl_->Exec("COMMIT"));
  PLUME_RETURN_IF_ERROR(
      impl_->Exec("CREATE INDEX plume_fts_baseline_tsv ON plume_fts_baseline USING GIN (tsv)"));
  PLUME_RETURN_IF_ERROR(impl_->Exec("ANALYZE plume_fts_baseline"));
  return rows;
}

Result<std::vector<std::string>> PgFtsBaseline::Search(const std::string& query, int limit) {
  if (!impl_->prepared) {
    PgResult r(PQprepare(impl_->conn, "plume_fts_search", kSearchSql, 2, nullptr));
    PLUME_RETURN_IF_ERROR(CheckResult(impl_->conn, r, "prepare search"));
    impl_->prepared = true;
  }
  std::string lim = std::to_string(limit);
  const char* params[] = {query.c_str(), lim.c_str()};
  PgResult r(PQexecPrepared(impl_->conn, "plume_fts_search", 2, params, nullptr, nullptr, 0));
  PLUME_RETURN_IF_ERROR(CheckResult(impl_->conn, r, "search"));
  std::vector<std::string> ids;
  for (int i = 0; i < PQntuples(r.get()); ++i) ids.emplace_back(PQgetvalue(r.get(), i, 0));
  return ids;
}

}  // namespace plume::eval
