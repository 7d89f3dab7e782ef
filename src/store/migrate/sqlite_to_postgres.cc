#include "store/migrate/sqlite_to_postgres.h"

#include <libpq-fe.h>
#include <sodium.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace plume::store {
namespace {

// Rows per INSERT statement (bounded by PostgreSQL's 65535 parameters per statement).
constexpr size_t kBatchRows = 200;
// Rows per FETCH when reading the copy back.
constexpr int kFetchRows = 500;

struct Column {
  std::string name;
  int pk = 0;           // 1-based position in the SQLite primary key, 0 when not part of it
  std::string pg_type;  // information_schema data_type on the PostgreSQL side
};

struct Table {
  std::string name;
  std::vector<Column> columns;
  std::set<std::string> parents;  // tables its foreign keys reference
  int64_t rows = 0;
};

// Standard SQL identifier quoting (the same for SQLite and PostgreSQL).
std::string Quote(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Hex(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 0xF];
  }
  return out;
}

std::string FormatDouble(double v) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

// Order-sensitive BLAKE2b over length-prefixed values, so ("ab","c") and ("a","bc") differ.
class Checksum {
 public:
  Checksum() { crypto_generichash_init(&state_, nullptr, 0, crypto_generichash_BYTES); }
  void Null() { Update("N"); }
  void Value(std::string_view v) {
    Update("V" + std::to_string(v.size()) + ":");
    Update(v);
  }
  std::string Hex() {
    unsigned char out[crypto_generichash_BYTES];
    crypto_generichash_final(&state_, out, sizeof(out));
    return store::Hex(out, sizeof(out));
  }

 private:
  void Update(std::string_view v) {
    crypto_generichash_update(&state_, reinterpret_cast<const unsigned char*>(v.data()), v.size());
  }
  crypto_generichash_state state_;
};

// SQLite side ----------------------------------------------------------------------------------

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* st) const { sqlite3_finalize(st); }
};
using SqliteStmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

Status SqliteFailure(sqlite3* db, std::string_view what) {
  std::string msg = "SQLite " + std::string(what) + ": " + sqlite3_errmsg(db);
  int code = sqlite3_errcode(db) & 0xFF;
  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) return DataLoss(msg);
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED || code == SQLITE_CANTOPEN) {
    return Unavailable(msg);
  }
  return Internal(msg);
}

Result<SqliteStmt> Prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &st, nullptr) !=
      SQLITE_OK) {
    return SqliteFailure(db, "prepare " + sql);
  }
  return SqliteStmt(st);
}

// Steps `st`: true for a row, false at the end; errors in *status.
bool Step(sqlite3* db, sqlite3_stmt* st, Status* status) {
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) *status = SqliteFailure(db, "step");
  return false;
}

std::string ColumnText(sqlite3_stmt* st, int col) {
  const auto* p = sqlite3_column_text(st, col);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<size_t>(sqlite3_column_bytes(st, col)))
           : std::string();
}

Result<std::vector<Table>> ReadSqliteTables(sqlite3* db) {
  std::vector<Table> tables;
  PLUME_ASSIGN_OR_RETURN(SqliteStmt list,
                         Prepare(db,
                                 "SELECT name FROM sqlite_master WHERE type = 'table' AND name "
                                 "NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' "
                                 "ORDER BY name"));
  Status s;
  while (Step(db, list.get(), &s)) tables.push_back({ColumnText(list.get(), 0), {}, {}, 0});
  PLUME_RETURN_IF_ERROR(s);
  for (Table& t : tables) {
    PLUME_ASSIGN_OR_RETURN(SqliteStmt cols,
                           Prepare(db, "PRAGMA table_info(" + Quote(t.name) + ")"));
    while (Step(db, cols.get(), &s)) {
      t.columns.push_back({ColumnText(cols.get(), 1), sqlite3_column_int(cols.get(), 5), ""});
    }
    PLUME_RETURN_IF_ERROR(s);
    PLUME_ASSIGN_OR_RETURN(SqliteStmt fks,
                           Prepare(db, "PRAGMA foreign_key_list(" + Quote(t.name) + ")"));
    while (Step(db, fks.get(), &s)) {
      std::string parent = ColumnText(fks.get(), 2);
      if (parent != t.name) t.parents.insert(parent);
    }
    PLUME_RETURN_IF_ERROR(s);
    PLUME_ASSIGN_OR_RETURN(SqliteStmt count, Prepare(db, "SELECT COUNT(*) FROM " + Quote(t.name)));
    if (Step(db, count.get(), &s)) t.rows = sqlite3_column_int64(count.get(), 0);
    PLUME_RETURN_IF_ERROR(s);
  }
  return tables;
}

