// ModelRegistry: versioned intent models under <data_dir>/intent/models/.
//
// Layout: models/<NNNNNN>/model.bin + manifest.json (version, created_at, data and model hashes,
// labels, threshold, parameters, dev-split figures). The newest version is active unless a
// version was pinned with Use() (file <root>/ACTIVE); UseLatest() removes the pin.
//
// Thread-safety: the registry holds no state besides its root; concurrent Add() calls get
// distinct versions (a version directory is claimed with an atomic mkdir). Loaders never see a
// half-written version: model and manifest are written to a staging folder that is renamed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "intent/fasttext_classifier.h"
#include "plume/clock.h"
#include "plume/status.h"

namespace plume::intent {

struct ModelManifest {
  int64_t version = 0;
  std::string created_at;  // ISO 8601 UTC, "2026-01-05T10:00:00Z"
  std::string engine = "fasttext";
  std::string data_hash;   // Dataset::hash of the training data
  std::string model_hash;  // ContentHash of model.bin
  std::string taxonomy_version;
  std::vector<std::string> labels;
  double threshold = 0.5;
  FastTextParams params;
  std::string training_splits;  // "train" or "train+dev+test"
  int64_t train_examples = 0;
  std::string eval_json;  // figures on the dev split, as a JSON object text ("{}" when none)
};

class ModelRegistry {
 public:
  // `root` is <data_dir>/intent (created on first Add).
  explicit ModelRegistry(std::filesystem::path root) : root_(std::move(root)) {}

  // Moves `model_file` into a new version directory with `manifest` (its version, created_at
  // and model_hash are filled in here). Errors: kUnavailable on I/O.
  Result<ModelManifest> Add(const std::filesystem::path& model_file, ModelManifest manifest,
                            const Clock& clock);
  // All versions, oldest first. Errors: kDataLoss for an unreadable manifest.
  Result<std::vector<ModelManifest>> List() const;
  // The pinned version if any, else the newest. Errors: kFailedPrecondition when no model
  // exists; kNotFound when the pinned version disappeared.
  Result<ModelManifest> Active() const;
  Result<ModelManifest> Get(int64_t version) const;
  // Errors: kNotFound for an unknown version.
  Status Use(int64_t version);
  Status UseLatest();
  // Pinned version, or 0.
  int64_t Pinned() const;

  std::filesystem::path ModelPath(int64_t version) const;
  // Loads the model of `manifest`, checking its hash; threshold < 0 keeps the manifest's.
  Result<std::unique_ptr<FastTextClassifier>> Load(const ModelManifest& manifest,
                                                   double threshold = -1) const;

  std::filesystem::path CorrectionsPath() const { return root_ / "corrections.jsonl"; }

 private:
  std::filesystem::path VersionDir(int64_t version) const;
  std::filesystem::path root_;
};

std::string ManifestToJson(const ModelManifest& m);
Result<ModelManifest> ManifestFromJson(std::string_view text);

}  // namespace plume::intent
