#include "intent/swappable_classifier.h"

#include <chrono>
#include <cstdio>
#include <utility>

#include "intent/model_store.h"

namespace plume::intent {

void SwappableClassifier::Set(std::shared_ptr<const IntentClassifier> next, int64_t version) {
  std::lock_guard lock(mu_);
  current_ = std::move(next);
  version_ = current_ ? version : 0;
}

std::shared_ptr<const IntentClassifier> SwappableClassifier::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

int64_t SwappableClassifier::version() const {
  std::lock_guard lock(mu_);
  return version_;
}

Result<IntentPrediction> SwappableClassifier::Predict(std::string_view text, int k) const {
  std::shared_ptr<const IntentClassifier> model = Current();
  if (!model) return FailedPrecondition("no intent model installed");
  return model->Predict(text, k);
}

std::string SwappableClassifier::Name() const {
  std::shared_ptr<const IntentClassifier> model = Current();
  return model ? model->Name() : "none";
}

ModelRefresher::ModelRefresher(Store& store, std::filesystem::path cache_dir,
                               SwappableClassifier& target, ModelRefreshOptions options)
    : store_(store), cache_dir_(std::move(cache_dir)), target_(target), options_(options) {}

ModelRefresher::~ModelRefresher() { Stop(); }

Result<int64_t> ModelRefresher::CheckNow() {
  std::lock_guard check(check_mu_);
  PLUME_ASSIGN_OR_RETURN(int64_t active, store_.ActiveIntentModelVersion());
  if (active == 0 || active == target_.version()) return target_.version();
  PLUME_ASSIGN_OR_RETURN(LoadedModel loaded, LoadStoreModel(store_, cache_dir_));
  // The store may have moved on since the version was read: install what was loaded.
  const int64_t version = loaded.manifest.version;
  target_.Set(std::shared_ptr<const IntentClassifier>(std::move(loaded.classifier)), version);
  return version;
}

void ModelRefresher::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stop_) return;
  thread_ = std::thread([this] { Run(); });
}

void ModelRefresher::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ModelRefresher::Run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(options_.check_every_ms),
                 [this] { return stop_; });
    if (stop_) break;
    lock.unlock();
    const int64_t before = target_.version();
    Result<int64_t> installed = CheckNow();
    if (!installed.ok()) {
      std::fprintf(stderr, "plume: modèle d'intention non rechargé : %s\n",
                   installed.status().message().c_str());
    } else if (*installed != before) {
      std::fprintf(stderr, "plume: modèle d'intention version %lld installé\n",
                   static_cast<long long>(*installed));
    }
    lock.lock();
  }
}

}  // namespace plume::intent