// Parents before children. Errors: kFailedPrecondition on a reference cycle.
Result<std::vector<Table>> SortByForeignKeys(std::vector<Table> tables) {
  std::vector<Table> sorted;
  std::set<std::string> done;
  while (!tables.empty()) {
    auto ready = std::find_if(tables.begin(), tables.end(), [&](const Table& t) {
      return std::all_of(t.parents.begin(), t.parents.end(), [&](const std::string& p) {
        return done.contains(p) || std::none_of(tables.begin(), tables.end(),
                                                [&](const Table& o) { return o.name == p; });
      });
    });
    if (ready == tables.end()) return FailedPrecondition("foreign keys form a cycle");
    done.insert(ready->name);
    sorted.push_back(std::move(*ready));
    tables.erase(ready);
  }
  return sorted;
}

// Columns in the order rows are read on both sides: the primary key, else every column.
std::vector<const Column*> OrderColumns(const Table& t) {
  std::vector<const Column*> key;
  for (const Column& c : t.columns) {
    if (c.pk > 0) key.push_back(&c);
  }
  std::sort(key.begin(), key.end(), [](const Column* a, const Column* b) { return a->pk < b->pk; });
  if (key.empty()) {
    for (const Column& c : t.columns) key.push_back(&c);
  }
  return key;
}

std::string SelectSql(const Table& t, bool postgres) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (i) sql += ", ";
    sql += Quote(t.columns[i].name);
  }
  sql += " FROM " + Quote(t.name) + " ORDER BY ";
  auto key = OrderColumns(t);
  for (size_t i = 0; i < key.size(); ++i) {
    if (i) sql += ", ";
    sql += Quote(key[i]->name);
    // Byte order for text, as SQLite's BINARY collation.
    if (postgres && (key[i]->pg_type == "text" || key[i]->pg_type == "character varying")) {
      sql += " COLLATE \"C\"";
    }
  }
  return sql;
}

// Adds SQLite value (st, col) to the checksum.
void HashSqliteValue(sqlite3_stmt* st, int col, Checksum& sum) {
  switch (sqlite3_column_type(st, col)) {
    case SQLITE_NULL:
      sum.Null();
      break;
    case SQLITE_INTEGER:
      sum.Value(std::to_string(sqlite3_column_int64(st, col)));
      break;
    case SQLITE_FLOAT:
      sum.Value(FormatDouble(sqlite3_column_double(st, col)));
      break;
    case SQLITE_BLOB: {
      const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(st, col));
      sum.Value(Hex(p, static_cast<size_t>(sqlite3_column_bytes(st, col))));
      break;
    }
    default:
      sum.Value(ColumnText(st, col));
      break;
  }
}

// PostgreSQL side ------------------------------------------------------------------------------

struct PgCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

class Pg {
 public:
  explicit Pg(PGconn* conn) : conn_(conn) {}

  static Result<Pg> Connect(const std::string& conninfo) {
    const char* keys[] = {"connect_timeout", "dbname", "fallback_application_name",
                          "client_encoding", nullptr};
    const char* values[] = {"10", conninfo.c_str(), "plume-migrate", "UTF8", nullptr};
    Pg pg(PQconnectdbParams(keys, values, 1));
    if (PQstatus(pg.conn_.get()) != CONNECTION_OK) {
      return Unavailable(std::string("cannot connect to PostgreSQL: ") +
                         PQerrorMessage(pg.conn_.get()));
    }
    PQsetNoticeProcessor(
        pg.conn_.get(), [](void*, const char*) {}, nullptr);
    return pg;
  }

  // Runs `sql` with text parameters (nullopt = NULL).
  Result<PgResult> Exec(const std::string& sql,
                        const std::vector<std::optional<std::string>>& params = {}) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    PgResult r(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                            values.data(), nullptr, nullptr, 0));
    ExecStatusType st = PQresultStatus(r.get());
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
    std::string msg = PQresultErrorMessage(r.get());
    if (msg.empty()) msg = PQerrorMessage(conn_.get());
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    if (PQstatus(conn_.get()) != CONNECTION_OK) return Unavailable("PostgreSQL: " + msg);
    const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
    std::string_view code = state ? state : "";
    if (code.starts_with("22") || code.starts_with("23")) {
      return InvalidArgument("PostgreSQL: " + msg);
    }
    return Internal("PostgreSQL: " + msg);
  }

 private:
  std::unique_ptr<PGconn, PgCloser> conn_;
};

