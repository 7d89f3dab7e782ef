// EmbeddedEngine: drafts a reply without any model, from the knowledge base and the library of
// validated reply templates.
//
// For a message it retrieves the most relevant fiches, then
//   - uses an approved réponse type of the message's service from the store when one cites the
//     best fiche (stored_templates.h: its documents become the sources, engine_version gets
//     "+template:<id>" and a warning names it);
//   - renders the réponse type matching the best fiche (TemplateLibrary::ForDocument) with the
//     fiche's relevant sections, or else composes the body from the fiche's summary and the
//     sentences that share the most terms with the message (lists kept whole);
//   - adds the fiche's online services and "où s'adresser" entries, the sources, the greeting
//     with the citizen's civility when known, the closing formula and the signature placeholder
//     (TemplateLibrary::frame());
//   - asks the citizen for details (the "precisions" template) when nothing relevant is found;
//   - raises French warnings: stale fiche, low confidence, short message, masked values
//     (CheckGrounding over the cited fiches, the message and the agency profile).
//
// Ownership: borrows everything given to the constructor; all must outlive the engine.
// Thread-safety: Generate() may run concurrently (the store and retriever are thread-safe).
#pragma once

#include <optional>
#include <string>

#include "draft/agency_profile.h"
#include "draft/reply_frame.h"
#include "draft/reply_templates.h"
#include "draft/sources.h"
#include "plume/clock.h"
#include "plume/message.h"
#include "plume/retriever.h"
#include "plume/status.h"
#include "plume/store.h"
#include "retrieval/analyzer.h"

namespace plume::draft {

struct EmbeddedOptions {
  int retrieve_limit = 2;          // the best fiche and a possible second source
  size_t max_excerpt_chars = 900;  // per section excerpt or composed paragraph
  int max_sentences = 4;
  double low_coverage = 0.4;         // below: "confiance faible" warning
  double no_answer_coverage = 0.15;  // below (or no hit): ask the citizen for details
  int short_message_words = 6;       // fewer words: "message court" warning
  // A second fiche is cited as well when its score is at least this share of the first's.
  double second_source_ratio = 0.9;
  // Retrieval narrowed to the message's intent (issue #6); the default narrows nothing.
  IntentNarrowing narrowing;
};

class EmbeddedEngine {
 public:
  EmbeddedEngine(Store& store, const Retriever& retriever, const retrieval::StopWords& stop_words,
                 const TemplateLibrary& templates, const AgencyProfile& agency, const Clock& clock,
                 EmbeddedOptions options = {});

  // Draft with engine "embedded", engine_version "templates-<library version>", no prompt
  // version. The message body must be non-empty valid UTF-8 (checked by DraftService).
  // Errors: those of retrieval and the store; kInvalidArgument if a template fails to render.
  Result<Draft> Generate(const Message& message) const;

  // The retrieval + grounding part, for the generative engine's fallback and prompt.
  Result<std::vector<RetrievedSource>> Sources(const Message& message) const;

  // The approved réponse type that applies to `found` (stored_templates.h: FindStoredTemplate),
  // for the generative engine's prompt. Errors: those of the store.
  Result<std::optional<StoredReplyTemplate>> StoredTemplateFor(
      const Message& message, const std::vector<RetrievedSource>& found) const;

  std::string Version() const { return "templates-" + templates_.version(); }

 private:
  Result<std::string> Body(const Message& message, const std::vector<std::string>& terms,
                           const RetrievedSource& best) const;

  Store& store_;
  const Retriever& retriever_;
  const retrieval::StopWords& stop_words_;
  const TemplateLibrary& templates_;
  const AgencyProfile& agency_;
  const Clock& clock_;
  EmbeddedOptions options_;
};

}  // namespace plume::draft
