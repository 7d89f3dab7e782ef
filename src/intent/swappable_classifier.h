// SwappableClassifier and ModelRefresher: a newly published intent model reaches a running node
// without restart (issue #6), like retrieval::SwappableRetriever / IndexSynchronizer for the index.
//
// `plume intent train` publishes a model in the store (model_store.h). Each node's ModelRefresher
// reads Store::ActiveIntentModelVersion (one small query) every `check_every_ms` on its own
// thread; when the version moved it loads the new model there, off the request path, and installs
// it in the SwappableClassifier the router, the HTTP server and the drafter predict through.
// Predictions are never blocked: they run on the previous model until the swap.
//
// Ownership: the current model is held in a std::shared_ptr because a prediction that started on
// the previous model must keep it alive until it returns while new predictions use the new one.
// ModelRefresher borrows `store` and `target`, which must outlive it.
// Thread-safety: every method of both classes may be called concurrently.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "plume/intent.h"
#include "plume/status.h"
#include "plume/store.h"

namespace plume::intent {

class SwappableClassifier final : public IntentClassifier {
 public:
  // Predictions that start after this call use `next` (null: none). `version` is the store
  // version of `next` (0 when it came from local files or is null).
  void Set(std::shared_ptr<const IntentClassifier> next, int64_t version);
  std::shared_ptr<const IntentClassifier> Current() const;
  int64_t version() const;

  // Errors: those of the current model; kFailedPrecondition when none is installed.
  Result<IntentPrediction> Predict(std::string_view text, int k = 3) const override;
  // The current model's name ("none" when there is none).
  std::string Name() const override;

 private:
  mutable std::mutex mu_;  // guards current_ and version_ (held only to copy or replace them)
  std::shared_ptr<const IntentClassifier> current_;
  int64_t version_ = 0;
};

struct ModelRefreshOptions {
  int64_t check_every_ms = 30'000;  // interval between two version checks of the thread
};

class ModelRefresher {
 public:
  // Loaded models are cached under `cache_dir` (LoadStoreModel).
  ModelRefresher(Store& store, std::filesystem::path cache_dir, SwappableClassifier& target,
                 ModelRefreshOptions options = {});
  ~ModelRefresher();  // Stop()s the thread
  ModelRefresher(const ModelRefresher&) = delete;
  ModelRefresher& operator=(const ModelRefresher&) = delete;

  // Reads the store's active model version; when it differs from the installed one (and is not
  // 0), loads that model and installs it. Returns the version installed afterwards. Errors: those
  // of the store and LoadStoreModel; on error the target keeps its model.
  Result<int64_t> CheckNow();
  // Starts the thread (once): CheckNow every check_every_ms until Stop().
  void Start();
  // Stops and joins the thread; idempotent.
  void Stop();

 private:
  void Run();

  Store& store_;
  const std::filesystem::path cache_dir_;
  SwappableClassifier& target_;
  const ModelRefreshOptions options_;
  std::mutex check_mu_;  // one CheckNow at a time
  std::mutex mu_;        // guards stop_
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace plume::intent
