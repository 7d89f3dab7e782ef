// GenerativeEngine: drafts the body of a reply with a language model behind any
// OpenAI-compatible API (Albert API, vLLM, Ollama, llama.cpp server), grounded in retrieved
// fiche excerpts that it must cite ([S1], [S2]...).
//
// Personal data never leaves: the subject and body are pseudonymised (privacy::Pseudonymizer,
// with the sender's name and e-mail as hints) before the prompt is built, and the model's text
// is restored afterwards, streamed deltas included.
//
// When an approved réponse type of the message's service cites the best retrieved fiche (the
// embedded engine's rule, stored_templates.h), the prompt gives it as the validated reply to
// follow (pseudonymised with the message); engine_version gets "+template:<id>" and a warning
// names it. The greeting, the links of the cited fiches,
// the closing formula and the signature come from the template frame, not from the model.
// Links, phones and e-mails the model writes that are not in the excerpts it was given, the
// message or the agency profile are masked with a warning (CheckGrounding).
//
// Ownership: borrows everything; all must outlive the engine.
// Thread-safety: Generate() may run concurrently (LlmClient and Pseudonymizer are thread-safe).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "draft/agency_profile.h"
#include "draft/embedded_engine.h"
#include "draft/prompt_set.h"
#include "draft/reply_templates.h"
#include "plume/clock.h"
#include "plume/llm_client.h"
#include "privacy/pseudonymizer.h"

namespace plume::draft {

struct GenerativeOptions {
  std::string model;  // empty: the client's default model
  int context_sources = 4;
  size_t max_excerpt_chars = 1800;
  double temperature = 0.2;
  int max_tokens = 900;
};

// Holds back a possibly split "[NOM_1]" or "[S2]" at the end of a delta until it is complete,
// restores placeholders and drops citation markers, so streamed text reads like the final one.
class StreamingRestorer {
 public:
  explicit StreamingRestorer(const privacy::Mapping& mapping) : mapping_(mapping) {}
  // Text ready to show for this delta (may be empty).
  std::string Feed(std::string_view delta);
  // What is still held back.
  std::string Finish();

 private:
  std::string Resolve(const std::string& bracketed) const;
  const privacy::Mapping& mapping_;
  std::string pending_;
};

// Citation ids ("S1" -> 1) found in `text`, in order of first appearance, and the text without
// the markers ("[S1]", "[S1, S3]", "[S1][S2]").
struct Citations {
  std::vector<int> ids;
  std::string text;
};
Citations ExtractCitations(std::string_view text);

class GenerativeEngine {
 public:
  GenerativeEngine(LlmClient& client, const EmbeddedEngine& retrieval,
                   const privacy::Pseudonymizer& pseudonymizer, const PromptSet& prompts,
                   const TemplateLibrary& templates, const AgencyProfile& agency,
                   const Clock& clock, GenerativeOptions options = {});

  // Draft with engine "generative", engine_version = the model that answered, prompt_version =
  // the prompt set's version. `on_text` (may be null) receives the reply as it is produced:
  // greeting, restored body deltas, then the rest of the frame. Errors: those of the LLM client
  // (kUnavailable, kDeadlineExceeded, kResourceExhausted, kCancelled...), of retrieval and of
  // pseudonymisation. DraftService turns failures other than kCancelled into an embedded draft.
  Result<Draft> Generate(const Message& message, const CancellationToken* cancel,
                         const std::function<bool(std::string_view)>& on_text) const;

  // The chat request that would be sent for `message` (for tests and `plume draft --show-prompt`).
  // `reply_template` (may be null): an approved réponse type to follow, rendered with the
  // message's slots and the best source's fiche, then pseudonymised together with the message
  // (one mapping, so [NOM_1] is the same person in both). Errors: those of pseudonymisation and
  // rendering.
  Result<ChatRequest> BuildRequest(const Message& message,
                                   const std::vector<RetrievedSource>& sources,
                                   const StoredReplyTemplate* reply_template,
                                   privacy::Mapping* mapping) const;

 private:
  LlmClient& client_;
  const EmbeddedEngine& retrieval_;
  const privacy::Pseudonymizer& pseudonymizer_;
  const PromptSet& prompts_;
  const TemplateLibrary& templates_;
  const AgencyProfile& agency_;
  const Clock& clock_;
  GenerativeOptions options_;
};

}  // namespace plume::draft
