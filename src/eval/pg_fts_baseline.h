// PostgreSQL full-text search baseline for retrieval evaluation.
//
// Loads the active knowledge documents into a table of a PostgreSQL database with a tsvector
// column (`french` configuration; title weighted A, body B; GIN index) and ranks with
// ts_rank_cd. A citizen's question is turned into an OR of its lexemes (plainto_tsquery ANDs
// every word, which finds nothing for most natural-language questions).
//
// Thread-safety: not thread-safe; one connection per instance.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "plume/status.h"
#include "plume/store.h"

namespace plume::eval {

class PgFtsBaseline {
 public:
  // Connects to `conninfo` (postgresql://...). Errors: kUnavailable when it cannot connect.
  static Result<std::unique_ptr<PgFtsBaseline>> Connect(const std::string& conninfo);
  ~PgFtsBaseline();
  PgFtsBaseline(const PgFtsBaseline&) = delete;
  PgFtsBaseline& operator=(const PgFtsBaseline&) = delete;

  // (Re)creates table plume_fts_baseline from the store's active documents, excluding R fiches
  // like the default Plume search. Returns the number of rows.
  Result<int64_t> Load(Store& store);

  // Fiche ids ranked by ts_rank_cd, best first, at most `limit`.
  Result<std::vector<std::string>> Search(const std::string& query, int limit);

 private:
  struct Impl;
  explicit PgFtsBaseline(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace plume::eval
