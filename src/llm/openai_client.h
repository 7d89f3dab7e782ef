// OpenAiClient: LlmClient over the OpenAI-compatible HTTP API, on libcurl.
//
// Endpoints, relative to `base_url` (which includes the version prefix, e.g.
// "https://albert.api.etalab.gouv.fr/v1" or "http://127.0.0.1:8000/v1"):
//   POST chat/completions  (plain JSON, or Server-Sent Events with "stream": true)
//   POST embeddings
//   GET  models
// Known servers: Albert API, vLLM, Ollama (".../v1"), llama.cpp server.
//
// Retries: HTTP 429 and 5xx answers and connection failures are retried up to `max_retries`
// times with exponential backoff (initial_backoff_ms, doubling, capped at max_backoff_ms). A 429
// carrying Retry-After (seconds or HTTP date) or retry-after-ms waits that long instead; when the
// server asks for more than max_retry_after_ms the call fails at once with kResourceExhausted.
// Timeouts are not retried. A stream is retried only while no fragment was delivered to the
// caller.
//
// Cancellation: the token is checked before each attempt, during backoff, whenever data arrives
// and at least once per second while the transfer waits (libcurl progress callback).
//
// Thread-safety: all methods are safe to call concurrently; each call uses its own libcurl
// handle. The object is immutable after Create().
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "plume/clock.h"
#include "plume/llm_client.h"
#include "plume/status.h"

namespace plume::llm {

struct OpenAiClientConfig {
  std::string base_url;                 // http(s)://host[:port]/prefix, no query or fragment
  std::string api_key;                  // sent as "Authorization: Bearer <key>" when non-empty
  std::string default_model;            // used when ChatRequest::model is empty
  std::string default_embedding_model;  // used when Embed() gets an empty model
  int64_t connect_timeout_ms = 5'000;
  int64_t request_timeout_ms = 120'000;  // whole call, streaming included
  // A stream that receives no byte for this long (counted from the request start, then from the
  // last byte; checked about once per second) fails with kDeadlineExceeded.
  int64_t stream_idle_timeout_ms = 60'000;
  int max_retries = 2;  // extra attempts after the first one
  int64_t initial_backoff_ms = 500;
  int64_t max_backoff_ms = 8'000;
  int64_t max_retry_after_ms = 30'000;
  // Proxy URL ("http://proxy.example:3128", "socks5h://..."). Empty: no proxy at all, the
  // http_proxy/https_proxy environment variables are ignored so behaviour is explicit.
  std::string proxy;
  std::string no_proxy;        // comma-separated hosts that bypass `proxy`
  std::string ca_bundle_path;  // empty: the system CA store
  // Ask for token usage in the last stream chunk ("stream_options": {"include_usage": true}).
  // Supported by OpenAI, vLLM, Albert API, recent Ollama and llama.cpp; disable for servers that
  // reject unknown fields.
  bool stream_include_usage = true;
  // Non-streamed bodies (and error bodies) larger than this fail with kResourceExhausted.
  int64_t max_response_bytes = int64_t{64} * 1024 * 1024;
};

// Waits `millis` milliseconds, returning early once `cancel` (may be null) is cancelled.
using Sleeper = std::function<void(int64_t millis, const CancellationToken* cancel)>;

class OpenAiClient final : public LlmClient {
 public:
  // Validates `config` (kInvalidArgument: malformed base URL, non-http(s) scheme, control
  // characters in the API key, non-positive timeouts, negative retries). `clock` (may be null:
  // the system clock) is not owned and must outlive the client; it only serves to interpret
  // HTTP-date Retry-After values. `sleeper` (may be null: a real, cancellable sleep) is used for
  // backoff waits; tests inject one that records the delays and returns at once.
  static Result<std::unique_ptr<OpenAiClient>> Create(OpenAiClientConfig config,
                                                      const Clock* clock = nullptr,
                                                      Sleeper sleeper = nullptr);

  ~OpenAiClient() override;
  OpenAiClient(const OpenAiClient&) = delete;
  OpenAiClient& operator=(const OpenAiClient&) = delete;

  const OpenAiClientConfig& config() const { return config_; }

 protected:
  Result<ChatResponse> DoChat(const ChatRequest& request, const CancellationToken* cancel) override;
  Result<ChatResponse> DoChatStream(const ChatRequest& request, const DeltaCallback& on_delta,
                                    const CancellationToken* cancel) override;
  Result<std::vector<std::vector<float>>> DoEmbed(const std::vector<std::string>& inputs,
                                                  const std::string& model,
                                                  const CancellationToken* cancel) override;
  Result<std::vector<std::string>> DoListModels(const CancellationToken* cancel) override;

 private:
  OpenAiClient(OpenAiClientConfig config, const Clock* clock, Sleeper sleeper);

  OpenAiClientConfig config_;
  std::unique_ptr<Clock> owned_clock_;
  const Clock* clock_;
  Sleeper sleeper_;
};

}  // namespace plume::llm
