#include "metrics/llm_metrics.h"

#include <string>

namespace plume::metrics {

MeteredLlmClient::MeteredLlmClient(std::unique_ptr<LlmClient> inner, Registry& registry,
                                   const Clock& clock)
    : inner_(std::move(inner)),
      clock_(clock),
      requests_(registry.AddCounter("plume_llm_requests_total",
                                    "Calls to the language model by operation and status code.",
                                    {"operation", "code"})),
      tokens_(registry.AddCounter("plume_llm_tokens_total",
                                  "Tokens reported by the language model server, by kind.",
                                  {"kind"})),
      duration_(registry.AddHistogram("plume_llm_request_duration_seconds",
                                      "Duration of calls to the language model by operation.",
                                      {"operation"},
                                      {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120})) {}

void MeteredLlmClient::Record(const char* operation, const Status& status, int64_t start_ms) {
  requests_.WithLabels({operation, std::string(StatusCodeName(status.code()))}).Increment();
  const int64_t elapsed_ms = clock_.NowMillis() - start_ms;
  duration_.WithLabels({operation})
      .Observe(static_cast<double>(elapsed_ms > 0 ? elapsed_ms : 0) / 1000.0);
}

void MeteredLlmClient::CountTokens(const Result<ChatResponse>& r) {
  if (!r.ok()) return;
  tokens_.WithLabels({"prompt"}).Increment(static_cast<double>(r->usage.prompt_tokens));
  tokens_.WithLabels({"completion"}).Increment(static_cast<double>(r->usage.completion_tokens));
}

Result<ChatResponse> MeteredLlmClient::DoChat(const ChatRequest& request,
                                              const CancellationToken* cancel) {
  const int64_t start = clock_.NowMillis();
  Result<ChatResponse> r = inner_->Chat(request, cancel);
  Record("chat", r.status(), start);
  CountTokens(r);
  return r;
}

Result<ChatResponse> MeteredLlmClient::DoChatStream(const ChatRequest& request,
                                                    const DeltaCallback& on_delta,
                                                    const CancellationToken* cancel) {
  const int64_t start = clock_.NowMillis();
  Result<ChatResponse> r = inner_->ChatStream(request, on_delta, cancel);
  Record("chat_stream", r.status(), start);
  CountTokens(r);
  return r;
}

Result<std::vector<std::vector<float>>> MeteredLlmClient::DoEmbed(
    const std::vector<std::string>& inputs, const std::string& model,
    const CancellationToken* cancel) {
  const int64_t start = clock_.NowMillis();
  auto r = inner_->Embed(inputs, model, cancel);
  Record("embed", r.status(), start);
  return r;
}

Result<std::vector<std::string>> MeteredLlmClient::DoListModels(const CancellationToken* cancel) {
  const int64_t start = clock_.NowMillis();
  auto r = inner_->ListModels(cancel);
  Record("models", r.status(), start);
  return r;
}

}  // namespace plume::metrics
