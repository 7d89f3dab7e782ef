// Builds the Xapian BM25 index of the knowledge base from the Store.
//
// Index layout (one Xapian document per indexed unit):
//   - one "fiche" unit per document: title, breadcrumb, description, introduction and body;
//   - one "chunk" unit per body section: title, section path, section text.
// Title terms are indexed twice: unprefixed and with prefix "S", so the query parser can weight
// title matches above body matches. Boolean terms: XA<audience>, XS<source>, XK<kind>,
// XT<fiche|chunk>. Value slot 0 holds the document id (collapse key). Document data is JSON
// {id, fiche_id, title, url, path, date, text}.
//
// The index is built in a fresh folder next to `index_dir` and swapped in when complete, so a
// failed build leaves the previous index intact and readers never see a half-built one.
#pragma once

#include <filesystem>

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

// Errors: kUnavailable on I/O errors, kInternal on Xapian errors; store errors pass through.
Result<IndexStats> BuildIndex(Store& store, const std::filesystem::path& index_dir,
                              const StopWords& stop_words, Progress& progress);

// Knowledge version recorded in the index metadata by BuildIndex (-1 when absent).
Result<int64_t> IndexedKnowledgeVersion(const std::filesystem::path& index_dir);

}  // namespace plume::retrieval
