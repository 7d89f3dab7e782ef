#include "retrieval/index_sync.h"

#include <memory>
#include <system_error>
#include <utility>

#include "plume/progress.h"

namespace plume::retrieval {

IndexSynchronizer::IndexSynchronizer(Store& store, std::filesystem::path index_dir,
                                     const StopWords& stop_words, const Clock& clock,
                                     SwappableRetriever& target, IndexSyncOptions options)
    : store_(store),
      index_dir_(std::move(index_dir)),
      stop_words_(stop_words),
      clock_(clock),
      target_(target),
      options_(options) {}

IndexSynchronizer::~IndexSynchronizer() { Stop(); }

Result<IndexUpdateStats> IndexSynchronizer::UpdateLocalIndex() {
  std::error_code ec;
  if (std::filesystem::exists(index_dir_, ec)) {
    Result<IndexUpdateStats> updated = UpdateIndex(store_, index_dir_, stop_words_);
    if (updated.ok() || updated.status().code() != StatusCode::kFailedPrecondition) {
      return updated;
    }
    // The folder is there but holds no usable index: build one.
  }
  NullProgress progress;
  PLUME_ASSIGN_OR_RETURN(IndexStats built, BuildIndex(store_, index_dir_, stop_words_, progress));
  IndexUpdateStats stats;
  stats.added = built.documents;
  stats.rebuilt = true;
  stats.knowledge_version = built.knowledge_version;
  return stats;
}

Result<IndexSyncStatus> IndexSynchronizer::SyncOnce() {
  std::lock_guard sync_lock(sync_mu_);
  Result<IndexUpdateStats> updated = UpdateLocalIndex();
  Result<std::unique_ptr<Bm25Retriever>> opened =
      updated.ok() ? Bm25Retriever::Open(index_dir_, stop_words_, options_.params)
                   : Result<std::unique_ptr<Bm25Retriever>>(updated.status());
  if (!opened.ok()) {
    std::lock_guard lock(mu_);
    ++status_.failures;
    status_.last_error = opened.status().ToString();
    return opened.status();
  }
  // Shared with the searches still running on the previous retriever (see SwappableRetriever).
  target_.Set(std::shared_ptr<const Retriever>(std::move(opened).value()));
  IndexSyncStatus now;
  {
    std::lock_guard lock(mu_);
    ++status_.syncs;
    status_.index_version = updated->knowledge_version;
    status_.last_sync_at_ms = clock_.NowMillis();
    status_.last = *updated;
    status_.last_error.clear();
    now = status_;
  }
  cv_.notify_all();
  return now;
}

void IndexSynchronizer::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stop_) return;
  thread_ = std::thread([this] { Run(); });
}

void IndexSynchronizer::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void IndexSynchronizer::Run() {
  for (;;) {
    int64_t known = 0;
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      known = status_.index_version;
    }
    Result<int64_t> version = store_.WaitForKnowledgeChange(known, options_.wait_slice_ms);
    bool failed = !version.ok();
    if (version.ok() && *version != known) failed = !SyncOnce().ok();
    if (!version.ok()) {
      std::lock_guard lock(mu_);
      ++status_.failures;
      status_.last_error = version.status().ToString();
    }
    if (failed) {
      // Back off before the next attempt; Stop() interrupts the pause.
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(options_.retry_delay_ms), [&] { return stop_; });
    }
  }
}

IndexSyncStatus IndexSynchronizer::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

int64_t IndexSynchronizer::index_version() const {
  std::lock_guard lock(mu_);
  return status_.index_version;
}

bool IndexSynchronizer::WaitForIndexVersion(int64_t version,
                                            std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return status_.index_version >= version; });
}

}  // namespace plume::retrieval
