// Taxonomy: the intent labels Plume predicts and how official sources map onto them.
//
// Loaded from resources/intent/taxonomy.json (see resources/intent/README.md). A label has a
// stable ASCII id ("etranger", stored in Message::intent and routing rules) and a French display
// name ("Étranger"). Knowledge documents map to a label by "<audience>/<breadcrumb level 1>"
// (or "<audience>/*"); Code du travail numérique query clusters by theme (or "*").
//
// Thread-safety: immutable after Load; const methods may be called concurrently.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "plume/knowledge.h"
#include "plume/status.h"

namespace plume::intent {

struct IntentLabel {
  std::string id;    // "papiers-citoyennete"
  std::string name;  // "Papiers - Citoyenneté"
};

class Taxonomy {
 public:
  // Errors: those of util::ReadFile; kInvalidArgument for malformed JSON, a missing field, a
  // duplicate id or a source key mapped to two labels.
  static Result<Taxonomy> Load(const std::filesystem::path& file);
  static Result<Taxonomy> Parse(std::string_view json_text);

  const std::string& version() const { return version_; }
  const std::vector<IntentLabel>& labels() const { return labels_; }
  // The pseudo-label for messages a human must qualify ("a-qualifier" / "À qualifier").
  const IntentLabel& to_qualify() const { return to_qualify_; }

  bool Contains(std::string_view id) const;
  // Display name of `id` (the id itself when unknown).
  std::string NameOf(std::string_view id) const;
  // Label of a knowledge document from its audience and breadcrumb level 1 (entry 1 of
  // doc.breadcrumb; entry 0 is the audience home). Empty when no rule matches.
  std::string LabelForDocument(const KnowledgeDocument& doc) const;
  std::string LabelForBreadcrumb(std::string_view audience, std::string_view level1) const;
  // Knowledge themes of every label: id -> breadcrumb keys ("particuliers/Travail", "travail/*"),
  // the form SearchRequest::themes takes, so drafting can narrow retrieval to an intent.
  std::map<std::string, std::vector<std::string>, std::less<>> ThemesByIntent() const;
  // Label of a CDTN query cluster theme (may be empty). Empty when no rule matches.
  std::string LabelForCdtnTheme(std::string_view theme) const;

 private:
  std::string version_;
  std::vector<IntentLabel> labels_;
  IntentLabel to_qualify_;
  std::map<std::string, std::string, std::less<>> breadcrumb_;  // "aud/level1" or "aud/*" -> id
  std::map<std::string, std::string, std::less<>> cdtn_;        // theme or "*" -> id
};

// <resource_dir>/intent/taxonomy.json
std::filesystem::path TaxonomyPath(const std::filesystem::path& resource_dir);

}  // namespace plume::intent
