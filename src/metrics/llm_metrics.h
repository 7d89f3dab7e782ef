// MeteredLlmClient: an LlmClient decorator that counts what the model costs and how it fails, for
// GET /metrics (issue #5):
//   plume_llm_requests_total{operation,code}        calls by operation (chat, chat_stream, embed,
//                                                    models) and Status code name ("OK", ...)
//   plume_llm_tokens_total{kind}                    prompt / completion tokens reported by the
//                                                    server (zero when it reports none)
//   plume_llm_request_duration_seconds{operation}   wall time of each call, from the injected Clock
//
// Ownership: owns `inner`; borrows `registry` and `clock`, which must outlive it.
// Thread-safety: as thread-safe as `inner` (the metrics are thread-safe).
// Precondition: the metric names above are not yet registered in `registry` (one decorator per
// registry).
#pragma once

#include <memory>

#include "metrics/prometheus.h"
#include "plume/clock.h"
#include "plume/llm_client.h"

namespace plume::metrics {

class MeteredLlmClient final : public LlmClient {
 public:
  MeteredLlmClient(std::unique_ptr<LlmClient> inner, Registry& registry, const Clock& clock);

 protected:
  Result<ChatResponse> DoChat(const ChatRequest& request, const CancellationToken* cancel) override;
  Result<ChatResponse> DoChatStream(const ChatRequest& request, const DeltaCallback& on_delta,
                                    const CancellationToken* cancel) override;
  Result<std::vector<std::vector<float>>> DoEmbed(const std::vector<std::string>& inputs,
                                                  const std::string& model,
                                                  const CancellationToken* cancel) override;
  Result<std::vector<std::string>> DoListModels(const CancellationToken* cancel) override;

 private:
  void Record(const char* operation, const Status& status, int64_t start_ms);
  void CountTokens(const Result<ChatResponse>& r);

  std::unique_ptr<LlmClient> inner_;
  const Clock& clock_;
  CounterFamily& requests_;
  CounterFamily& tokens_;
  HistogramFamily& duration_;
};

}  // namespace plume::metrics
