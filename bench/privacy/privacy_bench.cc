// Throughput of the pseudonymiser on one thread.
//
// BM_PseudonymizeMessages: the synthetic citizen-message mix (seed 7, 2,000 messages, ~0.8 MB),
// one Pseudonymize() call per message, as in production.
// BM_DetectNewspaper: 1 MB blocks of the Europeana newspaper corpus (dense in capitalised words),
// when ../shared/data is present.
// The *WithModel variants use the statistical name model named by the PLUME_NAME_MODEL
// environment variable (`plume privacy train-names`); they are skipped without it.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "privacy/evaluation.h"
#include "privacy/pseudonymizer.h"
#include "privacy/synthetic.h"

namespace plume::privacy {
namespace {

const Pseudonymizer& Shared() {
  static const Pseudonymizer* const kP = [] {
    PseudonymizerConfig config;
    config.resource_dir = std::filesystem::path(PLUME_RESOURCE_DIR) / "privacy";
    auto p = Pseudonymizer::Create(config);
    if (!p.ok()) std::abort();
    return new Pseudonymizer(std::move(p).value());
  }();
  return *kP;
}

// Null when PLUME_NAME_MODEL is not set.
const Pseudonymizer* WithModel() {
  static const Pseudonymizer* const kP = []() -> const Pseudonymizer* {
    const char* file = std::getenv("PLUME_NAME_MODEL");
    if (file == nullptr || *file == '\0') return nullptr;
    PseudonymizerConfig config;
    config.resource_dir = std::filesystem::path(PLUME_RESOURCE_DIR) / "privacy";
    config.name_model_file = file;
    auto p = Pseudonymizer::Create(config);
    if (!p.ok()) std::abort();
    return new Pseudonymizer(std::move(p).value());
  }();
  return kP;
}

void Messages(benchmark::State& state, const Pseudonymizer& p) {
  std::vector<LabelledMessage> messages = GenerateSyntheticSet(7, 2000);
  int64_t bytes = 0;
  for (auto _ : state) {
    for (const LabelledMessage& m : messages) {
      auto r = p.Pseudonymize(m.text);
      benchmark::DoNotOptimize(r);
      bytes += static_cast<int64_t>(m.text.size());
    }
  }
  state.SetBytesProcessed(bytes);
}

void BM_PseudonymizeMessages(benchmark::State& state) { Messages(state, Shared()); }
BENCHMARK(BM_PseudonymizeMessages)->Unit(benchmark::kMillisecond);

void BM_PseudonymizeMessagesWithModel(benchmark::State& state) {
  if (WithModel() == nullptr) {
    state.SkipWithError("PLUME_NAME_MODEL not set");
    return;
  }
  Messages(state, *WithModel());
}
BENCHMARK(BM_PseudonymizeMessagesWithModel)->Unit(benchmark::kMillisecond);

void Newspaper(benchmark::State& state, const Pseudonymizer& p) {
  auto tokens = ReadNerFile(std::filesystem::path(PLUME_SHARED_DATA_DIR) / "ner-europeana-fr" /
                            "enp_FR.bnf.bio");
  if (!tokens.ok()) {
    state.SkipWithError("NER corpus not found");
    return;
  }
  std::vector<std::pair<size_t, size_t>> spans;
  std::string text = JoinNerTokens(*tokens, 0, tokens->size(), &spans);
  text.resize(1u << 20);
  while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) text.pop_back();
  if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xC0) text.pop_back();
  int64_t bytes = 0;
  for (auto _ : state) {
    auto r = p.Detect(text);
    benchmark::DoNotOptimize(r);
    bytes += static_cast<int64_t>(text.size());
  }
  state.SetBytesProcessed(bytes);
}

void BM_DetectNewspaper(benchmark::State& state) { Newspaper(state, Shared()); }
BENCHMARK(BM_DetectNewspaper)->Unit(benchmark::kMillisecond);

void BM_DetectNewspaperWithModel(benchmark::State& state) {
  if (WithModel() == nullptr) {
    state.SkipWithError("PLUME_NAME_MODEL not set");
    return;
  }
  Newspaper(state, *WithModel());
}
BENCHMARK(BM_DetectNewspaperWithModel)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace plume::privacy

BENCHMARK_MAIN();
