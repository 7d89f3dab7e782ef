// Text columns encoded the same way by both Store implementations: JSON: breadcrumbs, sections and
// links of a knowledge document; sources and warnings of a draft; sources of an audit entry. Both
// engines store these as TEXT, written and read by these functions, so the stored bytes are the
// same whatever the engine.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "plume/knowledge.h"
#include "plume/message.h"
#include "plume/outcomes.h"
#include "plume/status.h"

namespace plume::store {

std::string BreadcrumbToJson(const std::vector<BreadcrumbEntry>& breadcrumb);
std::string SectionsToJson(const std::vector<DocumentSection>& sections);
std::string LinksToJson(const std::vector<DocumentLink>& links);
std::string SourcesToJson(const std::vector<DraftSource>& sources);
// A JSON array of strings (draft warnings, audit sources).
std::string StringListToJson(const std::vector<std::string>& values);

// Fills doc->breadcrumb, doc->sections and doc->links. Errors: kDataLoss when a column is not
// the JSON these functions write (the message names doc->id).
Status ParseDocumentJson(std::string_view breadcrumb, std::string_view sections,
                         std::string_view links, KnowledgeDocument* doc);
// Fills draft->sources and draft->warnings. Errors: kDataLoss as above.
Status ParseDraftJson(std::string_view sources, std::string_view warnings, Draft* draft);
// Agents' feedback reasons as comma-separated codes (the codes contain no comma); unknown codes
// are skipped on read.
std::string ReasonsToText(const std::vector<FeedbackReason>& reasons);
std::vector<FeedbackReason> ReasonsFromText(std::string_view text);

// Parses StringListToJson's output. Errors: kDataLoss naming `what` ("audit 12").
Result<std::vector<std::string>> ParseStringList(std::string_view json_text, std::string_view what);

}  // namespace plume::store
