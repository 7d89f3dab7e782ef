// FastTextClassifier: supervised fastText (libfasttext) over normalised message text.
//
// Training writes a model file; loading checks the file's BLAKE2b hash when one is given (the
// registry always gives it), so a corrupt or truncated file is reported as kDataLoss before
// fastText reads it. fastText exceptions never leave this module.
//
// Thread-safety: Predict() may be called concurrently (fastText's predict is const and keeps its
// state on the stack). TrainFastText is reentrant (it uses its own temporary files).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "intent/dataset.h"
#include "plume/intent.h"
#include "plume/status.h"

namespace plume::intent {

struct FastTextParams {
  int dim = 50;
  int epoch = 50;
  double lr = 1.0;  // epoch and lr chosen on the dev split (see resources/intent/README.md)
  int word_ngrams = 2;
  int minn = 3;  // character n-grams (0 with maxn 0 disables subwords)
  int maxn = 5;
  int min_count = 1;
  int bucket = 200000;
  int seed = 42;  // with one thread, training is deterministic
};

// Trains on `examples` (thread=1, softmax loss, verbose 0) and saves the model at `model_file`
// (written to a temporary name next to it, then renamed). Errors: kInvalidArgument when there
// are no examples or fewer than two labels; kInternal when fastText fails; kUnavailable on I/O.
Status TrainFastText(const std::vector<LabeledExample>& examples, const FastTextParams& params,
                     const std::filesystem::path& model_file);

class FastTextClassifier final : public IntentClassifier {
 public:
  // `threshold` in [0, 1]: below it the prediction is kToQualifyIntent. When `expected_hash` is
  // not empty the file must hash to it. Errors: kNotFound when missing; kDataLoss when the hash
  // differs or fastText cannot read the file; kInvalidArgument for a bad threshold.
  static Result<std::unique_ptr<FastTextClassifier>> Load(const std::filesystem::path& model_file,
                                                          double threshold, std::string name,
                                                          const std::string& expected_hash = "");
  ~FastTextClassifier() override;

  Result<IntentPrediction> Predict(std::string_view text, int k = 3) const override;
  std::string Name() const override { return name_; }
  double threshold() const { return threshold_; }
  // Label ids the model knows (without the "__label__" prefix), in fastText's order.
  std::vector<std::string> Labels() const;

 private:
  struct Impl;
  FastTextClassifier(std::unique_ptr<Impl> impl, double threshold, std::string name);
  std::unique_ptr<Impl> impl_;
  double threshold_;
  std::string name_;
};

// Shared input checks of IntentClassifier::Predict: returns the normalised text.
Result<std::string> ValidateIntentText(std::string_view text, int k);

}  // namespace plume::intent
