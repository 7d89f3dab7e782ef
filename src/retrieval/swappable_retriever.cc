#include "retrieval/swappable_retriever.h"

#include <utility>

namespace plume::retrieval {

SwappableRetriever::SwappableRetriever(std::shared_ptr<const Retriever> initial)
    : current_(std::move(initial)) {}

void SwappableRetriever::Set(std::shared_ptr<const Retriever> next) {
  std::shared_ptr<const Retriever> previous;
  {
    std::lock_guard lock(mu_);
    previous = std::exchange(current_, std::move(next));
  }
  // `previous` is released here, outside the lock (its destructor may close index handles).
}

std::shared_ptr<const Retriever> SwappableRetriever::current() const {
  std::lock_guard lock(mu_);
  return current_;
}

Result<std::vector<SearchHit>> SwappableRetriever::Search(const SearchRequest& request) const {
  std::shared_ptr<const Retriever> r = current();
  if (!r) return FailedPrecondition("the search index is not ready yet");
  return r->Search(request);
}

std::string SwappableRetriever::Name() const {
  std::shared_ptr<const Retriever> r = current();
  return r ? r->Name() : "none";
}

}  // namespace plume::retrieval