int64_t ToInt(const PgResult& r, int row, int col) {
  return std::strtoll(PQgetvalue(r.get(), row, col), nullptr, 10);
}

// Reads the PostgreSQL columns of every source table and checks they are the same names.
Status MatchPostgresColumns(Pg& pg, std::vector<Table>& tables) {
  for (Table& t : tables) {
    PLUME_ASSIGN_OR_RETURN(PgResult r, pg.Exec("SELECT column_name, data_type FROM "
                                               "information_schema.columns WHERE table_schema = "
                                               "current_schema() AND table_name = $1",
                                               {t.name}));
    std::map<std::string, std::string> types;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      types[PQgetvalue(r.get(), i, 0)] = PQgetvalue(r.get(), i, 1);
    }
    if (types.empty()) return FailedPrecondition("table " + t.name + " missing in PostgreSQL");
    if (types.size() != t.columns.size()) {
      return FailedPrecondition("table " + t.name + " has different columns in PostgreSQL");
    }
    for (Column& c : t.columns) {
      auto it = types.find(c.name);
      if (it == types.end()) {
        return FailedPrecondition("column " + t.name + "." + c.name + " missing in PostgreSQL");
      }
      c.pg_type = it->second;
    }
  }
  return Status::Ok();
}

// The SQLite value (st, col) as a text parameter for PostgreSQL column `c`.
Result<std::optional<std::string>> ToParam(sqlite3_stmt* st, int col, const Column& c) {
  switch (sqlite3_column_type(st, col)) {
    case SQLITE_NULL:
      return std::optional<std::string>();
    case SQLITE_INTEGER:
      return std::optional<std::string>(std::to_string(sqlite3_column_int64(st, col)));
    case SQLITE_FLOAT:
      return std::optional<std::string>(FormatDouble(sqlite3_column_double(st, col)));
    case SQLITE_BLOB: {
      if (c.pg_type != "bytea") {
        return InvalidArgument("binary value in column " + c.name + " (" + c.pg_type + ")");
      }
      const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(st, col));
      return std::optional<std::string>("\\x" +
                                        Hex(p, static_cast<size_t>(sqlite3_column_bytes(st, col))));
    }
    default: {
      std::string text = ColumnText(st, col);
      if (text.find('\0') != std::string::npos) {
        return InvalidArgument("NUL byte in column " + c.name);
      }
      return std::optional<std::string>(std::move(text));
    }
  }
}

Status InsertBatch(Pg& pg, const Table& t, size_t rows,
                   const std::vector<std::optional<std::string>>& params) {
  std::string sql = "INSERT INTO " + Quote(t.name) + " (";
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (i) sql += ", ";
    sql += Quote(t.columns[i].name);
  }
  sql += ") VALUES ";
  size_t n = 1;
  for (size_t r = 0; r < rows; ++r) {
    sql += r ? ",(" : "(";
    for (size_t i = 0; i < t.columns.size(); ++i) {
      if (i) sql += ',';
      sql += '$' + std::to_string(n++);
    }
    sql += ')';
  }
  return pg.Exec(sql, params).status();
}

Status CopyTable(sqlite3* db, Pg& pg, const Table& t, Progress& progress) {
  progress.Start("copie " + t.name, t.rows);
  PLUME_ASSIGN_OR_RETURN(SqliteStmt st, Prepare(db, SelectSql(t, false)));
  std::vector<std::optional<std::string>> params;
  size_t batch = 0;
  int64_t done = 0;
  Status s;
  while (Step(db, st.get(), &s)) {
    for (size_t i = 0; i < t.columns.size(); ++i) {
      auto p = ToParam(st.get(), static_cast<int>(i), t.columns[i]);
      if (!p.ok())
        return p.status().WithContext("table " + t.name + ", row " +
                                      std::to_string(done + static_cast<int64_t>(batch) + 1));
      params.push_back(std::move(p).value());
    }
    if (++batch == kBatchRows) {
      PLUME_RETURN_IF_ERROR(InsertBatch(pg, t, batch, params)
                                .WithContext("table " + t.name + ", rows " +
                                             std::to_string(done + 1) + "-" +
                                             std::to_string(done + static_cast<int64_t>(batch))));
      done += static_cast<int64_t>(batch);
      batch = 0;
      params.clear();
      progress.Update(done);
    }
  }
  PLUME_RETURN_IF_ERROR(s);
  if (batch > 0) {
    PLUME_RETURN_IF_ERROR(InsertBatch(pg, t, batch, params)
                              .WithContext("table " + t.name + ", rows " +
                                           std::to_string(done + 1) + "-" +
                                           std::to_string(done + static_cast<int64_t>(batch))));
    done += static_cast<int64_t>(batch);
  }
  progress.Update(done);
  progress.Finish();
  if (done != t.rows) {
    return DataLoss("table " + t.name + ": read " + std::to_string(done) + " rows, expected " +
                    std::to_string(t.rows));
  }
  return Status::Ok();
}

