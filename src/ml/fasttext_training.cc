#include "ml/fasttext_training.h"

#include <fasttext/fasttext.h>
#include <unistd.h>

#include <atomic>
#include <exception>
#include <string>
#include <system_error>

#include "util/files.h"

namespace plume::ml {
namespace {

// Unique per process and call: concurrent trainings never share a temporary file.
std::string UniqueSuffix() {
  static std::atomic<uint64_t> counter{0};
  // Appended piece by piece: GCC 12 at -O3 reports a false -Wrestrict on "." + std::string.
  std::string suffix(1, '.');
  suffix += std::to_string(::getpid());
  suffix += '.';
  suffix += std::to_string(counter++);
  suffix += ".tmp";
  return suffix;
}

}  // namespace

Status TrainSupervised(std::string_view data, const SupervisedParams& params,
                       const std::filesystem::path& model_file) {
  std::error_code ec;
  if (model_file.has_parent_path()) {
    std::filesystem::create_directories(model_file.parent_path(), ec);
  }
  std::filesystem::path input = model_file;
  input += ".train" + UniqueSuffix();
  PLUME_RETURN_IF_ERROR(util::WriteFileAtomic(input, data));
  std::filesystem::path tmp_model = model_file;
  tmp_model += UniqueSuffix();

  fasttext::Args args;
  args.input = input.string();
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.dim = params.dim;
  args.epoch = params.epoch;
  args.lr = params.lr;
  args.wordNgrams = params.word_ngrams;
  args.minn = params.minn;
  args.maxn = params.maxn;
  args.minCount = params.min_count;
  args.bucket = params.bucket;
  args.seed = params.seed;
  args.thread = 1;
  args.verbose = 0;
  args.saveOutput = false;
  Status status;
  try {
    fasttext::FastText ft;
    ft.train(args);
    ft.saveModel(tmp_model.string());
  } catch (const std::exception& e) {
    status = Internal(std::string("fastText : échec de l'entraînement : ") + e.what());
  }
  std::filesystem::remove(input, ec);
  if (status.ok()) {
    std::filesystem::rename(tmp_model, model_file, ec);
    if (ec) status = Unavailable("cannot write " + model_file.string() + ": " + ec.message());
  }
  if (!status.ok()) std::filesystem::remove(tmp_model, ec);
  return status;
}

}  // namespace plume::ml
