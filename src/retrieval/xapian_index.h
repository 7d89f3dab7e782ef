// Builds the Xapian BM25 index of the knowledge base from the Store.
//
// Index layout (one Xapian document per indexed unit):
//   - one "fiche" unit per document: title, breadcrumb, description, introduction and body;
//   - one "chunk" unit per body section: title, section path, section text.
// Title terms are indexed twice: unprefixed and with prefix "S", so the query parser can weight
// title matches above body matches. Boolean terms: XA<audience>, XS<source>, XK<kind>,
// XT<fiche|chunk>, XD<document id> (every unit of a document, for updates),
// XB<audience>/<breadcrumb level 1> (theme, for intent narrowing; absent when the document has no
// level 1). Value slot 0 holds the document id (collapse key). Document data is JSON {id, fiche_id,
// title, url, path, date, text}. Metadata: plume_knowledge_version, plume_index_format ("3") and
// h:<document id> = the indexed content hash.
//
// The index is built in a fresh folder next to `index_dir` and swapped in when complete, so a
// failed build leaves the previous index intact and readers never see a half-built one.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "plume/progress.h"
#include "plume/status.h"
#include "plume/store.h"
#include "retrieval/analyzer.h"

namespace plume::retrieval {

struct IndexStats {
  int64_t documents = 0;
  int64_t units = 0;  // Xapian documents (fiches + chunks)
  int64_t knowledge_version = 0;
};

// The boolean term of a theme key "<audience>/<breadcrumb level 1>"; empty when too long for a
// Xapian term (no such theme is indexed).
std::string ThemeTerm(std::string_view theme_key);

// Errors: kUnavailable on I/O errors, kInternal on Xapian errors; store errors pass through.
Result<IndexStats> BuildIndex(Store& store, const std::filesystem::path& index_dir,
                              const StopWords& stop_words, Progress& progress);

struct IndexUpdateStats {
  int64_t added = 0;     // documents indexed for the first time (or reactivated)
  int64_t replaced = 0;  // documents whose content hash changed
  int64_t removed = 0;   // documents withdrawn or gone from the store
  int64_t unchanged = 0;
  bool rebuilt = false;           // the index had an older format: every document was re-indexed
  int64_t knowledge_version = 0;  // recorded in the index
};

// Brings the existing index at `index_dir` up to the store's content in place: compares the
// store's digests (ListDocumentDigests) with the hashes recorded in the index and re-indexes only
// the documents that changed, in one Xapian transaction, so concurrent readers keep seeing the
// previous revision until the commit (they pick up the new one on reopen). Only one writer at a
// time may update an index (Xapian's lock).
// Errors: kFailedPrecondition when there is no index (use BuildIndex); kUnavailable when another
// writer holds the index; kInternal on Xapian errors; store errors pass through.
Result<IndexUpdateStats> UpdateIndex(Store& store, const std::filesystem::path& index_dir,
                                     const StopWords& stop_words);

// Knowledge version recorded in the index metadata by BuildIndex (-1 when absent).
Result<int64_t> IndexedKnowledgeVersion(const std::filesystem::path& index_dir);

}  // namespace plume::retrieval
