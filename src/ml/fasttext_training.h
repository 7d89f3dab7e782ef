// Supervised fastText training into a file, shared by the intent classifier (src/intent) and the
// person-name model of the pseudonymiser (src/privacy).
//
// Thread-safety: calls for different model files may run concurrently.
#pragma once

#include <filesystem>
#include <string_view>

#include "plume/status.h"

namespace plume::ml {

struct SupervisedParams {
  int dim = 50;
  int epoch = 5;
  double lr = 0.1;
  int word_ngrams = 1;
  int minn = 0;  // character n-grams (0 with maxn 0 disables subwords)
  int maxn = 0;
  int min_count = 1;
  int bucket = 0;  // hash buckets for word n-grams and subwords
  int seed = 0;
};

// Trains a softmax model on `data` (fastText's text format: one "__label__X words…" line per
// example) with one thread and no console output, so the same data, parameters and seed give
// the same bytes. The model is written next to `model_file` under a temporary name (parent
// folders created), then renamed. Errors: kInternal when fastText fails; kUnavailable on I/O.
Status TrainSupervised(std::string_view data, const SupervisedParams& params,
                       const std::filesystem::path& model_file);

}  // namespace plume::ml
