#include "intent/fasttext_classifier.h"

#include <fasttext/fasttext.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include "ml/fasttext_training.h"
#include "util/files.h"
#include "util/hash.h"
#include "util/text.h"

namespace plume::intent {
namespace {

constexpr std::string_view kLabelPrefix = "__label__";
constexpr int32_t kFastTextMagic = 793712314;  // FASTTEXT_FILEFORMAT_MAGIC_INT32 (0.9.x)
constexpr int32_t kFastTextVersion = 12;       // FASTTEXT_VERSION (0.9.x)

}  // namespace

struct FastTextClassifier::Impl {
  fasttext::FastText model;
};

Result<std::string> ValidateIntentText(std::string_view text, int k) {
  if (k < 1 || k > 20) return InvalidArgument("k doit être compris entre 1 et 20");
  if (text.empty()) return InvalidArgument("le message est vide");
  if (text.size() > kMaxIntentTextBytes) {
    return InvalidArgument("le message dépasse " + std::to_string(kMaxIntentTextBytes) + " octets");
  }
  if (!util::IsValidUtf8(text)) return InvalidArgument("le message n'est pas en UTF-8 valide");
  std::string norm = NormalizeForIntent(text);
  if (norm.empty()) return InvalidArgument("le message ne contient aucun mot");
  return norm;
}

Status TrainFastText(const std::vector<LabeledExample>& examples, const FastTextParams& params,
                     const std::filesystem::path& model_file) {
  if (examples.empty()) return InvalidArgument("aucun exemple d'entraînement");
  std::set<std::string> labels;
  std::string data;
  for (const auto& ex : examples) {
    std::string norm = NormalizeForIntent(ex.text);
    if (norm.empty() || ex.label.empty()) continue;
    labels.insert(ex.label);
    data += std::string(kLabelPrefix) + ex.label + " " + norm + "\n";
  }
  if (labels.size() < 2) {
    return InvalidArgument("il faut au moins deux intentions différentes pour entraîner");
  }
  ml::SupervisedParams sp;
  sp.dim = params.dim;
  sp.epoch = params.epoch;
  sp.lr = params.lr;
  sp.word_ngrams = params.word_ngrams;
  sp.minn = params.minn;
  sp.maxn = params.maxn;
  sp.min_count = params.min_count;
  sp.bucket = params.bucket;
  sp.seed = params.seed;
  return ml::TrainSupervised(data, sp, model_file);
}

FastTextClassifier::FastTextClassifier(std::unique_ptr<Impl> impl, double threshold,
                                       std::string name)
    : impl_(std::move(impl)), threshold_(threshold), name_(std::move(name)) {}

FastTextClassifier::~FastTextClassifier() = default;

Result<std::unique_ptr<FastTextClassifier>> FastTextClassifier::Load(
    const std::filesystem::path& model_file, double threshold, std::string name,
    const std::string& expected_hash) {
  if (!(threshold >= 0 && threshold <= 1)) {
    return InvalidArgument("le seuil doit être compris entre 0 et 1");
  }
  PLUME_ASSIGN_OR_RETURN(std::string bytes, util::ReadFile(model_file, 1u << 30));
  if (!expected_hash.empty() && util::ContentHash(bytes) != expected_hash) {
    return DataLoss("modèle d'intention corrompu (empreinte différente du manifeste) : " +
                    model_file.string());
  }
  // loadModel(std::istream&) expects the header (magic, format version) already checked.
  int32_t header[2] = {0, 0};
  if (bytes.size() < 64)
    return DataLoss("fichier de modèle fastText tronqué : " + model_file.string());
  std::memcpy(header, bytes.data(), sizeof header);
  if (header[0] != kFastTextMagic || header[1] != kFastTextVersion) {
    return DataLoss("fichier de modèle fastText invalide : " + model_file.string());
  }
  auto impl = std::make_unique<Impl>();
  try {
    std::istringstream in(bytes);
    in.seekg(sizeof header);
    impl->model.loadModel(in);
  } catch (const std::exception& e) {
    return DataLoss("fichier de modèle fastText illisible : " + model_file.string() + " (" +
                    e.what() + ")");
  }
  if (impl->model.getArgs().model != fasttext::model_name::sup ||
      impl->model.getDictionary()->nlabels() < 1) {
    return DataLoss("le modèle n'est pas un classifieur supervisé : " + model_file.string());
  }
  return std::unique_ptr<FastTextClassifier>(
      new FastTextClassifier(std::move(impl), threshold, std::move(name)));
}

std::vector<std::string> FastTextClassifier::Labels() const {
  std::vector<std::string> out;
  auto dict = impl_->model.getDictionary();
  for (int32_t i = 0; i < dict->nlabels(); ++i) {
    std::string l = dict->getLabel(i);
    if (l.rfind(kLabelPrefix, 0) == 0) l = l.substr(kLabelPrefix.size());
    out.push_back(l);
  }
  return out;
}

Result<IntentPrediction> FastTextClassifier::Predict(std::string_view text, int k) const {
  PLUME_ASSIGN_OR_RETURN(std::string norm, ValidateIntentText(text, k));
  IntentPrediction p;
  // Subword n-grams give every string some features; a text none of whose words was seen in
  // training carries no evidence, so it goes to a human.
  auto dict = impl_->model.getDictionary();
  bool known = false;
  std::istringstream words(norm);
  for (std::string w; words >> w;) {
    if (dict->getId(w) >= 0) {
      known = true;
      break;
    }
  }
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  try {
    std::istringstream in(norm + "\n");
    impl_->model.predictLine(in, predictions, k, 0.0);
  } catch (const std::exception& e) {
    return Internal(std::string("fastText : échec de la prédiction : ") + e.what());
  }
  for (const auto& [prob, label] : predictions) {
    std::string id = label.rfind(kLabelPrefix, 0) == 0 ? label.substr(kLabelPrefix.size()) : label;
    p.top.push_back({id, std::min(1.0, std::max(0.0, static_cast<double>(prob)))});
  }
  if (!known) {
    p.label = std::string(kToQualifyIntent);
    p.to_qualify = true;
    p.confidence = 0;
    p.reason = "aucun mot du message n'est connu du modèle";
  } else if (p.top.empty() || p.top[0].confidence < threshold_) {
    p.label = std::string(kToQualifyIntent);
    p.to_qualify = true;
    p.confidence = p.top.empty() ? 0 : p.top[0].confidence;
    p.reason = "confiance inférieure au seuil";
  } else {
    p.label = p.top[0].label;
    p.confidence = p.top[0].confidence;
  }
  return p;
}

}  // namespace plume::intent
