// Name recall / precision of the pseudonymiser on the Europeana NER corpus, split into a
// development half (used to tune the name detector) and a held-out test half (the reported
// figure). Not a benchmark: a measuring tool built next to privacy_bench.
//
// Usage: privacy_ner_eval [--errors dev] [--model FILE] [--threshold P] [--tune] [--dump-spans]
//                         [bio_file]
//   --errors dev   also prints, for the development half only, missed name tokens and masked
//                  non-name tokens with their context (to guide tuning; never run on test).
//   --model FILE   uses the statistical name model (plume privacy train-names) with the rules.
//   --train-dev F  trains that model on the development half into F first, then uses it.
//   --synthetic-fp prints the name spans that match no gold span on 1,000 synthetic messages.
//   --tune         model selection inside the development half only: trains on its first 3/4,
//                  prints scores on its last 1/4 for several thresholds and model sizes.
//   --tune-errors  same split, default parameters: prints the errors on the last 1/4 of the
//                  development half.
//   --cv K         K-fold cross-validation inside the development half (pooled scores of
//                  each fold scored by a model trained on the others) for each of
//   --thresholds L (comma-separated add thresholds, default 0.25), then synthetic-message
//                  name precision with a model trained on the whole development half.
//   --dim N, --epoch N, --lr X, --min-count N: model parameters for --cv (default: those of
//                  NameModelParams, used by train-names).
//   --join P       join threshold of the model (PseudonymizerConfig::name_model_join_threshold).
//   --detect TEXT  prints the spans found in TEXT (with --model: rules + model).
//   --cv-errors    with --cv: prints the errors of every fold at the first threshold.
//   --cv-dump F    with --cv: writes "index token gold predicted" for every development token.
//   --dump-spans   prints every detected span (type begin end) over the whole corpus (its
//                  ~300-token chunks, then its first 1 MB as one text) and over synthetic
//                  messages (with and without sender hints, and their pseudonymised text): a
//                  byte-identical check for changes that must not alter detection (`cmp`).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "privacy/evaluation.h"
#include "privacy/name_model.h"
#include "privacy/pseudonymizer.h"
#include "privacy/synthetic.h"

