// Name recall / precision of the pseudonymiser on the Europeana NER corpus, split into a
// development half (used to tune the name detector) and a held-out test half (the reported
// figure). Not a benchmark: a measuring tool built next to privacy_bench.
//
// Usage: privacy_ner_eval [--errors dev] [bio_file]
//   --errors dev   also prints, for the development half only, missed name tokens and masked
//                  non-name tokens with their context (to guide tuning; never run on test).
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "privacy/evaluation.h"
#include "privacy/pseudonymizer.h"

namespace {

void PrintScores(const char* name, const plume::privacy::EvalReport& r) {
  const auto& s = r.by_type[static_cast<int>(plume::privacy::PiiType::kName)];
  std::printf(
      "%-5s tokens P %.4f R %.4f F1 %.4f | gold %ld found %ld predicted %ld non-name masked %ld "
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

}  // namespace

int main(int argc, char** argv) {
  using namespace plume::privacy;
  bool errors = false;
  std::filesystem::path bio =
      std::filesystem::path(PLUME_SHARED_DATA_DIR) / "ner-europeana-fr" / "enp_FR.bnf.bio";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--errors") == 0 && i + 1 < argc &&
        std::strcmp(argv[i + 1], "dev") == 0) {
      errors = true;
      ++i;
    } else {
      bio = argv[i];
    }
  }
  PseudonymizerConfig config;
  config.resource_dir = std::filesystem::path(PLUME_RESOURCE_DIR) / "privacy";
  auto p = Pseudonymizer::Create(config);
  if (!p.ok()) {
    std::fprintf(stderr, "%s\n", p.status().ToString().c_str());
    return 1;
  }
  auto tokens = ReadNerFile(bio);
  if (!tokens.ok()) {
    std::fprintf(stderr, "%s\n", tokens.status().ToString().c_str());
    return 1;
  }
  size_t split = NerSplitPoint(*tokens);
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
