// Copy of a Plume SQLite database into PostgreSQL, verified.
//
// Both databases are first brought to the latest schema (SqliteStore / PostgresStore migrations),
// then every table of the SQLite file (except schema_migrations) is copied row for row, ids
// included, in foreign-key order, in ONE PostgreSQL transaction; identity sequences are moved
// past the copied ids. Before COMMIT, each table is read back from PostgreSQL and compared with
// the SQLite source: row count and a BLAKE2b checksum of every value in primary-key order must be
// equal, otherwise nothing is committed. The SQLite file is read in one read transaction (a
// consistent snapshot, even while a server writes to it).
//
// Thread-safety: a free function; no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "plume/progress.h"
#include "plume/status.h"

namespace plume::store {

struct CopyOptions {
  // Replace the target's contents. Without it a target holding any row (beyond the initial
  // knowledge-base version 0) is refused.
  bool force = false;
};

struct TableCopy {
  std::string table;
  int64_t rows = 0;
  std::string checksum;  // hex BLAKE2b, equal on both sides
};

struct CopyReport {
  int schema_version = 0;
  std::vector<TableCopy> tables;  // in copy order
};

// Copies `sqlite_path` into the database named by `pg_conninfo` (libpq URL or key=value).
// Progress: one phase per table ("copie <table>"), then one for the verification.
// Errors: kNotFound when the SQLite file does not exist; kFailedPrecondition when the target is
// not empty (without force) or its tables differ from the source's; kInvalidArgument when a value
// cannot be stored in PostgreSQL (NUL byte, invalid UTF-8), naming table and row; kDataLoss when
// the verification fails; kUnavailable when a database cannot be reached. On any error the
// target is left as it was.
Result<CopyReport> CopySqliteToPostgres(const std::string& sqlite_path,
                                        const std::string& pg_conninfo, const CopyOptions& options,
                                        Progress& progress);

}  // namespace plume::store
