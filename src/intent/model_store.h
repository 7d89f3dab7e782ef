// Intent models shared through the Store (issue #6): `plume intent train` publishes the version it
// registers, and every node's `plume serve` loads the store's active model, so all nodes classify
// with the same model. The file registry (model_registry.h) stays the training workspace and the
// fallback when the store holds no model.
//
// Thread-safety: free functions; concurrent loaders of the same version write the same bytes to
// the same cache file through an atomic rename.
#pragma once

#include <filesystem>
#include <memory>

#include "intent/fasttext_classifier.h"
#include "intent/model_registry.h"
#include "intent/routing_service.h"
#include "plume/status.h"
#include "plume/store.h"

namespace plume::intent {

// Stores the model file and manifest of `manifest`'s version and makes it the store's active
// model. Errors: those of util::ReadFile and Store::SaveIntentModel (kAlreadyExists when the
// store holds that version with other bytes).
Status PublishModel(Store& store, const ModelRegistry& registry, const ModelManifest& manifest,
                    int64_t now_ms);

struct LoadedModel {
  std::unique_ptr<FastTextClassifier> classifier;
  ModelManifest manifest;
};

// Loads the store's active model: its bytes are written to <cache_dir>/store-<version>.bin
// (fastText reads files) and loaded with the stored hash checked. Errors: kNotFound when the store
// holds no model; kDataLoss for a manifest or model that does not match its hash; kUnavailable on
// I/O.
Result<LoadedModel> LoadStoreModel(Store& store, const std::filesystem::path& cache_dir);

// The model `plume serve` uses: the store's active model (cached under <intent_root>/cache), or
// when the store holds none, the file registry's active model under `intent_root`. *source says
// which, in French ("base de données" / "fichiers locaux"). Errors: kFailedPrecondition when
// neither has a model; those of the loaders.
Result<LoadedModel> LoadServingModel(Store& store, const std::filesystem::path& intent_root,
                                     std::string* source);

// A StoreRouter with the serving model, for the command-line arrival paths (imports, e-mail
// poll). Without any model the router has no classifier (messages go to the qualification
// queue). Errors: those of LoadServingModel other than "no model".
struct ServingRouter {
  std::unique_ptr<FastTextClassifier> classifier;  // may be null
  std::unique_ptr<StoreRouter> router;
};
Result<ServingRouter> OpenServingRouter(Store& store, const std::filesystem::path& intent_root);

}  // namespace plume::intent