// Moves every identity / serial sequence of `t` past the copied ids.
Status ResetSequences(Pg& pg, const Table& t) {
  for (const Column& c : t.columns) {
    PLUME_ASSIGN_OR_RETURN(
        PgResult seq, pg.Exec("SELECT pg_get_serial_sequence($1, $2)", {Quote(t.name), c.name}));
    if (PQgetisnull(seq.get(), 0, 0)) continue;
    PLUME_RETURN_IF_ERROR(pg.Exec("SELECT setval($1::regclass, COALESCE((SELECT MAX(" +
                                      Quote(c.name) + ") FROM " + Quote(t.name) +
                                      "), 0) + 1, false)",
                                  {std::string(PQgetvalue(seq.get(), 0, 0))})
                              .status());
  }
  return Status::Ok();
}

struct Digest {
  int64_t rows = 0;
  std::string checksum;
};

Result<Digest> SqliteDigest(sqlite3* db, const Table& t) {
  PLUME_ASSIGN_OR_RETURN(SqliteStmt st, Prepare(db, SelectSql(t, false)));
  Checksum sum;
  Digest d;
  Status s;
  while (Step(db, st.get(), &s)) {
    for (int i = 0; i < static_cast<int>(t.columns.size()); ++i) HashSqliteValue(st.get(), i, sum);
    ++d.rows;
  }
  PLUME_RETURN_IF_ERROR(s);
  d.checksum = sum.Hex();
  return d;
}

Result<Digest> PostgresDigest(Pg& pg, const Table& t) {
  PLUME_RETURN_IF_ERROR(
      pg.Exec("DECLARE plume_verify NO SCROLL CURSOR FOR " + SelectSql(t, true)).status());
  Checksum sum;
  Digest d;
  for (;;) {
    PLUME_ASSIGN_OR_RETURN(
        PgResult r, pg.Exec("FETCH FORWARD " + std::to_string(kFetchRows) + " FROM plume_verify"));
    int n = PQntuples(r.get());
    for (int row = 0; row < n; ++row) {
      for (int col = 0; col < static_cast<int>(t.columns.size()); ++col) {
        if (PQgetisnull(r.get(), row, col)) {
          sum.Null();
          continue;
        }
        std::string_view v(PQgetvalue(r.get(), row, col),
                           static_cast<size_t>(PQgetlength(r.get(), row, col)));
        const std::string& type = t.columns[static_cast<size_t>(col)].pg_type;
        if (type == "bytea" && v.starts_with("\\x")) {
          sum.Value(v.substr(2));
        } else if (type == "double precision" || type == "real") {
          sum.Value(FormatDouble(std::strtod(std::string(v).c_str(), nullptr)));
        } else {
          sum.Value(v);
        }
      }
    }
    d.rows += n;
    if (n < kFetchRows) break;
  }
  PLUME_RETURN_IF_ERROR(pg.Exec("CLOSE plume_verify").status());
  d.checksum = sum.Hex();
  return d;
}

