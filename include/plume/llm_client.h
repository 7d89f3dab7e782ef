// LlmClient: the interface the generative drafting engine uses to talk to a language model.
//
// The production implementation is OpenAiClient (src/llm/openai_client.h), which speaks the
// OpenAI-compatible HTTP API served by the Albert API, vLLM, Ollama and llama.cpp server. Tests of
// other modules may implement LlmClient directly with a fake.
//
// Errors: every method returns a Status / Result, never throws. Codes used:
//   kInvalidArgument    bad request (empty messages, no model, HTTP 400/422 from the server)
//   kUnauthenticated    HTTP 401 (missing or wrong API key)
//   kPermissionDenied   HTTP 403
//   kNotFound           HTTP 404 (typically an unknown model)
//   kResourceExhausted  HTTP 429 after the retries, or a response larger than the configured limit
//   kUnavailable        HTTP 5xx after the retries, connection failures, a stream that stopped
//                       before its end
//   kDeadlineExceeded   a timeout (connect, total or stream idle), HTTP 408
//   kCancelled          the CancellationToken was cancelled, or on_delta returned false
//   kInternal           the server answered with a body that does not follow the protocol
//
// Thread-safety: implementations must be safe to call concurrently from several threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "plume/status.h"

namespace plume {

struct ChatMessage {
  std::string role;  // "system" | "user" | "assistant"
  std::string content;
};

struct ChatRequest {
  std::string model;  // empty: the client's default model
  std::vector<ChatMessage> messages;
  double temperature = 0.2;
  int max_tokens = 1024;
};

struct TokenUsage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
};

struct ChatResponse {
  std::string content;        // the full generated text (concatenated deltas when streaming)
  std::string model;          // the model that answered, as reported by the server
  std::string finish_reason;  // "stop", "length", ... ; empty when the server did not say
  TokenUsage usage;           // zeros when the server did not report usage
};

// Cooperative cancellation, e.g. when the agent closes the draft. The owner keeps the token alive
// for the duration of every call it is passed to. Thread-safe: Cancel() may be called from any
// thread while a call observes the token. Cancellation is sticky.
class CancellationToken {
 public:
  void Cancel() { cancelled_.store(true, std::memory_order_release); }
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }

 private:
  std::atomic<bool> cancelled_{false};
};

// Receives each content fragment of a streamed completion, in order, on the calling thread.
// Return false to stop the generation (the call then returns kCancelled).
using DeltaCallback = std::function<bool(std::string_view delta)>;

// Non-virtual public methods with default arguments forward to the protected Do* hooks, which
// implementations override (default arguments on virtual functions are banned by our style).
class LlmClient {
 public:
  virtual ~LlmClient() = default;

  // One non-streaming chat completion.
  Result<ChatResponse> Chat(const ChatRequest& request, const CancellationToken* cancel = nullptr) {
    return DoChat(request, cancel);
  }

  // A streamed chat completion: `on_delta` gets each fragment as it arrives; the returned
  // ChatResponse holds the whole text. On error after some fragments were delivered, those
  // fragments stay valid as the partial text; the call is never retried once a fragment was
  // delivered, so no fragment is ever delivered twice.
  Result<ChatResponse> ChatStream(const ChatRequest& request, const DeltaCallback& on_delta,
                                  const CancellationToken* cancel = nullptr) {
    return DoChatStream(request, on_delta, cancel);
  }

  // One embedding vector per input, in input order. `model` empty: the client's default
  // embedding model. An empty `inputs` returns an empty result without calling the server.
  Result<std::vector<std::vector<float>>> Embed(const std::vector<std::string>& inputs,
                                                const std::string& model,
                                                const CancellationToken* cancel = nullptr) {
    return DoEmbed(inputs, model, cancel);
  }

  // The model ids the server offers.
  Result<std::vector<std::string>> ListModels(const CancellationToken* cancel = nullptr) {
    return DoListModels(cancel);
  }

 protected:
  virtual Result<ChatResponse> DoChat(const ChatRequest& request,
                                      const CancellationToken* cancel) = 0;
  virtual Result<ChatResponse> DoChatStream(const ChatRequest& request,
                                            const DeltaCallback& on_delta,
                                            const CancellationToken* cancel) = 0;
  virtual Result<std::vector<std::vector<float>>> DoEmbed(const std::vector<std::string>& inputs,
                                                          const std::string& model,
                                                          const CancellationToken* cancel) = 0;
  virtual Result<std::vector<std::string>> DoListModels(const CancellationToken* cancel) = 0;
};

}  // namespace plume
