// Approved réponses types of the store (issue #3) in the embedded engine.
//
// A stored template applies to a message of its service when it cites the best retrieved fiche;
// among those, the one citing more of the retrieved fiches (and fewer others) wins, a template
// whose intent matches Message::intent is preferred, and one with another intent is never used
// when the message has an intent. Candidates and rejected templates are never used.
//
// Thread-safety: free functions; ApplyStoredTemplate only reads the store (thread-safe).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "draft/agency_profile.h"
#include "draft/grounding_guard.h"
#include "draft/reply_templates.h"
#include "draft/sources.h"
#include "plume/message.h"
#include "plume/status.h"
#include "plume/store.h"

namespace plume::draft {

// The best template of `approved` for a message whose retrieved fiches are `retrieved_ids`
// (best first) and whose intent is `intent` (may be empty); nullptr when none applies. Templates
// not approved are skipped.
const StoredReplyTemplate* ChooseStoredTemplate(const std::vector<StoredReplyTemplate>& approved,
                                                const std::vector<std::string>& retrieved_ids,
                                                std::string_view intent);

// What the engine records in Draft::engine_version after its own version: "+template:<id>".
std::string StoredTemplateTag(int64_t id);

// The French warning telling the agent which réponse type the draft comes from.
std::string StoredTemplateWarning(const StoredReplyTemplate& tmpl);

// The approved template of message.service that applies to `found` (best first) by
// ChooseStoredTemplate; nullopt when none applies, the message has no service or nothing was
// found. Errors: those of the store.
Result<std::optional<StoredReplyTemplate>> FindStoredTemplate(
    Store& store, const Message& message, const std::vector<RetrievedSource>& found);

// `tmpl`'s body rendered with `slots` (the frame's slots) plus the title, URL and date of
// `best`, the best retrieved fiche. Errors: kInvalidArgument if the template fails to render.
Result<std::string> RenderStoredTemplate(const StoredReplyTemplate& tmpl, ReplySlots slots,
                                         const KnowledgeDocument& best);

// When an approved template of message.service applies to `found` (non-empty, best first):
// renders its body with `slots` (the frame's slots; the best fiche's title, URL, date and links
// are added), puts it in slots->corps, cites every active document of the template (the
// draft's sources, allowed values, stale warnings), tags draft->engine_version and adds
// StoredTemplateWarning. Returns false, changing nothing, when none applies (or the message has
// no service). Errors: those of the store; kInvalidArgument if the template fails to render.
Result<bool> ApplyStoredTemplate(Store& store, const Message& message,
                                 const std::vector<RetrievedSource>& found,
                                 const AgencyProfile& agency, int64_t now_ms, ReplySlots* slots,
                                 AllowedValues* allowed, Draft* draft);

}  // namespace plume::draft
