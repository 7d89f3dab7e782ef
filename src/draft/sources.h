// Finding the knowledge a draft is grounded in, shared by both engines.
#pragma once

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

// Top `limit` documents for `message`, each loaded from the store, after re-weighting by
// audience (kOtherAudienceWeight). A hit whose document is missing from the store (index older
// than the store) is skipped. Errors: those of Retriever::Search and Store::GetDocument other
// than kNotFound.
Result<std::vector<RetrievedSource>> FindSources(Store& store, const Retriever& retriever,
                                                 const Message& message, int limit);

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
