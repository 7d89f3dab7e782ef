// IndexSynchronizer: keeps a node's local Xapian index in step with the shared store (issue #8).
//
// Several stateless Plume nodes share one database; each has its own index folder. The
// synchroniser remembers the knowledge version its index was built from (recorded in the index),
// waits for changes (Store::WaitForKnowledgeChange: PostgreSQL LISTEN/NOTIFY, or the version read
// again every `wait_slice_ms` as a safety net and for SQLite written by another process), updates
// the index in place document by document (UpdateIndex; BuildIndex when there is none yet), then
// opens a fresh Bm25Retriever on it and installs it in the SwappableRetriever the HTTP server and
// the drafter search through. Searches are never blocked: they run on the previous retriever (and
// index revision) until the swap.
//
// Ownership: borrows `store`, `stop_words`, `clock` and `target`, which must outlive it.
// Thread-safety: every method may be called from any thread; syncs run one at a time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "plume/clock.h"
#include "plume/status.h"
#include "plume/store.h"
#include "retrieval/analyzer.h"
#include "retrieval/bm25_retriever.h"
#include "retrieval/swappable_retriever.h"
#include "retrieval/xapian_index.h"

namespace plume::retrieval {

struct IndexSyncOptions {
  // Longest single wait on the store before the version is read again. A PostgreSQL NOTIFY ends
  // the wait at once; otherwise this is the polling interval. Stop() returns within about this.
  int64_t wait_slice_ms = 1000;
  // Pause after a failed sync (store unreachable, index locked) before the next attempt.
  int64_t retry_delay_ms = 2000;
  Bm25Params params;
};

struct IndexSyncStatus {
  int64_t index_version = -1;   // knowledge version of the installed index (-1: none yet)
  int64_t syncs = 0;            // successful syncs
  int64_t failures = 0;         // failed syncs
  int64_t last_sync_at_ms = 0;  // Clock time of the last successful sync (0: never)
  IndexUpdateStats last;        // what the last successful sync changed
  std::string last_error;       // of the last sync; empty when it succeeded
};

class IndexSynchronizer {
 public:
  IndexSynchronizer(Store& store, std::filesystem::path index_dir, const StopWords& stop_words,
                    const Clock& clock, SwappableRetriever& target, IndexSyncOptions options = {});
  ~IndexSynchronizer();  // Stop()s the background thread
  IndexSynchronizer(const IndexSynchronizer&) = delete;
  IndexSynchronizer& operator=(const IndexSynchronizer&) = delete;

  // Brings the local index up to the store's current version and installs a fresh retriever on
  // it. Errors: those of BuildIndex, UpdateIndex and Bm25Retriever::Open; on error the target
  // keeps its previous retriever and index.
  Result<IndexSyncStatus> SyncOnce();

  // Starts the background thread (once): wait for a change, SyncOnce, repeat until Stop().
  void Start();
  // Stops and joins the thread; idempotent.
  void Stop();

  IndexSyncStatus status() const;
  int64_t index_version() const;
  // Blocks until the installed index is at `version` or newer, or `timeout` passes; returns
  // whether it is.
  bool WaitForIndexVersion(int64_t version, std::chrono::milliseconds timeout) const;

 private:
  void Run();
  Result<IndexUpdateStats> UpdateLocalIndex();

  Store& store_;
  const std::filesystem::path index_dir_;
  const StopWords& stop_words_;
  const Clock& clock_;
  SwappableRetriever& target_;
  const IndexSyncOptions options_;

  std::mutex sync_mu_;  // one sync at a time

  mutable std::mutex mu_;  // guards status_ and stop_
  mutable std::condition_variable cv_;
  IndexSyncStatus status_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace plume::retrieval
