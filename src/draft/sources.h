// Finding the knowledge a draft is grounded in, shared by both engines.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "plume/knowledge.h"
#include "plume/message.h"
#include "plume/retriever.h"
#include "plume/status.h"
#include "plume/store.h"
#include "retrieval/analyzer.h"

namespace plume::draft {

struct RetrievedSource {
  SearchHit hit;
  KnowledgeDocument doc;
};

// The retrieval query for a message: subject and body, cut to kMaxQueryBytes.
std::string QueryFor(const Message& message);

// Citizens write to administrations: fiches for individuals ("particuliers") and employees
// (the "travail" fiches) are preferred; another audience's hit keeps this share of its score.
inline constexpr double kOtherAudienceWeight = 0.75;

// Narrowing retrieval to the message's intent (issue #6). The intent is Message::intent, set on
// arrival by the router only when the model's confidence passed the routing threshold (else
// "a-qualifier", which narrows nothing); for a message without intent (ad-hoc drafts, messages
// that arrived before a model existed) `predict` is asked when set.
struct IntentNarrowing {
  // Intent id -> knowledge themes (SearchRequest::themes), from the intent taxonomy.
  std::map<std::string, std::vector<std::string>, std::less<>> themes;
  // SearchRequest::other_theme_weight: 1 disables narrowing, 0 keeps only the intent's themes.
  double other_theme_weight = 1;
  // Intent of a message without one: a taxonomy id, or "" below the model's threshold. May be
  // empty (no prediction). Must be thread-safe.
  std::function<std::string(const Message&)> predict;
};

// The themes and weight `narrowing` gives `message` (empty themes: no narrowing).
void ApplyIntentNarrowing(const IntentNarrowing& narrowing, const Message& message,
                          SearchRequest* request);

// Top `limit` documents for `message`, each loaded from the store, after narrowing to the
// message's intent (IntentNarrowing) and re-weighting by audience (kOtherAudienceWeight). A hit
// whose document is missing from the store (index older than the store) is skipped. Errors:
// those of Retriever::Search and Store::GetDocument other than kNotFound.
Result<std::vector<RetrievedSource>> FindSources(Store& store, const Retriever& retriever,
                                                 const Message& message, int limit,
                                                 const IntentNarrowing& narrowing = {});

// Share (0..1) of the message's distinct content terms that occur in the document's text:
// a cheap, engine-independent confidence that the document answers the message.
double Coverage(const std::vector<std::string>& message_terms, const KnowledgeDocument& doc,
                const retrieval::StopWords& stop_words);

// "2020-07-21" -> "21/07/2020"; other strings unchanged.
std::string FrenchDate(std::string_view iso_date);

// Whole months between an ISO date and `now_ms`; -1 when the date cannot be read.
int MonthsSince(std::string_view iso_date, int64_t now_ms);

// Every draft source for a document.
DraftSource ToDraftSource(const KnowledgeDocument& doc);

}  // namespace plume::draft
