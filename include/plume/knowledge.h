// Knowledge documents: the official content Plume grounds its replies in.
//
// A document is one published fiche (service-public.fr "Vos droits et démarches" F/N/R fiche for
// one audience, or one travail-emploi.gouv.fr labour fiche). Its body is kept as a tree of sections
// flattened in reading order, so retrieval can index one chunk per section and drafting can quote
// a section with its path ("Faute grave > Conditions").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace plume {

enum class DocumentStatus { kActive, kWithdrawn };

// A link the agent may give to a citizen: online service (téléservice), form, where to go, related
// fiche, reference text. Every URL in a draft must come from one of these or the agency config.
struct DocumentLink {
  std::string kind;  // "service_en_ligne", "ou_s_adresser", "fiche_liee", "reference", "lien_web"
  std::string title;
  std::string url;   // may be empty for "ou_s_adresser" entries without a web page
  std::string ref;   // DILA resource id when known (R45668, F2855), else empty
  std::string note;  // provider or comment ("Agence nationale des titres sécurisés (ANTS)")
};

struct DocumentSection {
  std::vector<std::string> path;  // titles from the top: {"Faute grave", "Conditions"}
  std::string text;               // plain text, paragraphs separated by '\n', list items by "- "
};

struct BreadcrumbEntry {
  std::string id;     // "N19806"
  std::string label;  // "Travail"
};

struct KnowledgeDocument {
  std::string id;           // stable key: "<audience>/<fiche id>", e.g. "particuliers/F1137"
  std::string fiche_id;     // publisher id: "F1137", "article375542"
  std::string source;       // "vdd" (service-public.fr) or "travail" (travail-emploi.gouv.fr)
  std::string kind;         // "F", "N", "R" for vdd; "fiche" for travail
  std::string type;         // publisher type: "Fiche Question-réponse", "Téléservice", ...
  std::string audience;     // "particuliers", "professionnels", "associations", "salaries"
  std::string title;
  std::string description;  // summary (dc:description)
  std::string url;          // canonical public URL
  std::string subject;      // dc:subject, comma-separated themes
  std::vector<BreadcrumbEntry> breadcrumb;
  std::string introduction;
  std::vector<DocumentSection> sections;
  std::vector<DocumentLink> links;
  std::string source_date;   // ISO date of last modification by the publisher, "2019-11-25"
  std::string content_hash;  // hex digest of the canonical content; set by the ingester
  DocumentStatus status = DocumentStatus::kActive;
  int64_t ingested_at_ms = 0;
  int64_t updated_at_ms = 0;

  // Title, description, introduction and sections as plain text.
  std::string FullText() const;
};

}  // namespace plume