Status CopyInTransaction(sqlite3* db, Pg& pg, const std::vector<Table>& tables,
                         const CopyOptions& options, Progress& progress, CopyReport* report) {
  for (const Table& t : tables) {
    PLUME_RETURN_IF_ERROR(pg.Exec("LOCK TABLE " + Quote(t.name) + " IN EXCLUSIVE MODE").status());
  }
  if (!options.force) {
    for (const Table& t : tables) {
      // The migrations seed kb_state with version 0: that alone is an empty store.
      std::string sql = "SELECT COUNT(*) FROM " + Quote(t.name);
      if (t.name == "kb_state") sql += " WHERE NOT (key = 'version' AND value = 0)";
      PLUME_ASSIGN_OR_RETURN(PgResult r, pg.Exec(sql));
      if (ToInt(r, 0, 0) > 0) {
        return FailedPrecondition("target database is not empty (table " + t.name +
                                  "); use --force to replace its contents");
      }
    }
  }
  // Empty the target (children first); user triggers (append-only audit) are off meanwhile.
  for (auto it = tables.rbegin(); it != tables.rend(); ++it) {
    PLUME_RETURN_IF_ERROR(
        pg.Exec("ALTER TABLE " + Quote(it->name) + " DISABLE TRIGGER USER").status());
    PLUME_RETURN_IF_ERROR(pg.Exec("DELETE FROM " + Quote(it->name)).status());
  }
  for (const Table& t : tables) {
    PLUME_RETURN_IF_ERROR(CopyTable(db, pg, t, progress));
    PLUME_RETURN_IF_ERROR(ResetSequences(pg, t));
  }
  for (const Table& t : tables) {
    PLUME_RETURN_IF_ERROR(
        pg.Exec("ALTER TABLE " + Quote(t.name) + " ENABLE TRIGGER USER").status());
  }
  int64_t total = 0;
  for (const Table& t : tables) total += t.rows;
  progress.Start("vérification", total);
  int64_t verified = 0;
  for (const Table& t : tables) {
    PLUME_ASSIGN_OR_RETURN(Digest source, SqliteDigest(db, t));
    PLUME_ASSIGN_OR_RETURN(Digest target, PostgresDigest(pg, t));
    if (source.rows != target.rows || source.checksum != target.checksum) {
      return DataLoss("verification failed for table " + t.name + ": " +
                      std::to_string(source.rows) + " rows (" + source.checksum.substr(0, 16) +
                      ") in SQLite, " + std::to_string(target.rows) + " rows (" +
                      target.checksum.substr(0, 16) + ") in PostgreSQL");
    }
    report->tables.push_back({t.name, source.rows, source.checksum});
    verified += source.rows;
    progress.Update(verified);
  }
  progress.Finish();
  return Status::Ok();
}

Result<int> SqliteSchemaVersion(sqlite3* db) {
  PLUME_ASSIGN_OR_RETURN(SqliteStmt st,
                         Prepare(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  Status s;
  if (!Step(db, st.get(), &s)) return s.ok() ? Internal("no schema version") : s;
  return sqlite3_column_int(st.get(), 0);
}

}  // namespace

Result<CopyReport> CopySqliteToPostgres(const std::string& sqlite_path,
                                        const std::string& pg_conninfo, const CopyOptions& options,
                                        Progress& progress) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(sqlite_path, ec)) {
    return NotFound("no SQLite database at " + sqlite_path);
  }
  if (sodium_init() < 0) return Internal("libsodium initialisation failed");
  // Bring both schemas to this build's latest version.
  {
    PLUME_ASSIGN_OR_RETURN(auto lite, SqliteStore::Open(sqlite_path));
    PLUME_ASSIGN_OR_RETURN(auto pg_store, PostgresStore::Open(pg_conninfo));
  }
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(sqlite_path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::unique_ptr<sqlite3, SqliteCloser> closer(raw);
    return Unavailable("cannot open " + sqlite_path + ": " +
                       (raw ? sqlite3_errmsg(raw) : "out of memory"));
  }
  std::unique_ptr<sqlite3, SqliteCloser> db(raw);
  sqlite3_busy_timeout(db.get(), 5000);
  // One read transaction: the copy and its verification see the same snapshot.
  if (sqlite3_exec(db.get(), "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqliteFailure(db.get(), "BEGIN");
  }
  PLUME_ASSIGN_OR_RETURN(int version, SqliteSchemaVersion(db.get()));
  PLUME_ASSIGN_OR_RETURN(std::vector<Table> unsorted, ReadSqliteTables(db.get()));
  PLUME_ASSIGN_OR_RETURN(std::vector<Table> tables, SortByForeignKeys(std::move(unsorted)));

  PLUME_ASSIGN_OR_RETURN(Pg pg, Pg::Connect(pg_conninfo));
  PLUME_ASSIGN_OR_RETURN(PgResult pg_version,
                         pg.Exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  if (ToInt(pg_version, 0, 0) != version) {
    return FailedPrecondition("schema versions differ: SQLite " + std::to_string(version) +
                              ", PostgreSQL " + std::to_string(ToInt(pg_version, 0, 0)));
  }
  PLUME_RETURN_IF_ERROR(MatchPostgresColumns(pg, tables));

  CopyReport report;
  report.schema_version = version;
  PLUME_RETURN_IF_ERROR(pg.Exec("BEGIN").status());
  Status s = CopyInTransaction(db.get(), pg, tables, options, progress, &report);
  if (!s.ok()) {
    (void)pg.Exec("ROLLBACK");
    return s;
  }
  PLUME_ASSIGN_OR_RETURN(PgResult commit, pg.Exec("COMMIT"));
  if (std::string_view(PQcmdStatus(commit.get())) != "COMMIT") {
    return Internal("PostgreSQL transaction rolled back");
  }
  return report;
}

}  // namespace plume::store
