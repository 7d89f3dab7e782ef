// SwappableRetriever: a Retriever whose implementation can be replaced while searches run, so a
// node installs an updated index without stopping or blocking its HTTP server (issue #8).
//
// Ownership: the current retriever is held in a std::shared_ptr because a search that started on
// the previous retriever must keep it alive until it returns while new searches use the new one;
// the last user frees the old retriever (no search waits for a swap, nor a swap for a search).
// Thread-safety: every method may be called concurrently.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "plume/retriever.h"

namespace plume::retrieval {

class SwappableRetriever final : public Retriever {
 public:
  SwappableRetriever() = default;
  explicit SwappableRetriever(std::shared_ptr<const Retriever> initial);

  // Searches that start after this call use `next`; null makes them fail (kFailedPrecondition).
  void Set(std::shared_ptr<const Retriever> next);
  std::shared_ptr<const Retriever> current() const;

  // Errors: those of the current retriever; kFailedPrecondition when none is installed yet.
  Result<std::vector<SearchHit>> Search(const SearchRequest& request) const override;
  // The current retriever's name ("none" when there is none).
  std::string Name() const override;

 private:
  mutable std::mutex mu_;  // guards current_ (held only to copy or replace the pointer)
  std::shared_ptr<const Retriever> current_;
};

}  // namespace plume::retrieval
