// Statistical person-name classifier that completes the name rules (internal to the privacy
// module).
//
// A fastText supervised model (softmax over two labels, one vector per feature, no subwords, no
// n-gram buckets) is trained on the development half of the Europeana NER file
// (NerSplitPoint): one example per capitalised word, labelled "name" when a gold I-PER token
// overlaps it, whose features describe the word and its neighbours (lower-case form, shape,
// prefix/suffix, previous/next words and shapes, gaps, word-list memberships and whether the
// rules already masked it; see NameDetector). With two labels, fastText's probability is
// sigmoid(mean over the example's known features of (B[name] - B[other]) . A[feature]), so
// Load() turns the model into one weight per feature and Detect() scores a word with a few
// hash look-ups, without fastText at detection time.
//
// Where the model comes from: `plume privacy train-names` (data available to the setup:
// ../shared/data/ner-europeana-fr) writes <data-dir>/models/privacy_names.bin; without it the
// detector uses the rules only.
//
// Thread-safety: a loaded NameModel is immutable; Weight() may be called concurrently.
#pragma once

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "plume/status.h"

namespace plume::privacy {

struct NerToken;

// Hash of a feature string (64-bit, never 0); the table key.
uint64_t NameFeatureHash(std::string_view feature);

// NameFeatureHash(std::string_view(data, size)) without a variable-length copy: precondition,
// the 8 bytes from data + size are readable and zero (the detector's feature buffer pads them).
inline uint64_t NameFeatureHashPadded(const char* data, size_t size) {
  constexpr uint64_t kMul = 0xFF51AFD7ED558CCDull;
  uint64_t h = 0x9E3779B97F4A7C15ull ^ size;
  for (size_t i = 0; i < size; i += 8) {
    uint64_t c;
    std::memcpy(&c, data + i, 8);  // zero bytes past `size` in the last block
    h = (h ^ c) * kMul;
    h ^= h >> 32;
  }
  h *= 0xC4CEB9FE1A85EC53ull;
  h ^= h >> 29;
  return h == 0 ? 1 : h;
}

class NameModel {
 public:
  // Reads a fastText model file written by TrainNameModel. Errors: kNotFound, kDataLoss (not a
  // fastText 0.9 supervised model with the labels "name" and "other").
  static Result<std::unique_ptr<NameModel>> Load(const std::filesystem::path& file);

  // Logit contribution of a feature (by NameFeatureHash); false when the model does not know it
  // (fastText skips unknown words, so they do not count in the mean).
  bool Weight(uint64_t feature_hash, float* weight) const {
    if (slots_.empty()) return false;
    const uint32_t tag = Tag(feature_hash);
    const size_t mask = slots_.size() - 1;
    for (size_t s = feature_hash & mask;; s = (s + 1) & mask) {
      if (slots_[s].tag == tag) {
        *weight = slots_[s].weight;
        return true;
      }
      if (slots_[s].tag == 0) return false;
    }
  }
  // Hint that Weight(feature_hash) comes soon: starts loading its first slot.
  void Prefetch(uint64_t feature_hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[feature_hash & (slots_.size() - 1)]);
  }
  // Contribution of the end-of-line token that fastText adds to every example.
  float bias() const { return bias_; }
  size_t feature_count() const { return count_; }

  // Probability that a word is a name given the sum and count of its known feature weights.
  float Probability(float weight_sum, int known) const;

 private:
  NameModel() = default;
  // Open addressing at most 1/4 full: the slot index comes from the low bits of the hash, the
  // 32-bit tag from the high bits (never 0; 0 marks an empty slot). Key and weight share a slot
  // (one cache line per probe).
  struct Slot {
    uint32_t tag = 0;
    float weight = 0;
  };
  static uint32_t Tag(uint64_t h) { return static_cast<uint32_t>(h >> 32) | 1u; }
  std::vector<Slot> slots_;
  size_t count_ = 0;
  float bias_ = 0;
};

struct NameModelParams {
  // Chosen inside the development half (ner_eval --tune: trained on its first 3/4).
  int dim = 16;
  int epoch = 10;
  double lr = 0.1;
  int min_count = 3;  // features seen fewer times are dropped (smaller, faster table)
  int seed = 7;
};

// Trains the model on tokens [first, last) of a NER file (normally [0, NerSplitPoint)): the
// text is cut into ~300-token chunks as in EvaluateNerTokens, the rules of the detector built
// from `resource_dir` run on each chunk, and every capitalised word becomes one example. Writes
// `model_file` atomically (its folder is created). Errors: those of the word lists,
// kInvalidArgument (no example of a label), kInternal (fastText failure), kUnavailable (cannot
// write).
Status TrainNameModel(const std::filesystem::path& resource_dir,
                      const std::vector<NerToken>& tokens, size_t first, size_t last,
                      const NameModelParams& params, const std::filesystem::path& model_file);

// Same on several token ranges [first, last) of the file (cross-validation inside the
// development half trains on every fold but one); each range is cut into chunks on its own.
Status TrainNameModel(const std::filesystem::path& resource_dir,
                      const std::vector<NerToken>& tokens,
                      const std::vector<std::pair<size_t, size_t>>& ranges,
                      const NameModelParams& params, const std::filesystem::path& model_file);

}  // namespace plume::privacy
