// Library of validated reply templates ("réponses types"), written by agents as mustache files.
//
// A library is a folder with manifest.toml and one .mustache file per template:
//   version = "2026.11-1"          # recorded as the embedded engine's version in every draft
//   [[template]]
//   id = "cadre"                    # unique
//   kind = "cadre"                  # cadre | precisions | reponse_type
//   title = "..."
//   file = "cadre.mustache"
//   fiches = ["F1341"]              # reponse_type: applies to these fiches, or
//   sections = ["Pièces à fournir"] # to any fiche having one of these section titles
// Exactly one "cadre" (greeting, body slot, closing, signature) and at most one "precisions"
// (asks the citizen for details when nothing relevant was found) are required.
//
// Slots available to templates (plain text, never HTML-escaped): see ReplySlots.
// Thread-safety: immutable after Load(); all const methods may run concurrently.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "plume/knowledge.h"
#include "plume/status.h"

namespace plume::draft {

struct LinkSlot {
  std::string titre;
  std::string url;   // may be empty
  std::string note;  // may be empty
};

struct ExcerptSlot {
  std::string titre;  // section title
  std::string texte;
};

// Names are French because agents write the templates.
struct ReplySlots {
  std::string
      appel;  // "Madame Martin" or empty (greeting "Bonjour{{#appel}} {{appel}}{{/appel}},")
  std::string civilite;  // "Madame" / "Monsieur" / "Madame, Monsieur" (closing formula)
  std::string nom;       // the citizen's surname when known ("Martin"), else empty
  std::string objet;     // the message's subject, may be empty
  std::string titre_fiche;
  std::string url_fiche;
  std::string date_fiche;  // "21/07/2020"
  std::string corps;       // the body: a rendered réponse type or sentences from the fiche
  std::string signature;
  std::string service;  // the agency's name
  std::vector<LinkSlot> services_en_ligne;
  std::vector<LinkSlot> ou_s_adresser;
  std::vector<LinkSlot> sources;
  std::vector<ExcerptSlot> extraits;
};

enum class TemplateKind { kFrame, kClarification, kReply };

struct ReplyTemplate {
  std::string id;
  TemplateKind kind = TemplateKind::kReply;
  std::string title;
  std::vector<std::string> fiches;
  std::vector<std::string> sections;  // as written in the manifest
  std::string body;                   // mustache source
};

class TemplateLibrary {
 public:
  // Errors: kNotFound (missing folder, manifest or template file), kInvalidArgument (TOML syntax
  // with its line, unknown kind, duplicate id, missing cadre, mustache syntax error).
  static Result<TemplateLibrary> Load(const std::filesystem::path& dir);

  const std::string& version() const { return version_; }
  const ReplyTemplate& frame() const { return templates_[frame_index_]; }
  // nullptr when the library has none.
  const ReplyTemplate* clarification() const;
  // The réponse type for `doc`: one listing its fiche id first, else the first one whose
  // section titles match one of the document's (case and accents ignored); nullptr when none.
  const ReplyTemplate* ForDocument(const KnowledgeDocument& doc) const;
  const std::vector<ReplyTemplate>& templates() const { return templates_; }

  // Renders `tmpl` with `slots`. Errors: kInvalidArgument if rendering fails.
  static Result<std::string> Render(const ReplyTemplate& tmpl, const ReplySlots& slots);

 private:
  std::string version_;
  std::vector<ReplyTemplate> templates_;
  size_t frame_index_ = 0;
  int clarification_index_ = -1;
};

// Case- and accent-insensitive key for section titles ("Pièces à fournir" -> "pieces a fournir").
std::string SectionKey(std::string_view title);

}  // namespace plume::draft
