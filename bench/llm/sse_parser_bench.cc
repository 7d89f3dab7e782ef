// Throughput of the SSE parser on an OpenAI-style completion stream fed in pieces of various
// sizes (1 byte: worst case; 1448: one TCP segment; 16 KiB: a large read).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "llm/sse_parser.h"

namespace plume::llm {
namespace {

std::string MakeStream(int chunks) {
  std::string stream;
  for (int i = 0; i < chunks; ++i) {
    stream +=
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
        "\"model\":\"albert-large\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" mot\"},"
        "\"finish_reason\":null}]}\n\n";
    if (i % 50 == 0) stream += ": keep-alive\n\n";
  }
  stream += "data: [DONE]\n\n";
  return stream;
}

void BM_SseParserFeed(benchmark::State& state) {
  const std::string stream = MakeStream(1000);
  const size_t piece = static_cast<size_t>(state.range(0));
  std::vector<SseEvent> events;
  for (auto _ : state) {
    SseParser parser;
    events.clear();
    for (size_t i = 0; i < stream.size(); i += piece) {
      if (!parser.Feed(std::string_view(stream).substr(i, piece), &events).ok()) {
        state.SkipWithError("parse error");
        return;
      }
    }
    parser.Finish(&events);
    benchmark::DoNotOptimize(events.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(stream.size()));
}
BENCHMARK(BM_SseParserFeed)->Arg(1)->Arg(1448)->Arg(16384);

}  // namespace
}  // namespace plume::llm

BENCHMARK_MAIN();
