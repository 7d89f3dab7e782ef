#include "privacy/name_model.h"

#include <fasttext/fasttext.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <sstream>
#include <system_error>

#include "ml/fasttext_training.h"
#include "privacy/evaluation.h"
#include "privacy/name_detector.h"
#include "util/files.h"

namespace plume::privacy {
namespace {

constexpr int32_t kFastTextMagic = 793712314;  // FASTTEXT_FILEFORMAT_MAGIC_INT32 (0.9.x)
constexpr int32_t kFastTextVersion = 12;       // FASTTEXT_VERSION (0.9.x)
constexpr std::string_view kNameLabel = "__label__name";
constexpr std::string_view kOtherLabel = "__label__other";

}  // namespace

uint64_t NameFeatureHash(std::string_view feature) {
  // Eight bytes at a time: features are short and hashed for every candidate word.
  constexpr uint64_t kMul = 0xFF51AFD7ED558CCDull;
  uint64_t h = 0x9E3779B97F4A7C15ull ^ feature.size();
  size_t i = 0;
  for (; i + 8 <= feature.size(); i += 8) {
    uint64_t c;
    std::memcpy(&c, feature.data() + i, 8);
    h = (h ^ c) * kMul;
    h ^= h >> 32;
  }
  if (i < feature.size()) {
    uint64_t c = 0;
    std::memcpy(&c, feature.data() + i, feature.size() - i);
    h = (h ^ c) * kMul;
    h ^= h >> 32;
  }
  h *= 0xC4CEB9FE1A85EC53ull;
  h ^= h >> 29;
  return h == 0 ? 1 : h;
}

Result<std::unique_ptr<NameModel>> NameModel::Load(const std::filesystem::path& file) {
  PLUME_ASSIGN_OR_RETURN(std::string bytes, util::ReadFile(file, 256u << 20));
  int32_t header[2] = {0, 0};
  if (bytes.size() < 64) return DataLoss("name model file is truncated: " + file.string());
  std::memcpy(header, bytes.data(), sizeof header);
  if (header[0] != kFastTextMagic || header[1] != kFastTextVersion) {
    return DataLoss("not a fastText 0.9 model: " + file.string());
  }
  auto model = std::unique_ptr<NameModel>(new NameModel());
  try {
    fasttext::FastText ft;
    std::istringstream in(bytes);
    in.seekg(sizeof header);
    ft.loadModel(in);
    const auto dict = ft.getDictionary();
    if (ft.getArgs().model != fasttext::model_name::sup || dict->nlabels() != 2) {
      return DataLoss("the name model is not a two-label classifier: " + file.string());
    }
    int name_row = -1;
    for (int32_t i = 0; i < 2; ++i) {
      std::string label = dict->getLabel(i);
      if (label == kNameLabel) {
        name_row = i;
      } else if (label != kOtherLabel) {
        return DataLoss("unexpected label in the name model: " + label);
      }
    }
    if (name_row < 0) return DataLoss("the name model has no name label: " + file.string());
    const auto input = ft.getInputMatrix();
    const auto output = ft.getOutputMatrix();
    const int64_t dim = input->cols();
    if (output->rows() != 2 || output->cols() != dim || input->rows() < dict->nwords()) {
      return DataLoss("unexpected matrix sizes in the name model: " + file.string());
    }
    // Direction name - other in the hidden space: each feature's weight is its projection.
    std::vector<float> dir(static_cast<size_t>(dim));
    for (int64_t j = 0; j < dim; ++j) {
      dir[static_cast<size_t>(j)] = output->at(name_row, j) - output->at(1 - name_row, j);
    }
    const int32_t n = dict->nwords();
    size_t slots = 64;
    while (slots < static_cast<size_t>(n) * 4) slots *= 2;
    model->slots_.assign(slots, Slot{});
    for (int32_t i = 0; i < n; ++i) {
      float w = 0;
      for (int64_t j = 0; j < dim; ++j) w += input->at(i, j) * dir[static_cast<size_t>(j)];
      const std::string word = dict->getWord(i);
      if (word == fasttext::Dictionary::EOS) {
        model->bias_ = w;
        continue;
      }
      uint64_t h = NameFeatureHash(word);
      uint32_t tag = Tag(h);
      size_t s = h & (slots - 1);
      while (model->slots_[s].tag != 0 && model->slots_[s].tag != tag) s = (s + 1) & (slots - 1);
      if (model->slots_[s].tag == 0) ++model->count_;
      model->slots_[s] = {tag, w};
    }
  } catch (const std::exception& e) {
    return DataLoss("unreadable name model " + file.string() + " (" + e.what() + ")");
  }
  return model;
}

float NameModel::Probability(float weight_sum, int known) const {
  // fastText averages the rows of the known words and of the end-of-line token.
  float logit = (weight_sum + bias_) / static_cast<float>(known + 1);
  return 1.0f / (1.0f + std::exp(-logit));
}

Status TrainNameModel(const std::filesystem::path& resource_dir,
                      const std::vector<NerToken>& tokens, size_t first, size_t last,
                      const NameModelParams& params, const std::filesystem::path& model_file) {
  return TrainNameModel(resource_dir, tokens, {{first, last}}, params, model_file);
}

Status TrainNameModel(const std::filesystem::path& resource_dir,
                      const std::vector<NerToken>& tokens,
                      const std::vector<std::pair<size_t, size_t>>& ranges,
                      const NameModelParams& params, const std::filesystem::path& model_file) {
  PLUME_ASSIGN_OR_RETURN(NameDetector rules, NameDetector::Create(resource_dir, true));
  std::string data;
  std::vector<std::pair<size_t, size_t>> spans;
  for (auto [first, last] : ranges) {
    last = std::min(last, tokens.size());
    first = std::min(first, last);
    size_t begin = first;
    while (begin < last) {
      // Same chunks as EvaluateNerTokens (relative to `first`).
      size_t end = std::min(last, begin + 300);
      while (end < last && end < begin + 600 && tokens[end - 1].text != ".") ++end;
      std::string text = JoinNerTokens(tokens, begin, end, &spans);
      auto is_name = [&](size_t b, size_t e) {
        auto it = std::lower_bound(
            spans.begin(), spans.end(), b,
            [](const std::pair<size_t, size_t>& s, size_t pos) { return s.second <= pos; });
        for (; it != spans.end() && it->first < e; ++it) {
          if (tokens[begin + static_cast<size_t>(it - spans.begin())].person) return true;
        }
        return false;
      };
      rules.AppendTrainingExamples(text, is_name, &data);
      begin = end;
    }
  }
  if (data.find(kNameLabel) == std::string::npos || data.find(kOtherLabel) == std::string::npos) {
    return InvalidArgument("name model training needs examples of names and of other words");
  }
  ml::SupervisedParams sp;
  sp.dim = params.dim;
  sp.epoch = params.epoch;
  sp.lr = params.lr;
  sp.min_count = params.min_count;
  sp.seed = params.seed;
  return ml::TrainSupervised(data, sp, model_file);
}

}  // namespace plume::privacy
