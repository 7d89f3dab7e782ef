#include "intent/model_store.h"

#include <string>

#include "util/files.h"
#include "util/hash.h"

namespace plume::intent {

Status PublishModel(Store& store, const ModelRegistry& registry, const ModelManifest& manifest,
                    int64_t now_ms) {
  StoredIntentModel m;
  m.version = manifest.version;
  m.manifest = ManifestToJson(manifest);
  m.model_hash = manifest.model_hash;
  PLUME_ASSIGN_OR_RETURN(m.model, util::ReadFile(registry.ModelPath(manifest.version), 1u << 30));
  if (util::ContentHash(m.model) != manifest.model_hash) {
    return DataLoss("le fichier du modèle version " + std::to_string(manifest.version) +
                    " ne correspond pas à son manifeste");
  }
  m.created_at_ms = now_ms;
  return store.SaveIntentModel(m);
}

Result<LoadedModel> LoadStoreModel(Store& store, const std::filesystem::path& cache_dir) {
  PLUME_ASSIGN_OR_RETURN(StoredIntentModel stored, store.GetActiveIntentModel());
  LoadedModel out;
  PLUME_ASSIGN_OR_RETURN(out.manifest, ManifestFromJson(stored.manifest));
  if (out.manifest.model_hash != stored.model_hash ||
      util::ContentHash(stored.model) != stored.model_hash) {
    return DataLoss("le modèle d'intention version " + std::to_string(stored.version) +
                    " de la base ne correspond pas à son empreinte");
  }
  std::error_code ec;
  std::filesystem::create_directories(cache_dir, ec);
  if (ec) return Unavailable("cannot create " + cache_dir.string() + ": " + ec.message());
  const std::filesystem::path file =
      cache_dir / ("store-" + std::to_string(stored.version) + ".bin");
  PLUME_RETURN_IF_ERROR(util::WriteFileAtomic(file, stored.model));
  PLUME_ASSIGN_OR_RETURN(
      out.classifier,
      FastTextClassifier::Load(file, out.manifest.threshold,
                               "fasttext v" + std::to_string(stored.version), stored.model_hash));
  return out;
}

Result<LoadedModel> LoadServingModel(Store& store, const std::filesystem::path& intent_root,
                                     std::string* source) {
  auto stored = LoadStoreModel(store, intent_root / "cache");
  if (stored.ok() || stored.status().code() != StatusCode::kNotFound) {
    if (source != nullptr) *source = "base de données";
    return stored;
  }
  ModelRegistry registry(intent_root);
  LoadedModel out;
  PLUME_ASSIGN_OR_RETURN(out.manifest, registry.Active());
  PLUME_ASSIGN_OR_RETURN(out.classifier, registry.Load(out.manifest));
  if (source != nullptr) *source = "fichiers locaux";
  return out;
}

Result<ServingRouter> OpenServingRouter(Store& store, const std::filesystem::path& intent_root) {
  ServingRouter out;
  auto loaded = LoadServingModel(store, intent_root, nullptr);
  if (loaded.ok()) {
    out.classifier = std::move(loaded->classifier);
  } else if (loaded.status().code() != StatusCode::kFailedPrecondition) {
    return loaded.status();
  }
  out.router = std::make_unique<StoreRouter>(store, out.classifier.get());
  return out;
}

}  // namespace plume::intent