namespace {

void PrintScores(const char* name, const plume::privacy::EvalReport& r) {
  const auto& s = r.by_type[static_cast<int>(plume::privacy::PiiType::kName)];
  std::printf(
      "%-22s tokens P %.4f R %.4f F1 %.4f | gold %ld found %ld predicted %ld non-name masked %ld "
      "| entities %ld/%ld (%.4f) | %.1f MB/s\n",
      name, s.Precision(), s.Recall(), s.F1(), s.gold, s.found, s.predicted,
      s.predicted - s.correct, r.ner_entities_covered, r.ner_entities,
      r.ner_entities == 0 ? 0.0 : double(r.ner_entities_covered) / double(r.ner_entities),
      r.seconds > 0 ? double(r.bytes) / 1e6 / r.seconds : 0.0);
}

void PrintErrors(const std::vector<plume::privacy::NerToken>& tokens, size_t end,
                 const std::vector<char>& predicted) {
  for (size_t i = 0; i < end; ++i) {
    bool fn = tokens[i].person && !predicted[i];
    bool fp = !tokens[i].person && predicted[i];
    if (!fn && !fp) continue;
    std::string ctx;
    for (size_t j = i >= 6 ? i - 6 : 0; j < end && j < i + 5; ++j) {
      if (j == i) ctx += "<<";
      ctx += tokens[j].text;
      if (j == i) ctx += ">>";
      ctx += tokens[j].person ? "/P " : " ";
    }
    std::printf("%s %s\t%s\n", fn ? "FN" : "FP", tokens[i].text.c_str(), ctx.c_str());
  }
}

// Development half only: [0, inner) trains, [inner, split) scores.
int Tune(plume::privacy::PseudonymizerConfig config,
         const std::vector<plume::privacy::NerToken>& tokens, size_t split, bool tune_errors) {
  using namespace plume::privacy;
  size_t inner = split * 3 / 4;
  while (inner < split && tokens[inner - 1].text != ".") ++inner;
  config.name_model_file.clear();
  auto rules = Pseudonymizer::Create(config);
  if (!rules.ok()) return 1;
  auto base = EvaluateNerTokens(*rules, tokens, inner, split);
  if (!base.ok()) return 1;
  PrintScores("rules", *base);
  if (tune_errors) {
    NameModelParams params;
    const std::filesystem::path f =
        std::filesystem::temp_directory_path() / "plume_name_model_tune.bin";
    if (!TrainNameModel(config.resource_dir, tokens, 0, inner, params, f).ok()) return 1;
    config.name_model_file = f;
    auto p = Pseudonymizer::Create(config);
    if (!p.ok()) return 1;
    std::vector<char> pred;
    auto r = EvaluateNerTokens(*p, tokens, inner, split, &pred);
    if (!r.ok()) return 1;
    PrintScores("model", *r);
    std::vector<NerToken> part(tokens.begin() + static_cast<std::ptrdiff_t>(inner),
                               tokens.begin() + static_cast<std::ptrdiff_t>(split));
    PrintErrors(part, part.size(), pred);
    return 0;
  }
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / "plume_name_model_tune.bin";
  for (int min_count : {3}) {
    for (int epoch : {10}) {
      for (double lr : {0.1}) {
        NameModelParams params;
        params.min_count = min_count;
        const int dim = 16;
        params.dim = dim;
        params.epoch = epoch;
        params.lr = lr;
        plume::Status st = TrainNameModel(config.resource_dir, tokens, 0, inner, params, file);
        if (!st.ok()) {
          std::fprintf(stderr, "%s\n", st.ToString().c_str());
          return 1;
        }
        for (float t : {0.2f, 0.25f}) {
          for (float v : {0.05f}) {
            config.name_model_file = file;
            config.name_model_threshold = t;
            config.name_model_veto = v;
            auto p = Pseudonymizer::Create(config);
            if (!p.ok()) return 1;
            auto r = EvaluateNerTokens(*p, tokens, inner, split);
            if (!r.ok()) return 1;
            char name[64];
            std::snprintf(name, sizeof name, "m%d d%d e%d lr%.1f t%.2f v%.2f", min_count, dim,
                          epoch, lr, t, v);
            PrintScores(name, *r);
          }
        }
      }
    }
  }
  std::filesystem::remove(file);
  return 0;
}

// Development half only, k-fold cross-validation: the half is cut into `folds` parts (after a
// full stop); for each part, a model trained on the others scores it. Scores are pooled over the
// parts (every development token is scored once, by a model that never saw it). Then a model
// trained on the whole development half (as train-names) is scored on synthetic messages.
int CrossValidate(plume::privacy::PseudonymizerConfig config,
                  const std::vector<plume::privacy::NerToken>& tokens, size_t split, int folds,
                  const std::vector<float>& thresholds,
                  const plume::privacy::NameModelParams& params, bool print_errors, FILE* dump) {
  using namespace plume::privacy;
  std::vector<size_t> cut{0};
  for (int f = 1; f < folds; ++f) {
    size_t c = split * static_cast<size_t>(f) / static_cast<size_t>(folds);
    while (c < split && tokens[c - 1].text != ".") ++c;
    cut.push_back(c);
  }
  cut.push_back(split);
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / "plume_name_model_cv.bin";
  auto add = [](EvalReport* into, const EvalReport& r) {
    TypeScores& a = into->by_type[static_cast<int>(PiiType::kName)];
    const TypeScores& b = r.by_type[static_cast<int>(PiiType::kName)];
    a.gold += b.gold;
    a.found += b.found;
    a.predicted += b.predicted;
    a.correct += b.correct;
    into->ner_entities += r.ner_entities;
    into->ner_entities_covered += r.ner_entities_covered;
    into->bytes += r.bytes;
    into->seconds += r.seconds;
  };
  EvalReport rules_total;
  std::vector<EvalReport> totals(thresholds.size());
  std::vector<std::vector<double>> fold_recall(thresholds.size());
  for (int f = 0; f < folds; ++f) {
    const size_t b = cut[static_cast<size_t>(f)];
    const size_t e = cut[static_cast<size_t>(f) + 1];
    config.name_model_file.clear();
    auto rules = Pseudonymizer::Create(config);
    if (!rules.ok()) return 1;
    auto base = EvaluateNerTokens(*rules, tokens, b, e);
    if (!base.ok()) return 1;
    add(&rules_total, *base);
    std::vector<std::pair<size_t, size_t>> train;
    if (b > 0) train.emplace_back(0, b);
    if (e < split) train.emplace_back(e, split);
    plume::Status st = TrainNameModel(config.resource_dir, tokens, train, params, file);
    if (!st.ok()) {
      std::fprintf(stderr, "%s\n", st.ToString().c_str());
      return 1;
    }
    for (size_t t = 0; t < thresholds.size(); ++t) {
      config.name_model_file = file;
      config.name_model_threshold = thresholds[t];
      auto p = Pseudonymizer::Create(config);
      if (!p.ok()) return 1;
      std::vector<char> pred;
      auto r = EvaluateNerTokens(*p, tokens, b, e, &pred);
      if (!r.ok()) return 1;
      add(&totals[t], *r);
      fold_recall[t].push_back(r->by_type[static_cast<int>(PiiType::kName)].Recall());
      if (dump != nullptr && t == 0) {
        for (size_t i = b; i < e; ++i) {
          std::fprintf(dump, "%zu\t%s\t%d\t%d\n", i, tokens[i].text.c_str(),
                       tokens[i].person ? 1 : 0, pred[i - b]);
        }
      }
      if (print_errors && t == 0) {
        std::vector<NerToken> part(tokens.begin() + static_cast<std::ptrdiff_t>(b),
                                   tokens.begin() + static_cast<std::ptrdiff_t>(e));
        PrintErrors(part, part.size(), pred);
      }
    }
  }
  std::printf("%d-fold cross-validation on the development half (tokens 0 to %zu)\n", folds, split);
  PrintScores("cv rules", rules_total);
  for (size_t t = 0; t < thresholds.size(); ++t) {
    char name[64];
    auto [lo, hi] = std::minmax_element(fold_recall[t].begin(), fold_recall[t].end());
    std::snprintf(name, sizeof name, "cv t%.2f (R %.3f-%.3f)", thresholds[t], *lo, *hi);
    PrintScores(name, totals[t]);
  }
  plume::Status st = TrainNameModel(config.resource_dir, tokens, 0, split, params, file);
  if (!st.ok()) return 1;
  const std::vector<LabelledMessage> messages = GenerateSyntheticSet(20240501, 1000);
  for (float t : thresholds) {
    config.name_model_file = file;
    config.name_model_threshold = t;
    auto p = Pseudonymizer::Create(config);
    if (!p.ok()) return 1;
    auto r = EvaluateSynthetic(*p, messages);
    if (!r.ok()) return 1;
    const TypeScores& n = r->by_type[static_cast<int>(PiiType::kName)];
    std::printf("synthetic t%.2f: names P %.4f R %.4f | structured R %.4f\n", t, n.Precision(),
                n.Recall(), r->Structured().Recall());
  }
  std::filesystem::remove(file);
  return 0;
}

void PrintSpans(const char* what, size_t index, const std::vector<plume::privacy::PiiSpan>& spans) {
  std::printf("%s %zu:", what, index);
  for (const plume::privacy::PiiSpan& s : spans) {
    std::printf(" %s %zu %zu", std::string(plume::privacy::PiiTypeName(s.type)).c_str(), s.begin,
                s.end);
  }
  std::printf("\n");
}

int DumpSpans(const plume::privacy::Pseudonymizer& p,
              const std::vector<plume::privacy::NerToken>& tokens) {
  using namespace plume::privacy;
  std::vector<std::pair<size_t, size_t>> offsets;
  size_t begin = 0;
  for (size_t chunk = 0; begin < tokens.size(); ++chunk) {
    // The chunks of EvaluateNerTokens.
    size_t end = std::min(tokens.size(), begin + 300);
    while (end < tokens.size() && end < begin + 600 && tokens[end - 1].text != ".") ++end;
    auto spans = p.Detect(JoinNerTokens(tokens, begin, end, &offsets));
    if (!spans.ok()) return 1;
    PrintSpans("ner", chunk, *spans);
    begin = end;
  }
  // The first 1 MB as one text, as BM_DetectNewspaper.
  std::string text = JoinNerTokens(tokens, 0, tokens.size(), &offsets);
  text.resize(std::min<size_t>(text.size(), 1u << 20));
  while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) text.pop_back();
  if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xC0) text.pop_back();
  auto block = p.Detect(text);
  if (!block.ok()) return 1;
  PrintSpans("block", 0, *block);
  size_t index = 0;
  for (uint32_t seed : {7u, 20240501u}) {
    for (const LabelledMessage& m : GenerateSyntheticSet(seed, 2000)) {
      auto spans = p.Detect(m.text);
      if (!spans.ok()) return 1;
      PrintSpans("msg", index, *spans);
      PseudonymizeHints hints;
      hints.sender_name = index % 2 == 0 ? "Jean-Marie Le Guennec" : "dupont";
      hints.sender_email = "jean.dupont@example.fr";
      auto hinted = p.Detect(m.text, hints);
      if (!hinted.ok()) return 1;
      PrintSpans("hint", index, *hinted);
      auto out = p.Pseudonymize(m.text);
      if (!out.ok()) return 1;
      std::printf("text %zu: %s\n", index, out->text.c_str());
      ++index;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace plume::privacy;
  bool errors = false;
  bool tune = false;
  bool tune_errors = false;
  int cv_folds = 0;
  bool cv_errors = false;
  std::string cv_dump;
  NameModelParams cv_params;
  std::string detect;
  float config_join = PseudonymizerConfig{}.name_model_join_threshold;
  std::vector<float> thresholds{0.25f};
  std::string train_dev;
  bool synthetic_fp = false;
  bool dump_spans = false;
  std::string model;
  float threshold = 0.25f;
  float veto = 0.05f;
  std::filesystem::path bio =
      std::filesystem::path(PLUME_SHARED_DATA_DIR) / "ner-europeana-fr" / "enp_FR.bnf.bio";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--errors") == 0 && i + 1 < argc &&
        std::strcmp(argv[i + 1], "dev") == 0) {
      errors = true;
      ++i;
    } else if (std::strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
      model = argv[++i];
    } else if (std::strcmp(argv[i], "--veto") == 0 && i + 1 < argc) {
      veto = std::stof(argv[++i]);
    } else if (std::strcmp(argv[i], "--threshold") == 0 && i + 1 < argc) {
      threshold = std::stof(argv[++i]);
    } else if (std::strcmp(argv[i], "--train-dev") == 0 && i + 1 < argc) {
      train_dev = argv[++i];
    } else if (std::strcmp(argv[i], "--synthetic-fp") == 0) {
      synthetic_fp = true;
    } else if (std::strcmp(argv[i], "--dump-spans") == 0) {
      dump_spans = true;
    } else if (std::strcmp(argv[i], "--tune-errors") == 0) {
      tune_errors = true;
    } else if (std::strcmp(argv[i], "--tune") == 0) {
      tune = true;
    } else if (std::strcmp(argv[i], "--cv") == 0 && i + 1 < argc) {
      cv_folds = std::stoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--cv-dump") == 0 && i + 1 < argc) {
      cv_dump = argv[++i];
    } else if (std::strcmp(argv[i], "--dim") == 0 && i + 1 < argc) {
      cv_params.dim = std::stoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--epoch") == 0 && i + 1 < argc) {
      cv_params.epoch = std::stoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--lr") == 0 && i + 1 < argc) {
      cv_params.lr = std::stod(argv[++i]);
    } else if (std::strcmp(argv[i], "--min-count") == 0 && i + 1 < argc) {
      cv_params.min_count = std::stoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--join") == 0 && i + 1 < argc) {
      config_join = std::stof(argv[++i]);
    } else if (std::strcmp(argv[i], "--detect") == 0 && i + 1 < argc) {
      detect = argv[++i];
    } else if (std::strcmp(argv[i], "--cv-errors") == 0) {
      cv_errors = true;
    } else if (std::strcmp(argv[i], "--thresholds") == 0 && i + 1 < argc) {
      thresholds.clear();
      std::string list = argv[++i];
      for (size_t pos = 0; pos < list.size();) {
        size_t comma = list.find(',', pos);
        if (comma == std::string::npos) comma = list.size();
        thresholds.push_back(std::stof(list.substr(pos, comma - pos)));
        pos = comma + 1;
      }
    } else {
      bio = argv[i];
    }
  }
  PseudonymizerConfig config;
  config.resource_dir = std::filesystem::path(PLUME_RESOURCE_DIR) / "privacy";
  config.name_model_file = model;
  config.name_model_threshold = threshold;
  config.name_model_veto = veto;
  config.name_model_join_threshold = config_join;
  auto tokens = ReadNerFile(bio);
  if (!tokens.ok()) {
    std::fprintf(stderr, "%s\n", tokens.status().ToString().c_str());
    return 1;
  }
  size_t split = NerSplitPoint(*tokens);
  if (tune || tune_errors) return Tune(config, *tokens, split, tune_errors);
  if (cv_folds >= 2) {
    FILE* dump = cv_dump.empty() ? nullptr : std::fopen(cv_dump.c_str(), "w");
    int rc =
        CrossValidate(config, *tokens, split, cv_folds, thresholds, cv_params, cv_errors, dump);
    if (dump != nullptr) std::fclose(dump);
    return rc;
  }
  if (!train_dev.empty()) {
    // As `plume privacy train-names`: the development half, default parameters.
    plume::Status st = TrainNameModel(config.resource_dir, *tokens, 0, split, {}, train_dev);
    if (!st.ok()) {
      std::fprintf(stderr, "%s\n", st.ToString().c_str());
      return 1;
    }
    config.name_model_file = train_dev;
  }
  auto p = Pseudonymizer::Create(config);
  if (!p.ok()) {
    std::fprintf(stderr, "%s\n", p.status().ToString().c_str());
    return 1;
  }
  if (!detect.empty()) {
    // Name spans found in one text (to check a case by hand).
    auto spans = p->Detect(detect);
    if (!spans.ok()) return 1;
    for (const PiiSpan& s : *spans) {
      std::printf("%s [%s]\n", std::string(PiiTypeName(s.type)).c_str(),
                  detect.substr(s.begin, s.end - s.begin).c_str());
    }
    return 0;
  }
  if (dump_spans) return DumpSpans(*p, *tokens);
  if (synthetic_fp) {
    // Name spans of the model that match no gold name, on synthetic citizen messages.
    for (const LabelledMessage& m : GenerateSyntheticSet(20240501, 1000)) {
      auto spans = p->Detect(m.text);
      if (!spans.ok()) return 1;
      for (const PiiSpan& s : *spans) {
        if (s.type != PiiType::kName) continue;
        bool gold = false;
        for (const PiiSpan& g : m.spans) gold |= g.begin < s.end && s.begin < g.end;
        if (gold) continue;
        size_t from = s.begin >= 30 ? s.begin - 30 : 0;
        std::string ctx = m.text.substr(from, s.end + 20 - from);
        for (char& c : ctx) c = c == '\n' ? ' ' : c;
        std::printf("FP %s\t%s\n", m.text.substr(s.begin, s.end - s.begin).c_str(), ctx.c_str());
      }
    }
    return 0;
  }
  std::vector<char> dev_pred;
  auto dev = EvaluateNerTokens(*p, *tokens, 0, split, &dev_pred);
  auto test = EvaluateNerTokens(*p, *tokens, split, tokens->size());
  auto all = EvaluateNerTokens(*p, *tokens, 0, tokens->size());
  if (!dev.ok() || !test.ok() || !all.ok()) {
    std::fprintf(stderr, "evaluation failed\n");
    return 1;
  }
  std::printf("split at token %zu of %zu\n", split, tokens->size());
  PrintScores("dev", *dev);
  PrintScores("test", *test);
  PrintScores("all", *all);
  if (errors) PrintErrors(*tokens, split, dev_pred);
  return 0;
}
