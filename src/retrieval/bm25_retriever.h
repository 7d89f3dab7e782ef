// Bm25Retriever: BM25 search over the Xapian index built by BuildIndex.
//
// Results are collapsed to one hit per knowledge document (its best fiche or chunk unit), so a
// fiche appears once with the section that matched best.
//
// Thread-safety: Search() may be called concurrently; each call borrows a Xapian database handle
// from an internal pool (Xapian handles are not thread-safe). Reopen() picks up a rebuilt index.
#pragma once

#include <filesystem>
#include <memory>

#include "plume/retriever.h"
#include "retrieval/analyzer.h"

namespace plume::retrieval {

struct Bm25Params {
  double k1 = 1.2;
  double b = 0.75;
  // Extra weight given to title matches through the "S" prefix (repeats of the title field in
  // the query; 0 disables title boosting).
  int title_boost = 1;
};

class Bm25Retriever final : public Retriever {
 public:
  // Errors: kFailedPrecondition when there is no index at `index_dir`; kInternal on Xapian errors.
  static Result<std::unique_ptr<Bm25Retriever>> Open(const std::filesystem::path& index_dir,
                                                     StopWords stop_words, Bm25Params params = {});
  ~Bm25Retriever() override;

  Result<std::vector<SearchHit>> Search(const SearchRequest& request) const override;
  std::string Name() const override { return "bm25"; }

  // Drops pooled handles so the next searches see the index currently on disk.
  Status Reopen();

 private:
  struct Impl;
  explicit Bm25Retriever(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Checks a request against the Retriever contract (shared by all retrievers).
Status ValidateSearchRequest(const SearchRequest& request);

}  // namespace plume::retrieval
