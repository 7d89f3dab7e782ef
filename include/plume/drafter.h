// Drafter: proposes a reply to a citizen's message. An agent always validates it; a draft is
// never sent by itself.
//
// Implementations live in src/draft: the embedded engine (retrieval + validated reply
// templates, no model), the generative engine (any OpenAI-compatible API) and DraftService,
// which picks the engine and falls back to the embedded one when the model fails.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "plume/llm_client.h"
#include "plume/message.h"
#include "plume/status.h"

namespace plume {

// Engine names, as stored in Draft::engine and accepted in DraftRequest::engine.
inline constexpr std::string_view kEmbeddedEngine = "embedded";
inline constexpr std::string_view kGenerativeEngine = "generative";

struct DraftRequest {
  Message message;     // the citizen's message (id may be 0 for an ad-hoc draft)
  std::string engine;  // kEmbeddedEngine, kGenerativeEngine, or empty for the default engine
  // Optional: observes cancellation (the agent closed the draft). Borrowed for the call.
  const CancellationToken* cancel = nullptr;
  // Optional: receives the reply text as it is produced (deltas, in order, on the calling
  // thread). The embedded engine calls it once with the whole text. Personal data in deltas is
  // already restored. Return false to cancel.
  std::function<bool(std::string_view delta)> on_text;
};

class Drafter {
 public:
  virtual ~Drafter() = default;

  // Produces a draft for request.message; the caller stores it (Store::CreateDraft).
  // The returned Draft has engine, engine_version, prompt_version, text, sources, warnings and
  // latency_ms set; id, message_id and created_at_ms are left to the caller.
  // Errors: kInvalidArgument (empty or oversized body, unknown engine), kCancelled,
  // kUnavailable (no engine can answer). A generative failure falls back to the embedded engine
  // with a warning instead of failing.
  // Thread-safety: safe to call concurrently.
  [[nodiscard]] virtual Result<Draft> Generate(const DraftRequest& request) = 0;

  // Engines this drafter can run, the default first.
  virtual std::vector<std::string> Engines() const = 0;
};

}  // namespace plume
