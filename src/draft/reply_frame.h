// Parts of a reply shared by both engines: the greeting and closing for the citizen, the links
// and warnings that come with each cited fiche, and the values a draft may contain.
#pragma once

#include <string>
#include <vector>

#include "draft/agency_profile.h"
#include "draft/grounding_guard.h"
#include "draft/reply_templates.h"
#include "plume/knowledge.h"
#include "plume/message.h"

namespace plume::draft {

// Greeting, closing civility, subject, signature and agency name for `message`.
ReplySlots FrameSlots(const Message& message, const AgencyProfile& agency);

// What any draft for `message` may contain besides its sources: the citizen's own text and the
// agency's configured contact points.
AllowedValues BaseAllowedValues(const Message& message, const AgencyProfile& agency);

// Records `doc` as cited: adds it to the draft's sources and the frame's source list, allows
// its values, and warns when it is older than the agency's limit (relative to now_ms).
void CiteDocument(const KnowledgeDocument& doc, int64_t now_ms, const AgencyProfile& agency,
                  ReplySlots* slots, AllowedValues* allowed, Draft* draft);

// The online services (with a URL) and "où s'adresser" entries of `doc`, at most `max` each.
void AddDocumentLinks(const KnowledgeDocument& doc, size_t max, ReplySlots* slots);

// Blank-line and trailing-space clean-up of a rendered reply.
std::string TidyReply(std::string_view text);

// Warnings shared by both engines (French).
std::string StaleWarning(const KnowledgeDocument& doc, int months);
std::string LowConfidenceWarning(const KnowledgeDocument& doc);
std::string ShortMessageWarning();
std::string NoSourceWarning();

}  // namespace plume::draft
