// Retriever: finds the knowledge passages relevant to a citizen's text.
//
// Implementations: Bm25Retriever (Xapian, src/retrieval). A vector or hybrid retriever can be
// added behind the same interface and fused by reciprocal rank.
//
// Thread-safety: Search() is safe to call concurrently once the retriever is open.
#pragma once

#include <string>
#include <vector>

#include "plume/status.h"

namespace plume {

struct SearchRequest {
  std::string query;               // UTF-8 text; 1..kMaxQueryBytes bytes
  int limit = 10;                  // 1..100 results, one per document
  std::string audience;            // filter: "particuliers", ...; empty for all
  std::string source;              // filter: "vdd", "travail"; empty for all
  bool include_resources = false;  // include R fiches (forms, online services) in results
  bool with_snippets = true;       // false: leave SearchHit::snippet empty (ranking only)
  // Theme narrowing (issue #6, the message's predicted intent): knowledge themes as breadcrumb
  // keys "<audience>/<breadcrumb level 1>" or "<audience>/*". Documents outside these themes keep
  // `other_theme_weight` of their score: 1 changes nothing, 0 excludes them (a filter). Ignored
  // when `themes` is empty. Precondition: 0 <= other_theme_weight <= 1.
  std::vector<std::string> themes;
  double other_theme_weight = 1;
};

struct SearchHit {
  std::string document_id;  // "particuliers/F1137"
  std::string fiche_id;     // "F1137"
  std::string title;
  std::string url;
  std::string section_path;  // "Faute grave > Conditions"; empty when the whole fiche matched
  std::string source_date;
  double score = 0;
  std::string snippet;  // a few sentences around the matching terms, plain text
};

inline constexpr size_t kMaxQueryBytes = 4096;

class Retriever {
 public:
  virtual ~Retriever() = default;
  // Errors: kInvalidArgument for an empty, oversized or non-UTF-8 query or a bad limit;
  // kFailedPrecondition when no index exists; kInternal on index failures.
  virtual Result<std::vector<SearchHit>> Search(const SearchRequest& request) const = 0;
  virtual std::string Name() const = 0;
};

}  // namespace plume
