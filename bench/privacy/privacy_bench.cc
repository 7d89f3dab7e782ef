// Throughput of the pseudonymiser on one thread.
//
// BM_PseudonymizeMessages: the synthetic citizen-message mix (seed 7, 2,000 messages, ~0.8 MB),
// one Pseudonymize() call per message, as in production.
// BM_DetectNewspaper: 1 MB blocks of the Europeana newspaper corpus (dense in capitalised words),
// when ../shared/data is present.
#include <benchmark/benchmark.h>

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

void BM_PseudonymizeMessages(benchmark::State& state) {
  const Pseudonymizer& p = Shared();
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
BENCHMARK(BM_PseudonymizeMessages)->Unit(benchmark::kMillisecond);

void BM_DetectNewspaper(benchmark::State& state) {
  const Pseudonymizer& p = Shared();
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
BENCHMARK(BM_DetectNewspaper)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace plume::privacy

BENCHMARK_MAIN();
