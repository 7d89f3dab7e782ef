// FakeOpenAiServer: an in-process HTTP server speaking the OpenAI-compatible protocol.
//
// It stands for the OpenAI-compatible endpoints of vLLM (which the Albert API runs), Ollama
// ("/v1") and llama.cpp server: POST {prefix}/chat/completions (JSON, or Server-Sent Events
// "data: {json}\n\n" chunks ending with "data: [DONE]" when "stream": true, without the initial
// role chunk unless asked), POST {prefix}/embeddings, GET {prefix}/models, errors as
// {"error": {"message", "type", "code"}} bodies. Any path prefix is accepted, so the same server
// also plays an HTTP proxy receiving absolute-form request targets.
//
// Replies are scripted: each request takes the next Enqueue()d reply (FIFO, whatever its
// endpoint); with none queued it gets the endpoint's default, well-formed answer. Scripted replies
// can be slow, fail with any status, cut a chunked body mid-way or carry malformed JSON.
//
// Binds 127.0.0.1 on an ephemeral port and serves from a background thread until destroyed.
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace plume::llm::testing {

// The default answers, so tests can compare against them.
inline constexpr char kFakeModel[] = "albert-large";
inline constexpr char kFakeEmbeddingModel[] = "embeddings-small";
inline const std::vector<std::string> kDefaultDeltas = {"Bonjour", " Madame", " Dupont."};
inline constexpr char kDefaultContent[] = "Bonjour Madame Dupont.";

struct RecordedRequest {
  std::string method;
  std::string path;    // as routed, e.g. "/v1/chat/completions"
  std::string target;  // the raw request target (absolute URL when sent through a proxy)
  std::string host;
  std::string authorization;
  std::string body;
};

struct FakeReply {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;      // used unless `chunked`
  bool chunked = false;  // write `pieces` one by one with chunked transfer encoding
  std::vector<std::string> pieces;
  bool abort_after_pieces = false;  // drop the connection instead of ending the chunked body
  int delay_ms = 0;                 // wait before answering (a slow server)
  int piece_delay_ms = 0;           // wait before each piece
  int stall_before_piece = -1;      // index of the piece preceded by an extra `stall_ms` wait
  int stall_ms = 0;

  // A complete chat completion.
  static FakeReply ChatJson(const std::string& content, const std::string& finish_reason = "stop");
  // An SSE body: optional role chunk, one chunk per delta, a finish chunk, a usage chunk, and
  // "data: [DONE]" when `done`.
  static FakeReply ChatStream(const std::vector<std::string>& deltas, bool role_chunk = false,
                              bool done = true);
  // Raw SSE pieces, written exactly as given.
  static FakeReply Sse(std::vector<std::string> pieces);
  // {"error": {"message", "type", "code"}} with the given HTTP status.
  static FakeReply Error(int status, const std::string& message, const std::string& type);
};

// One "data: {...}\n\n" chat.completion.chunk carrying `delta_content`.
std::string DeltaChunk(const std::string& delta_content);

class FakeOpenAiServer {
 public:
  FakeOpenAiServer();
  ~FakeOpenAiServer();
  FakeOpenAiServer(const FakeOpenAiServer&) = delete;
  FakeOpenAiServer& operator=(const FakeOpenAiServer&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:<port>/v1"
  std::string base_url() const;

  void Enqueue(FakeReply reply);
  std::vector<RecordedRequest> requests() const;
  size_t request_count() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

// A loopback port with nothing listening on it (bound, then closed).
int UnusedLoopbackPort();

}  // namespace plume::llm::testing
